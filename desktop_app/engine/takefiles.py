"""Writing takes fast: WAV through integer arrays (no per-sample float conversion in libsndfile) and MP3
through ffmpeg fed 16-bit PCM (half the bytes of float through the pipe). Both atomic (``.part``, rename).

WAV integer scaling mirrors libsndfile's reading (``int / 2**(bits-1)``), so samples decoded from a
16- or 24-bit input and written back unchanged are bit-for-bit the same.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg

MP3_BITRATE = "192k"


def to_pcm(samples: np.ndarray, subtype: str) -> np.ndarray:
    """Integer samples for a WAV of ``subtype`` (float32 passes through)."""
    if subtype == "PCM_16":
        return to_int16(samples)
    if subtype == "PCM_24":
        scaled = samples.astype(np.float64) * 8388608.0
        np.clip(np.rint(scaled, out=scaled), -8388608, 8388607, out=scaled)
        return scaled.astype(np.int32) << 8
    return samples.astype(np.float32, copy=False)


def to_int16(samples: np.ndarray) -> np.ndarray:
    scaled = samples * np.float32(32768.0)
    np.rint(scaled, out=scaled)
    np.clip(scaled, -32768, 32767, out=scaled)
    return scaled.astype(np.int16)


def write_wav(data: np.ndarray, rate: int, path: Path, subtype: str, tags: dict[str, str]) -> Path:
    """Write ``data`` as made by :func:`to_pcm` for ``subtype``."""
    partial = path.with_name(path.name + ".part")
    with sf.SoundFile(str(partial), "w", rate, data.shape[1], subtype, format="WAV") as handle:
        for name, value in tags.items():
            setattr(handle, name, value[:1000])
        handle.write(data)
    os.replace(partial, path)
    return path


def write_mp3(pcm: np.ndarray, rate: int, path: Path, tags: dict[str, str]) -> Path:
    """Encode int16 ``pcm`` with LAME at 192 kb/s and its faster search (-q 7); the WAV is the lossless copy."""
    partial = path.with_name(path.name + ".part")
    cmd = [ffmpeg.ffmpeg_exe(), "-v", "error", "-nostdin", "-y", "-f", "s16le", "-ar", str(rate),
           "-ac", str(pcm.shape[1]), "-i", "-", "-f", "mp3", "-codec:a", "libmp3lame", "-b:a", MP3_BITRATE,
           "-compression_level", "7"]  # fmt: skip
    for name, value in tags.items():
        cmd += ["-metadata", f"{name}={value[:1000]}"]
    proc = subprocess.run(
        [*cmd, str(partial)], input=pcm.astype("<i2", copy=False).tobytes(), capture_output=True, timeout=900
    )
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        raise RuntimeError(proc.stderr.decode("utf-8", "replace").strip() or "ffmpeg could not encode MP3")
    os.replace(partial, path)
    return path
