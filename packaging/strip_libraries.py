"""Strip the symbol tables of the bundle's shared libraries where that is provably harmless (Linux builds).

    python packaging/strip_libraries.py dist/retake/_internal

``strip --strip-unneeded`` drops ``.symtab`` and debug sections, never the dynamic symbols the loader
and ``dlsym`` use. It has broken one kind of file before: libraries that auditwheel rewrote with
patchelf, whose segments strip can re-lay so that a PT_LOAD's file offset and address no longer agree
modulo its alignment (numpy's OpenBLAS: "ELF load command address/offset not page-aligned"). So each
library is stripped into a temporary copy that replaces the original only if every loadable segment
still satisfies that rule and the dynamic symbol table is unchanged. OpenBLAS is never touched.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

NEVER = ("openblas",)  # strip once broke it; its symbol table is 1 MB, not worth a second try
MIN_SAVING = 64 * 1024  # below this, leave the wheel's file as it was built
PT_LOAD = 1


def elf_segments(data: bytes) -> list[tuple[int, int, int, int]]:
    """(type, offset, vaddr, align) of each program header of a 64-bit little-endian ELF file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, phentsize, phnum = struct.unpack_from("<Q", data, 0x20)[0], *struct.unpack_from("<HH", data, 0x36)
    segments = []
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr = struct.unpack_from("<IIQQ", data, phoff + i * phentsize)
        p_align = struct.unpack_from("<Q", data, phoff + i * phentsize + 48)[0]
        segments.append((p_type, p_offset, p_vaddr, p_align))
    return segments


def loadable_layout_ok(path: Path) -> bool:
    """True when every PT_LOAD segment's offset and address agree modulo its alignment (what ld.so checks)."""
    segments = elf_segments(path.read_bytes()[:65536])
    return all(off % align == vaddr % align for kind, off, vaddr, align in segments if kind == PT_LOAD and align > 1)


def dynamic_symbols(path: Path) -> list[str]:
    out = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True, check=True).stdout
    return sorted(line.split()[-1] for line in out.splitlines() if line.strip())


def strip_one(path: Path) -> int:
    """Strip ``path`` in place if it is safe; return the bytes saved (0 when it was left alone)."""
    with tempfile.TemporaryDirectory(prefix=".strip-", dir=path.parent) as tmp:  # same file system: atomic replace
        stripped = Path(tmp) / path.name
        proc = subprocess.run(["strip", "--strip-unneeded", "-o", str(stripped), str(path)], capture_output=True)
        if proc.returncode != 0:
            return 0
        saving = path.stat().st_size - stripped.stat().st_size
        if saving < MIN_SAVING or not loadable_layout_ok(stripped):
            return 0
        if dynamic_symbols(stripped) != dynamic_symbols(path):
            return 0
        shutil.copymode(path, stripped)
        os.replace(stripped, path)
    return saving


def shared_libraries(folder: Path) -> list[Path]:
    found = []
    for path in sorted(folder.rglob("*.so*")):
        if path.is_symlink() or not path.is_file() or any(word in path.name.lower() for word in NEVER):
            continue
        with open(path, "rb") as fh:
            if fh.read(4) == b"\x7fELF":
                found.append(path)
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if shutil.which("strip") is None or shutil.which("nm") is None:
        print("strip_libraries: binutils not installed, nothing stripped")
        return 0
    total = 0
    for path in shared_libraries(Path(argv[0])):
        saved = strip_one(path)
        total += saved
        if saved:
            print(f"  stripped {path.relative_to(argv[0])}: {saved / 1e6:.2f} MB")
    print(f"strip_libraries: {total / 1e6:.1f} MB of symbol tables removed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
