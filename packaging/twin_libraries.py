"""Decide whether a wheel's vendored copy of a library can be replaced by the copy the bundle already ships.

auditwheel renames the libraries a wheel carries (``pedalboard.libs/libfreetype-2f3b32b6.so.6.16.1``),
so the bundle can hold the same library twice: the wheel's, and the build machine's one that Qt or
Python pulled in under its plain soname (``libfreetype.so.6``). retake.spec turns the wheel's copy into
a symlink to the other when :func:`can_replace` proves it safe: every dynamic symbol that a bundled
binary which needs the old copy takes from it is defined by the new copy, with the same symbol version
when the reference names one (the dynamic linker's own rule). Needs binutils (nm, readelf); without
them nothing is replaced.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@functools.cache
def needed(path: str) -> frozenset[str]:
    """The DT_NEEDED names of an ELF file (empty when it is not one)."""
    try:
        out = _run("readelf", "-dW", path)
    except subprocess.CalledProcessError:
        return frozenset()
    return frozenset(line.rsplit("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line)


def _symbols(path: str, which: str) -> list[tuple[str, str]]:
    """(name, version) of the dynamic symbols nm lists; version "" when unversioned."""
    out = _run("nm", "-D", which, path)
    pairs = []
    for line in out.splitlines():
        if not line.strip():
            continue
        name, _, version = line.split()[-1].partition("@")
        pairs.append((name, version.lstrip("@")))
    return pairs


def can_replace(old: str | Path, new: str | Path, binaries: Iterable[str | Path]) -> bool:
    """True when every binary that needs ``old`` finds all it uses from ``old`` in ``new``."""
    if shutil.which("nm") is None or shutil.which("readelf") is None:
        return False
    old, new = str(old), str(new)
    try:
        old_exports = {name for name, _ in _symbols(old, "--defined-only")}
        new_exports: dict[str, set[str]] = {}
        for name, version in _symbols(new, "--defined-only"):
            new_exports.setdefault(name, set()).add(version)
        users = [str(b) for b in binaries if Path(old).name in needed(str(b))]
        for user in users:
            for name, version in _symbols(user, "--undefined-only"):
                if name not in old_exports:
                    continue
                if name not in new_exports or (version and version not in new_exports[name]):
                    return False
    except (subprocess.CalledProcessError, OSError):
        return False
    return True
