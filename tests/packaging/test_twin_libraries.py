"""packaging/twin_libraries.py: a vendored library is replaced only when every symbol its users take is there."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import twin_libraries  # noqa: E402

needs_binutils = pytest.mark.skipif(shutil.which("nm") is None or shutil.which("readelf") is None, reason="binutils")


def fake_elves(monkeypatch, exports: dict[str, list[tuple[str, str]]], imports: dict[str, list[tuple[str, str]]]):
    """Pretend files: ``exports``/``imports`` give each file's defined/undefined (name, version) symbols."""
    monkeypatch.setattr(twin_libraries.shutil, "which", lambda _name: "/usr/bin/true")
    monkeypatch.setattr(
        twin_libraries, "needed", lambda path: frozenset({"libold.so.1"}) if path in imports else frozenset()
    )

    def symbols(path: str, which: str):
        return (exports if which == "--defined-only" else imports).get(path, [])

    monkeypatch.setattr(twin_libraries, "_symbols", symbols)


def test_replacement_needs_every_used_symbol_with_its_version(monkeypatch):
    old = [("snd_open", "ALSA_0.9"), ("snd_close", "ALSA_0.9"), ("unused", "")]
    user = {"user.so": [("snd_open", "ALSA_0.9"), ("snd_close", ""), ("malloc", "GLIBC_2.2.5")]}
    fake_elves(monkeypatch, {"libold.so.1": old, "new.so": [("snd_open", "ALSA_0.9"), ("snd_close", "ALSA_1.0")]}, user)
    assert twin_libraries.can_replace("libold.so.1", "new.so", ["user.so"])  # unversioned reference: any version

    fake_elves(monkeypatch, {"libold.so.1": old, "new.so": [("snd_open", "ALSA_1.0"), ("snd_close", "")]}, user)
    assert not twin_libraries.can_replace("libold.so.1", "new.so", ["user.so"])  # ALSA_0.9 of snd_open is gone

    fake_elves(monkeypatch, {"libold.so.1": old, "new.so": [("snd_open", "ALSA_0.9")]}, user)
    assert not twin_libraries.can_replace("libold.so.1", "new.so", ["user.so"])  # snd_close is missing


def test_nothing_is_replaced_without_binutils(monkeypatch):
    monkeypatch.setattr(twin_libraries.shutil, "which", lambda _name: None)
    assert not twin_libraries.can_replace("a", "b", [])


@needs_binutils
def test_pedalboards_freetype_can_use_the_systems_and_not_an_unrelated_library():
    import importlib.metadata as metadata

    dist = metadata.distribution("pedalboard")
    files = [Path(dist.locate_file(f)) for f in dist.files]
    vendored = next((p for p in files if p.name.startswith("libfreetype-")), None)
    system = Path("/usr/lib/x86_64-linux-gnu/libfreetype.so.6")
    if vendored is None or not system.exists():
        pytest.skip("needs pedalboard's manylinux wheel and Debian's libfreetype6")
    users = [p for p in files if p.suffix == ".so" or ".so." in p.name]
    assert twin_libraries.can_replace(vendored, system, users)
    assert not twin_libraries.can_replace(vendored, Path("/usr/lib/x86_64-linux-gnu/libz.so.1"), users)
