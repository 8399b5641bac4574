"""The ffmpeg that ships inside the imageio-ffmpeg wheel: for formats libsndfile cannot read.

We pipe ffmpeg's decoded float32 straight into numpy instead of going through a temporary
WAV: it keeps full precision (AAC decodes to float) and needs no ffprobe, which the wheel lacks.

The packaged Linux app ships that binary xz-compressed (165 MB -> 46 MB, see packaging/pack_ffmpeg.py)
as ``resources/ffmpeg/ffmpeg.json`` + its archive; the first ``ffmpeg_exe()`` unpacks it once into the
user cache folder, checked against the size and SHA-256 the build recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import lzma
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

_STREAM_RE = re.compile(
    r"Stream #\d+:\d+.*?: Audio: (?P<codec>[\w-]+)[^,]*, (?P<rate>\d+) Hz, (?P<layout>[^,]+), (?P<fmt>\w+)"
)
_DURATION_RE = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
# ffmpeg's named channel layouts (libavutil/channel_layout.c); "(side)" and the like are stripped first.
_CHANNEL_WORDS = {
    "mono": 1, "stereo": 2, "downmix": 2, "binaural": 2, "2.1": 3, "3.0": 3, "3.1": 4, "4.0": 4, "quad": 4,
    "4.1": 5, "5.0": 5, "5.1": 6, "6.0": 6, "hexagonal": 6, "6.1": 7, "7.0": 7, "7.1": 8, "octagonal": 8,
    "cube": 8, "5.1.2": 8, "5.1.4": 10, "7.1.2": 10, "7.1.4": 12, "7.2.3": 12, "9.1.4": 14, "9.1.6": 16,
    "hexadecagonal": 16, "22.2": 24,
}  # fmt: skip


class FfmpegMissingError(RuntimeError):
    pass


class FfmpegError(RuntimeError):
    """ffmpeg ran and failed; the message is ffmpeg's own (for the log, not for the user)."""


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary (``RETAKE_FFMPEG`` overrides the bundled one)."""
    override = os.environ.get("RETAKE_FFMPEG")
    if override:
        return override
    from desktop_app import paths

    manifest = paths.resources_dir() / "ffmpeg" / PACKED_MANIFEST
    if manifest.is_file():  # the packaged app: unpack once into the cache folder
        try:
            return str(unpack_packed_ffmpeg(manifest, paths.cache_dir() / "ffmpeg"))
        except (OSError, EOFError, ValueError, KeyError, lzma.LZMAError) as exc:
            raise FfmpegMissingError(f"the bundled ffmpeg could not be unpacked: {exc}") from exc
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except Exception as exc:  # the wheel raises RuntimeError when its binary is gone
        raise FfmpegMissingError(f"ffmpeg is not available: {exc}") from exc


PACKED_MANIFEST = "ffmpeg.json"  # {"name", "archive", "size", "sha256"}, written by packaging/pack_ffmpeg.py


def unpack_packed_ffmpeg(manifest_path: Path, cache_root: Path) -> Path:
    """The executable described by ``manifest_path``, unpacked under ``cache_root`` unless already there.

    Safe against concurrent first runs and crashes: each process unpacks into its own temporary file,
    checks size and SHA-256, and renames it into place (atomic), so the final name only ever holds a
    complete, verified binary. Folders of other ffmpeg builds (left by an older app version) are removed.
    """
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    size, sha256 = int(manifest["size"]), str(manifest["sha256"])
    folder = cache_root / f"{manifest['name']}-{sha256[:16]}"
    target = folder / ("ffmpeg.exe" if os.name == "nt" else "ffmpeg")
    if _is_unpacked(target, size):
        return target
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(".ffmpeg-*.part"):  # left by a run that was killed mid-unpack (a few seconds)
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > 600:
                stale.unlink()
    fd, part = tempfile.mkstemp(prefix=".ffmpeg-", suffix=".part", dir=folder)
    try:
        digest, written = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, lzma.open(manifest_path.parent / manifest["archive"]) as packed:
            while chunk := packed.read(1 << 20):
                digest.update(chunk)
                written += out.write(chunk)
            out.flush()
            os.fsync(out.fileno())  # a crash right after the rename must not leave a short file under the name
        if written != size or digest.hexdigest() != sha256:
            raise ValueError(f"unpacked {written} bytes that do not match the build's size and SHA-256")
        os.chmod(part, 0o755)
        try:
            os.replace(part, target)
        except OSError:  # Windows: another process is already running the copy it put there
            if not _is_unpacked(target, size):
                raise
    finally:
        if os.path.exists(part):
            os.unlink(part)
    for other in cache_root.iterdir():
        if other.is_dir() and other != folder:
            shutil.rmtree(other, ignore_errors=True)  # 170 MB per old build; a running one keeps its open copy
    return target


def _is_unpacked(target: Path, size: int) -> bool:
    # Only a verified file is ever renamed to this name, so a matching size means it is complete.
    try:
        return target.stat().st_size == size and os.access(target, os.X_OK)
    except OSError:
        return False


@dataclass(frozen=True)
class ProbedStream:
    codec: str
    sample_rate: int
    channels: int
    container: str
    duration: float | None = None  # seconds, from the container; None when ffmpeg does not know


def _channels_from_layout(layout: str) -> int:
    layout = layout.strip()
    if layout in _CHANNEL_WORDS:
        return _CHANNEL_WORDS[layout]
    match = re.match(r"(\d+) channels", layout)
    if match:
        return int(match.group(1))
    # An unknown layout decodes as stereo: ``decode`` passes ``-ac``, so ffmpeg downmixes to it.
    return _CHANNEL_WORDS.get(layout.split("(")[0], 2)


def probe(path: Path) -> ProbedStream | None:
    """Read the first audio stream's codec, rate and channels from ffmpeg's banner."""
    proc = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=60,
    )
    match = _STREAM_RE.search(proc.stderr)
    if not match:
        return None
    container = re.search(r"Input #0, ([\w,]+), from", proc.stderr)
    duration = _DURATION_RE.search(proc.stderr)
    return ProbedStream(
        codec=match.group("codec"),
        sample_rate=int(match.group("rate")),
        channels=_channels_from_layout(match.group("layout")),
        container=container.group(1) if container else "",
        duration=int(duration[1]) * 3600 + int(duration[2]) * 60 + float(duration[3]) if duration else None,
    )


def decode(path: Path, stream: ProbedStream) -> np.ndarray:
    """Decode the whole file to float32 (frames, channels) at its own rate and channel count."""
    proc = subprocess.run(
        [
            ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(path), "-map", "0:a:0",
            "-f", "f32le", "-acodec", "pcm_f32le", "-ac", str(stream.channels),
            "-ar", str(stream.sample_rate), "-",
        ],
        capture_output=True,
        timeout=600,
    )  # fmt: skip
    if proc.returncode != 0 and not proc.stdout:
        raise FfmpegError(proc.stderr.decode("utf-8", "replace").strip() or "ffmpeg failed")
    data = np.frombuffer(proc.stdout, dtype="<f4")
    usable = len(data) - len(data) % stream.channels
    return data[:usable].reshape(-1, stream.channels).copy()


def encode(samples: np.ndarray, sample_rate: int, path: Path, args: list[str]) -> None:
    """Encode float32 samples with ffmpeg (``args`` are the output options, e.g. codec and bitrate)."""
    channels = samples.shape[1]
    cmd = [
        ffmpeg_exe(), "-v", "error", "-nostdin", "-y", "-f", "f32le", "-ar", str(sample_rate),
        "-ac", str(channels), "-i", "-", *args, str(path),
    ]  # fmt: skip
    proc = subprocess.run(cmd, input=np.ascontiguousarray(samples, "<f4").tobytes(), capture_output=True, timeout=900)
    if proc.returncode != 0:
        raise FfmpegError(proc.stderr.decode("utf-8", "replace").strip() or "ffmpeg failed")
