"""Compress the imageio-ffmpeg binary for the packaged app: 165 MB -> about 46 MB, unpacked on first use.

    python packaging/pack_ffmpeg.py [OUT_DIR]        (retake.spec calls pack() itself)

Writes ``OUT_DIR/<binary name>.xz`` and ``OUT_DIR/ffmpeg.json`` (name, archive, size, SHA-256), the pair
``desktop_app.audio.ffmpeg.unpack_packed_ffmpeg`` reads. Standard library lzma, so the app needs nothing
extra to unpack it. Compressing takes a few minutes of one core, so the result is reused while the
binary's SHA-256 is unchanged (build/ffmpeg-pack/ survives ``pyinstaller --clean``).
"""

from __future__ import annotations

import hashlib
import json
import lzma
import os
import sys
import tempfile
from pathlib import Path

MANIFEST = "ffmpeg.json"  # the name desktop_app.audio.ffmpeg.PACKED_MANIFEST expects
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "build" / "ffmpeg-pack"
# The x86 branch filter turns relative call targets absolute, which LZMA then finds repeated: 3 % smaller
# for the same decompression speed (about 5 s for 165 MB, once per ffmpeg version on a user's machine).
_FILTERS_X86 = [{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2, "preset": 6}]
_FILTERS_OTHER = [{"id": lzma.FILTER_LZMA2, "preset": 6}]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def pack(binary: Path, out_dir: Path, filters: list[dict] | None = None) -> Path:
    """Compress ``binary`` into ``out_dir`` (reusing an earlier archive of the same file); return the manifest."""
    if filters is None:
        filters = _FILTERS_X86 if binary.read_bytes()[:4] == b"\x7fELF" and _is_x86() else _FILTERS_OTHER
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    wanted = {"name": binary.name, "archive": binary.name + ".xz", "size": binary.stat().st_size}
    wanted["sha256"] = sha256_of(binary)
    archive_ready = manifest_path.is_file() and (out_dir / wanted["archive"]).is_file()
    if archive_ready and json.loads(manifest_path.read_text(encoding="utf-8")) == wanted:
        return manifest_path
    for old in out_dir.iterdir():  # an archive of another ffmpeg version must not end up in the bundle
        if not old.name.endswith(".part"):
            old.unlink()
    fd, part = tempfile.mkstemp(prefix=wanted["archive"] + ".", suffix=".part", dir=out_dir)
    try:
        with (
            open(binary, "rb") as src,
            open(fd, "wb") as raw,
            lzma.open(raw, "wb", format=lzma.FORMAT_XZ, filters=filters) as dst,
        ):
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        os.replace(part, out_dir / wanted["archive"])
    finally:
        if os.path.exists(part):
            os.unlink(part)
    manifest_path.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
    return manifest_path


def _is_x86() -> bool:
    import platform

    return platform.machine().lower() in {"x86_64", "amd64", "i386", "i686"}


def wheel_ffmpeg() -> Path:
    """The binary inside the installed imageio-ffmpeg wheel (not a system ffmpeg it might fall back to)."""
    from imageio_ffmpeg._definitions import FNAME_PER_PLATFORM, get_platform
    from imageio_ffmpeg._utils import _get_bin_dir

    path = Path(_get_bin_dir()) / FNAME_PER_PLATFORM[get_platform()]
    if not path.is_file():
        raise FileNotFoundError(f"the imageio-ffmpeg wheel has no binary at {path}")
    return path


def main(argv: list[str]) -> int:
    out_dir = Path(argv[0]) if argv else DEFAULT_OUT
    manifest = pack(wheel_ffmpeg(), out_dir)
    info = json.loads(manifest.read_text(encoding="utf-8"))
    packed = (out_dir / info["archive"]).stat().st_size
    print(f"{info['name']}: {info['size'] / 1e6:.1f} MB -> {packed / 1e6:.1f} MB in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
