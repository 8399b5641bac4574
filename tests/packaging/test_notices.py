"""packaging/notices.py: the notices list exactly the components a bundle holds, each with its licence text."""

from __future__ import annotations

import importlib.metadata as metadata
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import notices  # noqa: E402


def _numpy_extension() -> Path:
    dist = metadata.distribution("numpy")
    return next(Path(dist.locate_file(f)) for f in dist.files if f.name.startswith("_multiarray_umath"))


def fake_bundle(tmp_path: Path, extra: dict[str, str | None] | None = None) -> tuple[Path, Path]:
    """A dist/retake look-alike and the PyInstaller work folder that says where each file came from."""
    bundle, work = tmp_path / "retake", tmp_path / "work"
    internal = bundle / "_internal"
    numpy_so = _numpy_extension()
    files: dict[str, str | None] = {
        "PySide6/Qt/lib/libQt6Core.so.6": None,  # Qt and the packed ffmpeg are recognised by their bundle path
        "PySide6/Qt/lib/libicuuc.so.73": None,
        "resources/ffmpeg/ffmpeg.json": None,
        f"numpy/_core/{numpy_so.name}": str(numpy_so),
        "resources/icons/retake.png": str(ROOT / "resources" / "icons" / "retake.png"),  # Retake's own
        **(extra or {}),
    }
    toc = []
    for rel, src in files.items():
        (internal / rel).parent.mkdir(parents=True, exist_ok=True)
        (internal / rel).write_bytes(b"\x7fELF fake")
        toc.append((rel, src or str(internal / rel), "BINARY"))
    (bundle / "retake").write_bytes(b"\x7fELF bootloader")
    work.mkdir()
    (work / "COLLECT-00.toc").write_text(repr((toc,)), encoding="utf-8")
    httpx_init = str(Path(metadata.distribution("httpx").locate_file("httpx/__init__.py")))
    (work / "PYZ-00.toc").write_text(repr(("PYZ-00.pyz", [("httpx", httpx_init, "PYMODULE")])), encoding="utf-8")
    return bundle, work


def test_notices_list_every_component_the_bundle_holds(tmp_path):
    bundle, work = fake_bundle(tmp_path)
    assert notices.main([str(bundle), "--workpath", str(work)]) == 0
    listed = json.loads((bundle / "licenses" / "components.json").read_text(encoding="utf-8"))
    names = {c["name"] for c in listed}
    assert names == {"Qt", "ICU", "ffmpeg", "numpy", "httpx", "pyinstaller"}
    # Every file of the bundle is accounted for, Retake's own files excepted.
    covered = {f for c in listed for f in c["files"]}
    on_disk = {p.relative_to(bundle / "_internal").as_posix() for p in (bundle / "_internal").rglob("*") if p.is_file()}
    assert on_disk - covered == {"resources/icons/retake.png"}
    # Each licence text named is in the bundle, and the notices file names Qt's relinking terms.
    for component in listed:
        assert component["texts"], component["name"]
        assert all((bundle / text).is_file() for text in component["texts"])
    text = (bundle / "THIRD_PARTY_NOTICES.txt").read_text(encoding="utf-8")
    assert "GNU General Public License version 3" in text and "replace them with your own build" in text
    qt = next(c for c in listed if c["name"] == "Qt")
    assert qt["version"] == metadata.version("PySide6_Essentials")
    assert "LGPL-3.0" in qt["licence"]


def test_a_file_of_no_known_component_fails_the_build(tmp_path, capsys):
    bundle, work = fake_bundle(tmp_path, {"libmystery.so.1": "/opt/nowhere/libmystery.so.1"})
    assert notices.main([str(bundle), "--workpath", str(work)]) == 1
    assert "libmystery.so.1" in capsys.readouterr().err
    assert not (bundle / "THIRD_PARTY_NOTICES.txt").exists()


def test_a_component_without_licence_text_fails_the_build(tmp_path):
    orphan = notices.Component("orphan", "1.0", "?", "native library", "nowhere", texts=[])
    with pytest.raises(notices.NoticeError, match="orphan"):
        notices.write(tmp_path, [orphan])


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs a Debian build machine")
def test_system_libraries_are_named_by_their_debian_package(tmp_path):
    zlib = next((p for p in (Path("/lib/x86_64-linux-gnu/libz.so.1"), Path("/usr/lib/x86_64-linux-gnu/libz.so.1"))
                 if p.exists()), None)  # fmt: skip
    if zlib is None:
        pytest.skip("no system zlib at the Debian path")
    bundle, work = fake_bundle(tmp_path, {"libz.so.1": str(zlib)})
    assert notices.main([str(bundle), "--workpath", str(work)]) == 0
    listed = json.loads((bundle / "licenses" / "components.json").read_text(encoding="utf-8"))
    zlib_entry = next(c for c in listed if "zlib1g" in c["name"])
    assert zlib_entry["files"] == ["libz.so.1"] and "snapshot.debian.org" in zlib_entry["source"]


def test_licence_check_follows_how_each_component_is_linked():
    import licence_check

    assert licence_check.compatible("MIT") and licence_check.compatible("LGPL-3.0-only OR GPL-2.0-only")
    assert licence_check.compatible("BSD-3-Clause OR GPL-2.0-only") and licence_check.compatible(
        "FTL OR GPL-2.0-or-later"
    )
    assert not licence_check.compatible("GPL-2.0-only") and not licence_check.compatible("MIT AND GPL-2.0-only")
    assert licence_check.strong_copyleft("GNU General Public License v3 (GPLv3)")
    assert not licence_check.strong_copyleft("GPL-3.0-or-later WITH GCC-exception-3.1")
    in_process, beside = "native library, loaded in-process", "separate executable (aggregate)"
    parts = [
        notices.Component("pedalboard", "1", "GNU General Public License v3 (GPLv3)", "Python distribution", "x"),
        notices.Component("ffmpeg", "1", "GPL-2.0-only", beside, "x"),  # an aggregate may be GPL-2.0-only
        notices.Component("gpl2lib", "1", "GPL-2.0-only", in_process, "x"),
        notices.Component("newlib (Debian)", "1", "not reviewed: BSD-3-clause", in_process, "x"),
    ]
    found = licence_check.problems(parts)
    assert len(found) == 2 and "gpl2lib" in found[0] and "not reviewed" in found[1]
    assert licence_check.copyleft_in_process(parts) == ["pedalboard", "gpl2lib"]


def test_the_build_helpers_need_only_the_standard_library():
    import ast

    own = {"notices", "notice_components", "licence_check", "twin_libraries"}
    for name in own:
        tree = ast.parse((ROOT / "packaging" / f"{name}.py").read_text(encoding="utf-8"))
        modules = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 0}
        assert modules - {"__future__"} - own <= set(sys.stdlib_module_names), (name, modules)
