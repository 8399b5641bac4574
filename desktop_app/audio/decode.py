"""Open any audio file a producer throws at us: soundfile first, ffmpeg for the rest.

``load`` reads the whole file into a :class:`Clip`. ``load_with_peaks`` does the same while a
second thread summarises each decoded chunk into the peak pyramid, so the two costs overlap
and a progress callback can paint the waveform before the file is fully read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg
from desktop_app.audio.clip import Clip, SourceInfo
from desktop_app.audio.errors import (
    AudioError,
    AudioFileNotFoundError,
    CorruptFileError,
    EmptyFileError,
    NoAudioFramesError,
    NonFiniteSamplesError,
    TooLongError,
    UnsupportedFormatError,
)
from desktop_app.audio.peaks import CHUNK_FRAMES, PeakBuilder, PeakPyramid

log = logging.getLogger(__name__)

MAX_DURATION_S = 3 * 60 * 60  # three hours: about 3.8 GB of float32 stereo at 44.1 kHz
MAX_SAMPLE_RATE = 384_000
_BIT_DEPTHS = {"PCM_S8": 8, "PCM_U8": 8, "PCM_16": 16, "PCM_24": 24, "PCM_32": 32, "FLOAT": 32, "DOUBLE": 64}
_CONTAINER_NAMES = {"mov,mp4,m4a,3gp,3g2,mj2": "M4A", "aac": "AAC", "matroska,webm": "WEBM", "asf": "WMA"}

ProgressCallback = Callable[[PeakPyramid], None]


def load(path: str | Path, *, max_seconds: float = MAX_DURATION_S) -> Clip:
    """Decode ``path`` into float32 samples; raises an :class:`AudioError` subclass on bad input."""
    clip, _ = _load(Path(path), max_seconds, with_peaks=False, progress=None)
    return clip


def load_with_peaks(
    path: str | Path, *, max_seconds: float = MAX_DURATION_S, progress: ProgressCallback | None = None
) -> tuple[Clip, PeakPyramid]:
    """Decode and build the peak pyramid in one pass; ``progress`` sees the growing pyramid."""
    clip, peaks = _load(Path(path), max_seconds, with_peaks=True, progress=progress)
    assert peaks is not None
    return clip, peaks


def _load(
    path: Path, max_seconds: float, *, with_peaks: bool, progress: ProgressCallback | None
) -> tuple[Clip, PeakPyramid | None]:
    _check_file(path)
    try:
        handle = sf.SoundFile(str(path))
    except sf.LibsndfileError as exc:
        return _load_with_ffmpeg(path, max_seconds, with_peaks, soundfile_error=str(exc))
    except (RuntimeError, TypeError, ValueError) as exc:
        return _load_with_ffmpeg(path, max_seconds, with_peaks, soundfile_error=str(exc))
    with handle:
        info = _info_from_soundfile(path, handle)
        _check_info(path, info, max_seconds)
        samples, peaks = _read_chunks(path, handle, info, with_peaks, progress)
    if samples.shape[0] == 0:
        raise NoAudioFramesError(path, "the file has a header but no audio in it.")
    if samples.shape[0] != info.frames:
        log.warning("%s: header said %d frames, decoded %d", path, info.frames, samples.shape[0])
        info = SourceInfo(**{**info.__dict__, "frames": int(samples.shape[0])})
    if peaks is None:
        _check_finite(path, samples)
    elif not peaks.is_finite():
        raise NonFiniteSamplesError(path, "it contains invalid samples (NaN or infinity); re-export it from your DAW.")
    return Clip(samples, info.sample_rate, info), peaks


def _read_chunks(
    path: Path, handle: sf.SoundFile, info: SourceInfo, with_peaks: bool, progress: ProgressCallback | None
) -> tuple[np.ndarray, PeakPyramid | None]:
    samples = np.empty((info.frames, info.channels), np.float32)
    builder = PeakBuilder(samples) if with_peaks else None
    read = 0
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="peaks") as pool:
            pending = None
            while read < info.frames:
                want = min(CHUNK_FRAMES, info.frames - read)
                got = handle.read(want, dtype="float32", always_2d=True, out=samples[read : read + want])
                count = len(got)
                if builder is not None and count:
                    if pending is not None:
                        pending.result()
                        if progress:
                            progress(builder.pyramid)
                    pending = pool.submit(builder.add, read, read + count)
                read += count
                if count < want:
                    break  # truncated: keep what decoded
            if pending is not None:
                pending.result()
    except sf.LibsndfileError as exc:
        if read == 0:
            raise CorruptFileError(path, f"the audio data cannot be decoded ({exc}).") from exc
        log.warning("%s: decode stopped after %d frames: %s", path, read, exc)
    samples = samples[:read]
    peaks = None
    if builder is not None:
        if read < info.frames:
            builder = _rebuild_for(samples, builder)
        peaks = builder.finish()
        if progress:
            progress(peaks)
    return samples, peaks


def _rebuild_for(samples: np.ndarray, builder: PeakBuilder) -> PeakBuilder:
    """A truncated file: the pyramid was sized for the header's length, so size it again."""
    fresh = PeakBuilder(samples)
    for start in range(0, samples.shape[0], CHUNK_FRAMES):
        fresh.add(start, min(samples.shape[0], start + CHUNK_FRAMES))
    return fresh


def _load_with_ffmpeg(
    path: Path, max_seconds: float, with_peaks: bool, soundfile_error: str
) -> tuple[Clip, PeakPyramid | None]:
    try:
        stream = ffmpeg.probe(path)
    except ffmpeg.FfmpegMissingError:
        stream = None
        log.exception("ffmpeg missing")
    if stream is None:
        raise _classify_unreadable(path, soundfile_error)
    try:
        samples = ffmpeg.decode(path, stream)
    except Exception as exc:
        raise CorruptFileError(path, f"the audio data cannot be decoded ({exc}).") from exc
    if samples.shape[0] == 0:
        raise NoAudioFramesError(path, "the file contains no audio frames.")
    container = _CONTAINER_NAMES.get(stream.container, stream.container.split(",")[0].upper() or "UNKNOWN")
    info = SourceInfo(
        path=path,
        format=container,
        subtype=stream.codec.upper(),
        bit_depth=None,
        sample_rate=stream.sample_rate,
        channels=stream.channels,
        frames=int(samples.shape[0]),
    )
    _check_info(path, info, max_seconds)
    _check_finite(path, samples)
    peaks = PeakPyramid.from_samples(samples) if with_peaks else None
    return Clip(samples, info.sample_rate, info), peaks


def _check_file(path: Path) -> None:
    if not path.exists():
        raise AudioFileNotFoundError(path, "the file does not exist (was it moved or deleted?).")
    if path.is_dir():
        raise UnsupportedFormatError(path, "this is a folder, not an audio file.")
    if path.stat().st_size == 0:
        raise EmptyFileError(path, "the file is empty (0 bytes); the download or export probably failed.")


def _info_from_soundfile(path: Path, handle: sf.SoundFile) -> SourceInfo:
    return SourceInfo(
        path=path,
        format=handle.format,
        subtype=handle.subtype,
        bit_depth=_BIT_DEPTHS.get(handle.subtype),
        sample_rate=int(handle.samplerate),
        channels=int(handle.channels),
        frames=int(handle.frames),
    )


def _check_info(path: Path, info: SourceInfo, max_seconds: float) -> None:
    if info.channels < 1:
        raise CorruptFileError(path, "the file says it has no audio channels.")
    if not 1000 <= info.sample_rate <= MAX_SAMPLE_RATE:
        raise CorruptFileError(path, f"the sample rate {info.sample_rate} Hz is not a real audio rate.")
    if info.frames == 0:
        raise NoAudioFramesError(path, "the file has a header but no audio in it.")
    if info.duration > max_seconds:
        raise TooLongError(
            path,
            f"it is {info.duration / 60:.0f} minutes long; Retake opens files up to {max_seconds / 60:.0f} minutes.",
        )


def _check_finite(path: Path, samples: np.ndarray) -> None:
    # min/max propagate NaN and keep ±inf, so two reductions answer for every sample.
    if samples.size and not (np.isfinite(samples.min()) and np.isfinite(samples.max())):
        raise NonFiniteSamplesError(path, "it contains invalid samples (NaN or infinity); re-export it from your DAW.")


def _classify_unreadable(path: Path, soundfile_error: str) -> AudioError:
    head = path.read_bytes()[:512]
    suffix = path.suffix.lower().lstrip(".") or "this"
    if _looks_like_text(head):
        return UnsupportedFormatError(path, "this is a text file, not audio (it may have been renamed).")
    if head[:4] in (b"RIFF", b"FORM", b"fLaC", b"OggS") or head[:3] == b"ID3":
        return CorruptFileError(path, f"the {suffix.upper()} file is damaged or truncated and cannot be read.")
    if suffix in {"wav", "flac", "aif", "aiff", "ogg", "opus", "mp3", "m4a", "aac"}:
        return CorruptFileError(
            path, f"the file is named .{suffix} but its contents are not valid {suffix.upper()} audio."
        )
    log.info("unreadable %s: %s", path, soundfile_error)
    return UnsupportedFormatError(
        path, "this format is not supported. Retake opens WAV, FLAC, AIFF, OGG, MP3 and M4A/AAC."
    )


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable / len(text) > 0.95
