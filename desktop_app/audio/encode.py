"""Write clips to disk: WAV (16/24-bit, 32-bit float), FLAC, MP3. Always atomically.

The file is written next to its destination as ``.part`` and renamed when complete, so a crash
never leaves a half-written file under the real name.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg
from desktop_app.audio.clip import Clip
from desktop_app.audio.errors import AudioWriteError

WAV_SUBTYPES = {"16": "PCM_16", "24": "PCM_24", "32f": "FLOAT", "float": "FLOAT"}
FORMATS = ("wav", "flac", "mp3")
# Tags soundfile can write into WAV/FLAC (and we map to ffmpeg metadata for MP3).
TAG_NAMES = ("title", "artist", "album", "comment", "software", "date")


def save(
    clip: Clip | np.ndarray,
    path: str | Path,
    format: str | None = None,
    *,
    sample_rate: int | None = None,
    wav_subtype: str = "PCM_24",
    mp3_bitrate: str = "320k",
    tags: dict[str, str] | None = None,
) -> Path:
    """Write ``clip`` to ``path`` in ``format`` (default: from the suffix). Returns the path."""
    path = Path(path)
    samples, rate = _samples_and_rate(clip, sample_rate)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise AudioWriteError(path, f"cannot write “{fmt}”; choose one of {', '.join(FORMATS)}.")
    partial = path.with_name(path.name + ".part")
    try:
        if fmt == "mp3":
            _write_mp3(samples, rate, partial, mp3_bitrate, tags or {})
        else:
            subtype = WAV_SUBTYPES.get(wav_subtype, wav_subtype) if fmt == "wav" else _flac_subtype(wav_subtype)
            _write_soundfile(samples, rate, partial, fmt, subtype, tags or {})
        os.replace(partial, path)
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        partial.unlink(missing_ok=True)
        raise AudioWriteError(path, f"could not be written ({exc}).") from exc
    return path


def _samples_and_rate(clip: Clip | np.ndarray, sample_rate: int | None) -> tuple[np.ndarray, int]:
    if isinstance(clip, Clip):
        return clip.samples, clip.sample_rate
    if sample_rate is None:
        raise ValueError("sample_rate is required when saving a bare array")
    samples = clip if clip.ndim == 2 else clip[:, None]
    return samples.astype(np.float32, copy=False), sample_rate


def _flac_subtype(requested: str) -> str:
    # FLAC stores integers only; 32-bit float requests become 24-bit.
    return "PCM_16" if WAV_SUBTYPES.get(requested, requested) == "PCM_16" else "PCM_24"


def _write_soundfile(samples, rate, path, fmt, subtype, tags) -> None:
    clipped = np.clip(samples, -1.0, 1.0) if subtype != "FLOAT" else samples
    with sf.SoundFile(
        str(path), "w", samplerate=rate, channels=samples.shape[1], format=fmt.upper(), subtype=subtype
    ) as f:
        for name in TAG_NAMES:
            if tags.get(name):
                setattr(f, name, str(tags[name])[:1000])
        f.write(clipped)


def _write_mp3(samples, rate, path, bitrate, tags) -> None:
    args = ["-f", "mp3", "-codec:a", "libmp3lame", "-b:a", bitrate]
    for name in TAG_NAMES:
        if tags.get(name):
            args += ["-metadata", f"{name}={str(tags[name])[:1000]}"]
    ffmpeg.encode(np.clip(samples, -1.0, 1.0), rate, path, args)
