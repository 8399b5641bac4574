"""Write clips to disk: WAV (16/24-bit, 32-bit float), FLAC (16/24-bit), and the lossy formats producers
share — MP3, M4A (AAC), OGG Vorbis, Opus. Always atomically.

WAV and FLAC go through libsndfile. The lossy formats are encoded by pydub driving the bundled ffmpeg
(``ffmpeg.ffmpeg_exe``), with the title/comment tags. The file is written next to its destination as
``.part`` and renamed when complete, so a crash never leaves a half-written file under the real name,
and a failure never leaves the ``.part``.
"""

from __future__ import annotations

import errno
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg
from desktop_app.audio.clip import Clip
from desktop_app.audio.errors import AudioWriteError

log = logging.getLogger(__name__)

WAV_SUBTYPES = {"16": "PCM_16", "24": "PCM_24", "32f": "FLOAT", "float": "FLOAT"}
# Tags soundfile can write into WAV/FLAC (and ffmpeg writes as metadata into the lossy formats).
TAG_NAMES = ("title", "artist", "album", "comment", "software", "date")
MP3_MAX_RATE = 48_000  # the highest rate MPEG-1 layer III has
OPUS_RATE = 48_000  # Opus encodes at 48 kHz (players resample other rates on the way in and out)


@dataclass(frozen=True)
class LossyFormat:
    """How pydub asks ffmpeg for one lossy format: the muxer, the encoder and its quality setting."""

    muxer: str
    codec: str
    bitrate: str | None = None
    parameters: tuple[str, ...] = ()


LOSSY = {
    "mp3": LossyFormat("mp3", "libmp3lame", "320k"),
    "m4a": LossyFormat("ipod", "aac", "256k"),  # ffmpeg's "ipod" muxer writes .m4a
    "ogg": LossyFormat("ogg", "libvorbis", parameters=("-q:a", "6")),  # VBR, about 192 kbps in stereo
    "opus": LossyFormat("opus", "libopus", "160k"),
}
FORMATS = ("wav", "flac", *LOSSY)


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
        if fmt in LOSSY:
            _write_lossy(samples, rate, partial, fmt, mp3_bitrate, tags or {})
        else:
            subtype = WAV_SUBTYPES.get(wav_subtype, wav_subtype) if fmt == "wav" else _flac_subtype(wav_subtype)
            _write_soundfile(samples, rate, partial, fmt, subtype, tags or {})
        os.replace(partial, path)
    except BaseException as exc:
        partial.unlink(missing_ok=True)
        if isinstance(exc, OSError | sf.LibsndfileError | ffmpeg.FfmpegMissingError | _encode_error()):
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
    if fmt in LOSSY and samples.shape[1] > 2:
        name = {"m4a": "M4A", "ogg": "OGG"}.get(fmt, fmt.capitalize() if fmt == "opus" else fmt.upper())
        raise AudioWriteError(path, f"{name} export holds mono or stereo only; export WAV or FLAC for more channels.")
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
        return "the encoder is missing from this installation; export WAV or FLAC instead."
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


def _encode_error() -> type[Exception]:
    from pydub.exceptions import CouldntEncodeError

    return CouldntEncodeError


def _write_lossy(samples: np.ndarray, rate: int, path: Path, fmt: str, mp3_bitrate: str, tags: dict) -> None:
    """Encode with pydub through the bundled ffmpeg (32-bit integer PCM in, so nothing is lost on the way)."""
    with warnings.catch_warnings():  # pydub looks for an ffmpeg on PATH at import; we give it ours below
        warnings.simplefilter("ignore", RuntimeWarning)
        from pydub import AudioSegment

    AudioSegment.converter = ffmpeg.ffmpeg_exe()
    spec = LOSSY[fmt]
    # 2147483520 is the largest float32 below 2**31: full scale stays inside int32 without float64 copies.
    pcm = (np.clip(samples, -1.0, 1.0) * np.float32(2147483520.0)).astype("<i4")
    segment = AudioSegment(data=pcm.tobytes(), sample_width=4, frame_rate=rate, channels=samples.shape[1])
    parameters = list(spec.parameters)
    if fmt == "mp3" and rate > MP3_MAX_RATE:
        parameters += ["-ar", str(MP3_MAX_RATE if rate % MP3_MAX_RATE == 0 else 44_100)]
    if fmt == "opus" and rate != OPUS_RATE:
        parameters += ["-ar", str(OPUS_RATE)]
    written = segment.export(  # pydub hands back the output file open: close it, or it leaks a handle
        str(path),
        format=spec.muxer,
        codec=spec.codec,
        bitrate=mp3_bitrate if fmt == "mp3" else spec.bitrate,
        parameters=parameters,
        tags={name: str(tags[name])[:1000] for name in TAG_NAMES if tags.get(name)},
    )
    written.close()
