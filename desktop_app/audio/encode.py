"""Write clips to disk: WAV (16/24-bit, 32-bit float), FLAC, MP3. Always atomically.

The file is written next to its destination as ``.part`` and renamed when complete, so a crash
never leaves a half-written file under the real name, and a failure never leaves the ``.part``.
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg
from desktop_app.audio.clip import Clip
from desktop_app.audio.errors import AudioWriteError

log = logging.getLogger(__name__)

WAV_SUBTYPES = {"16": "PCM_16", "24": "PCM_24", "32f": "FLOAT", "float": "FLOAT"}
FORMATS = ("wav", "flac", "mp3")
# Tags soundfile can write into WAV/FLAC (and we map to ffmpeg metadata for MP3).
TAG_NAMES = ("title", "artist", "album", "comment", "software", "date")
MP3_MAX_RATE = 48_000  # the highest rate MPEG-1 layer III has


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
    """Write ``clip`` to ``path`` in ``format`` (default: from the suffix). Returns the path.

    ``wav_subtype`` is "PCM_16", "PCM_24" or "FLOAT" (FLAC takes 16 or 24 bits; a float request
    becomes 24-bit). MP3 above 48 kHz is resampled to 48 or 44.1 kHz, the rates MP3 has.
    Raises :class:`AudioWriteError` with a sentence for the user.
    """
    path = Path(path)
    samples, rate = _samples_and_rate(clip, sample_rate)
    fmt = (format or path.suffix.lstrip(".")).lower()
    _check_writable(path, fmt, samples)
    partial = path.with_name(path.name + ".part")
    try:
        if fmt == "mp3":
            _write_mp3(samples, rate, partial, mp3_bitrate, tags or {})
        else:
            subtype = WAV_SUBTYPES.get(wav_subtype, wav_subtype) if fmt == "wav" else _flac_subtype(wav_subtype)
            _write_soundfile(samples, rate, partial, fmt, subtype, tags or {})
        os.replace(partial, path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError | sf.LibsndfileError | ffmpeg.FfmpegError | ffmpeg.FfmpegMissingError):
            log.warning("writing %s failed: %s", path, exc)
            raise AudioWriteError(path, _reason(exc)) from exc
        raise
    return path


def _samples_and_rate(clip: Clip | np.ndarray, sample_rate: int | None) -> tuple[np.ndarray, int]:
    if isinstance(clip, Clip):
        return clip.samples, clip.sample_rate
    if sample_rate is None:
        raise ValueError("sample_rate is required when saving a bare array")
    samples = clip if clip.ndim == 2 else clip[:, None]
    return samples.astype(np.float32, copy=False), int(sample_rate)


def _check_writable(path: Path, fmt: str, samples: np.ndarray) -> None:
    if fmt not in FORMATS:
        raise AudioWriteError(path, f"cannot write “{fmt}”; choose one of {', '.join(FORMATS)}.")
    if not path.parent.is_dir():
        raise AudioWriteError(path, f"the folder “{path.parent}” does not exist.")
    if path.is_dir():
        raise AudioWriteError(path, "a folder with that name is in the way.")
    if samples.shape[0] == 0:
        raise AudioWriteError(path, "there is no audio to write.")
    if fmt == "mp3" and samples.shape[1] > 2:
        raise AudioWriteError(path, "MP3 holds mono or stereo only; export WAV or FLAC for more channels.")
    if fmt == "flac" and samples.shape[1] > 8:
        raise AudioWriteError(path, "FLAC holds at most 8 channels; export WAV instead.")
    if not (np.isfinite(samples.min()) and np.isfinite(samples.max())):
        raise AudioWriteError(path, "the audio contains invalid samples (NaN or infinity).")


def _reason(exc: BaseException) -> str:
    """A sentence for the user: no errno numbers, no library names."""
    if isinstance(exc, PermissionError):
        return "Retake is not allowed to write there (check the folder's permissions)."
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full."
    if isinstance(exc, OSError) and exc.strerror:
        return f"the file could not be written ({exc.strerror.lower()})."
    if isinstance(exc, ffmpeg.FfmpegMissingError):
        return "the MP3 encoder is missing from this installation; export WAV or FLAC instead."
    return "the file could not be written; the log has the details."


def _flac_subtype(requested: str) -> str:
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
    if rate > MP3_MAX_RATE:
        args += ["-ar", str(MP3_MAX_RATE if rate % MP3_MAX_RATE == 0 else 44_100)]
    for name in TAG_NAMES:
        if tags.get(name):
            args += ["-metadata", f"{name}={str(tags[name])[:1000]}"]
    ffmpeg.encode(np.clip(samples, -1.0, 1.0), rate, path, args)
