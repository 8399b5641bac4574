"""Replace the bundle's ICU data library (32 MB) with one holding only what Qt can ask ICU for (10 MB).

    python packaging/trim_icu.py dist/retake/_internal/PySide6/Qt/lib/libicudata.so.73

Qt 6 calls exactly four ICU services (``nm -D --undefined-only libQt6*.so.6 | grep _73``): case mapping
(compiled into libicuuc, no data), collation (``ucol_*``: QCollator, the file dialog's sorting),
converters (``ucnv_*``: QStringConverter for legacy encodings) and calendars/time zones (``ucal_*``:
QTimeZone). No break iteration, number or date formatting, display names or transliteration: Qt has
its own CLDR tables for those. So this keeps the collation tree, every converter, the time-zone and
locale metadata, and the root and English locale bundles, and drops the rest (other locales' display
names, currencies, units, zone names, break-iterator rules and dictionaries, transliterators, number
spellout, character names). A language whose locale bundle is gone falls back to root, as ICU does
for any locale it lacks; its collation tailoring is in the kept collation tree.

Needs ICU's icupkg and genccode (Debian: icu-devtools) and a C compiler; without them the full
library stays and this says so. The new library exports the same ``icudt<N>_dat`` symbol under the
same soname, checked before it replaces the original.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

DROPPED_TREES = ("brkitr", "curr", "lang", "rbnf", "region", "translit", "unit")
# QTimeZone::displayName reads zone names; the UI is English, so English (and root) names stay.
ENGLISH_KEPT_TREES = ("zone",)
DROPPED_FILES = ("unames.icu",)
KEPT_LOCALES = ("root", "en")  # and en_* (the main tree's pool.res and res_index.res are metadata, kept)
_LOCALE_BUNDLE = re.compile(r"^(?P<language>[a-z]{2,3})(_[A-Za-z0-9]+)*\.res$")
TOOLS = ("icupkg", "genccode", "cc", "nm", "readelf")


def dropped(item: str) -> bool:
    """True for an item of the ICU data package (as ``icupkg -l`` names it) that Qt never reads."""
    tree, _, name = item.rpartition("/")
    if tree in ENGLISH_KEPT_TREES:
        return not _kept_locale_bundle(name)
    if tree:
        return tree in DROPPED_TREES
    return item in DROPPED_FILES or not _kept_locale_bundle(item)


def _kept_locale_bundle(name: str) -> bool:
    match = _LOCALE_BUNDLE.match(name)
    return not match or name in ("pool.res", "root.res") or match["language"] in KEPT_LOCALES


def data_symbol(library: Path) -> tuple[str, int, int]:
    """Name, file offset and size of the ``icudt<N>_dat`` blob a data library exports."""
    out = subprocess.run(["nm", "-D", "-S", "--defined-only", str(library)], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        fields = line.split()
        if len(fields) == 4 and re.fullmatch(r"icudt\d+_dat", fields[3]):
            address, size = int(fields[0], 16), int(fields[1], 16)
            return fields[3], _file_offset(library.read_bytes()[:65536], address), size
    raise ValueError(f"{library} exports no icudt<N>_dat symbol")


def _file_offset(header: bytes, address: int) -> int:
    phoff, phentsize, phnum = struct.unpack_from("<Q", header, 0x20)[0], *struct.unpack_from("<HH", header, 0x36)
    for i in range(phnum):
        fields = struct.unpack_from("<IIQQQQ", header, phoff + i * phentsize)
        p_type, p_offset, p_vaddr, p_filesz = fields[0], fields[2], fields[3], fields[5]
        if p_type == 1 and p_vaddr <= address < p_vaddr + p_filesz:
            return address - p_vaddr + p_offset
    raise ValueError(f"address {address:#x} is in no loadable segment")


def soname(library: Path) -> str:
    out = subprocess.run(["readelf", "-dW", str(library)], capture_output=True, text=True, check=True).stdout
    match = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", out)
    if not match:
        raise ValueError(f"{library} has no soname")
    return match.group(1)


def package_items(dat: Path) -> list[str]:
    out = subprocess.run(["icupkg", "-l", str(dat)], capture_output=True, text=True, check=True).stdout
    return sorted(line.strip() for line in out.splitlines() if line.strip())


def trim(library: Path, work: Path) -> Path:
    """Build the trimmed data library in ``work`` and check it; return its path (the original is untouched)."""
    symbol, offset, size = data_symbol(library)
    entry = symbol.removesuffix("_dat")  # icudt73
    full = work / f"{entry}l.dat"
    with open(library, "rb") as fh:
        fh.seek(offset)
        full.write_bytes(fh.read(size))
    items = package_items(full)
    removed = [item for item in items if dropped(item)]
    (work / "removed.txt").write_text("\n".join(removed) + "\n", encoding="utf-8")
    trimmed = work / "trimmed" / full.name
    trimmed.parent.mkdir()
    _run("icupkg", "-r", work / "removed.txt", full, trimmed)
    _run("genccode", "-a", "gcc", "-e", entry, "-d", work, trimmed)
    assembly = work / f"{trimmed.stem}_dat.S"
    # genccode hides the symbol (it expects a static link); libicuuc looks it up dynamically.
    source = assembly.read_text(encoding="ascii")
    assembly.write_text(re.sub(rf"^\s*\.hidden\s+{symbol}\s*$", "", source, flags=re.MULTILINE), encoding="ascii")
    name = soname(library)
    built = work / name
    _run("cc", "-shared", "-nostdlib", f"-Wl,-soname,{name}", "-Wl,-z,noexecstack", "-o", built, assembly)

    # The new library must be a drop-in: same soname, same exported symbol, exactly the kept items.
    new_symbol, new_offset, new_size = data_symbol(built)
    check = work / "check" / full.name  # icupkg takes the package name from the file name
    check.parent.mkdir()
    with open(built, "rb") as fh:
        fh.seek(new_offset)
        check.write_bytes(fh.read(new_size))
    kept = sorted(set(items) - set(removed))
    if soname(built) != name or new_symbol != symbol or package_items(check) != kept:
        raise RuntimeError(f"the trimmed {name} does not match what was asked for")
    return built


def _run(*command: str | Path) -> None:
    proc = subprocess.run([str(part) for part in command], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{command[0]} exited {proc.returncode}: {proc.stderr.strip() or proc.stdout.strip()}")


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_file():
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    library = Path(argv[0])
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(f"trim_icu: {', '.join(missing)} not found (apt install icu-devtools gcc): full ICU data kept")
        return 0
    before = library.stat().st_size
    with tempfile.TemporaryDirectory(prefix="retake-icu-") as tmp:
        built = trim(library, Path(tmp))
        shutil.copymode(library, built)
        part = library.with_name(library.name + ".part")
        shutil.copy2(built, part)
        os.replace(part, library)
    print(f"trim_icu: {library.name} {before / 1e6:.1f} MB -> {library.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
