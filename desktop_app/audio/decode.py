"""Open any audio file a producer throws at us: soundfile first, ffmpeg for the rest.

``load`` reads the whole file into a :class:`Clip`. ``load_with_peaks`` does the same while a
second thread summarises each decoded chunk into the peak pyramid, so the two costs overlap
and a progress callback can paint the waveform before the file is fully read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg, integrity
from desktop_app.audio.chunk_reader import ChunkReader, RawLayout, decoder_count
from desktop_app.audio.clip import Clip, SourceInfo
from desktop_app.audio.errors import (
    AudioError,
    AudioFileNotFoundError,
    CorruptFileError,
    EmptyFileError,
    NoAudioFramesError,
    NonFiniteSamplesError,
    TooLongError,
    TruncatedFileError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from desktop_app.audio.peaks import PeakBuilder, PeakPyramid

log = logging.getLogger(__name__)

MAX_DURATION_S = 3 * 60 * 60  # three hours: about 3.8 GB of float32 stereo at 44.1 kHz
MIN_SAMPLE_RATE = 1_000
MAX_SAMPLE_RATE = 384_000
# An MP3's Xing/LAME tag and its decoded length may disagree by a frame or two (1152 samples each).
MP3_LENGTH_SLACK = 2 * 1152
_BIT_DEPTHS = {"PCM_S8": 8, "PCM_U8": 8, "PCM_16": 16, "PCM_24": 24, "PCM_32": 32, "FLOAT": 32, "DOUBLE": 64}
_CONTAINER_NAMES = {"mov,mp4,m4a,3gp,3g2,mj2": "M4A", "aac": "AAC", "matroska,webm": "WEBM", "asf": "WMA"}
_CODEC_NAMES = {"mp3": "MPEG_LAYER_III", "mp3float": "MPEG_LAYER_III"}
_SOUNDFILE_ERRORS = (sf.LibsndfileError, RuntimeError, TypeError, ValueError)
_NON_FINITE = "it contains invalid samples (NaN or infinity); re-export it from your DAW."
_INCOMPLETE = "the file is incomplete (cut short, probably by an interrupted download or export); get it again."

ProgressCallback = Callable[[PeakPyramid], None]


def load(path: str | Path, *, max_seconds: float = MAX_DURATION_S) -> Clip:
    """Decode ``path`` into float32 samples; raises an :class:`AudioError` subclass on bad input."""
    clip, _ = _load(Path(path), max_seconds, with_peaks=False, progress=None)
    return clip


def load_with_peaks(
    path: str | Path, *, max_seconds: float = MAX_DURATION_S, progress: ProgressCallback | None = None
) -> tuple[Clip, PeakPyramid]:
    """Decode and build the peak pyramid in one pass; ``progress`` sees the growing pyramid.

    ``progress`` is called on the loading thread after each chunk (about 24 s of audio at
    44.1 kHz) and once more with the finished pyramid.
    """
    clip, peaks = _load(Path(path), max_seconds, with_peaks=True, progress=progress)
    assert peaks is not None
    return clip, peaks


def _load(
    path: Path, max_seconds: float, *, with_peaks: bool, progress: ProgressCallback | None
) -> tuple[Clip, PeakPyramid | None]:
    _check_file(path)
    try:
        inspection = integrity.inspect(path)
    except OSError as exc:
        raise UnreadableFileError(path, "the file cannot be read (check that it is still there and readable).") from exc
    if inspection.cut_short and inspection.kind == "mp3":
        raise TruncatedFileError(path, _INCOMPLETE)  # before libmpg123 prints its own warning on stderr
    soundfile_error = "skipped: an MP3 without a length tag"
    if not inspection.mp3_without_length_tag:
        try:
            handle = sf.SoundFile(str(path))
        except _SOUNDFILE_ERRORS as exc:
            soundfile_error = str(exc)
        else:
            with handle:
                return _load_with_soundfile(path, handle, inspection, max_seconds, with_peaks, progress)
    return _load_with_ffmpeg(path, max_seconds, with_peaks, progress, soundfile_error=soundfile_error)


def _load_with_soundfile(
    path: Path,
    handle: sf.SoundFile,
    inspection: integrity.Inspection,
    max_seconds: float,
    with_peaks: bool,
    progress: ProgressCallback | None,
) -> tuple[Clip, PeakPyramid | None]:
    info = _info_from_soundfile(path, handle)
    if info.frames == 0:
        detail = " (the file was cut short)" if inspection.cut_short else ""
        raise NoAudioFramesError(path, f"the file has a header but no audio in it{detail}.")
    if inspection.cut_short:
        raise TruncatedFileError(path, _INCOMPLETE)
    _check_info(path, info, max_seconds)
    raw = RawLayout.of(handle, inspection.data_offset, path.stat().st_size)
    samples, peaks = _read_chunks(path, handle, info, with_peaks, progress, raw)
    info = replace(info, frames=int(samples.shape[0]))
    return Clip(samples, info.sample_rate, info), peaks


def _read_chunks(
    path: Path,
    handle: sf.SoundFile,
    info: SourceInfo,
    with_peaks: bool,
    progress: ProgressCallback | None,
    raw: RawLayout | None,
) -> tuple[np.ndarray, PeakPyramid | None]:
    """Decode chunk by chunk (audio/chunk_reader.py) while a worker thread summarises (or checks) the previous one."""
    samples = np.empty((info.frames, info.channels), np.float32)
    builder = PeakBuilder(samples) if with_peaks else None
    finite = [True]

    def summarise(start: int, stop: int) -> None:
        if builder is not None:
            builder.add(start, stop)
        else:  # min/max propagate NaN and keep ±inf, so two reductions answer for every sample
            chunk = samples[start:stop]
            finite[0] = finite[0] and bool(np.isfinite(chunk.min()) and np.isfinite(chunk.max()))

    read = 0
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="peaks") as pool,
        ChunkReader(path, handle, samples, decoder_count(handle), raw) as chunks,
    ):
        pending: Future | None = None
        try:
            for start, count, wanted in chunks:
                if pending is not None:
                    pending.result()
                    if builder is not None and progress:
                        progress(builder.pyramid)
                if count:
                    pending = pool.submit(summarise, start, start + count)
                read += count
                if count < wanted:
                    break
        except (sf.LibsndfileError, OSError) as exc:
            log.warning("%s: decoding failed after %d of %d frames: %s", path, read, info.frames, exc)
            raise TruncatedFileError(path, _stopped_reason(read, info)) from exc
        finally:
            if pending is not None:
                pending.result()
    shortfall = info.frames - read
    if shortfall > (MP3_LENGTH_SLACK if info.subtype == "MPEG_LAYER_III" else 0):
        raise TruncatedFileError(path, _stopped_reason(read, info))
    if shortfall:
        samples = samples[:read]
    if builder is not None:
        # Within the MP3 slack the pyramid was sized for the header's length: size it again.
        peaks = builder.finish() if shortfall == 0 else PeakPyramid.from_samples(samples)
        if not peaks.is_finite():
            raise NonFiniteSamplesError(path, _NON_FINITE)
        if progress:
            progress(peaks)
        return samples, peaks
    if not finite[0]:
        raise NonFiniteSamplesError(path, _NON_FINITE)
    return samples, None


def _stopped_reason(read: int, info: SourceInfo) -> str:
    if read == 0:
        return "the file is damaged or incomplete: its audio cannot be decoded."
    return (
        f"the file is damaged or incomplete: the audio stops being readable after "
        f"{_clock(read / info.sample_rate)} of {_clock(info.duration)}."
    )


def _load_with_ffmpeg(
    path: Path, max_seconds: float, with_peaks: bool, progress: ProgressCallback | None, soundfile_error: str
) -> tuple[Clip, PeakPyramid | None]:
    try:
        stream = ffmpeg.probe(path)
    except ffmpeg.FfmpegMissingError:
        log.exception("ffmpeg missing")
        stream = None
    if stream is None:
        raise _classify_unreadable(path, soundfile_error)
    if stream.duration is not None and stream.duration > max_seconds:
        raise _too_long(path, stream.duration, max_seconds)
    try:
        samples = ffmpeg.decode(path, stream)
    except ffmpeg.FfmpegError as exc:
        log.warning("%s: ffmpeg could not decode: %s", path, exc)
        raise CorruptFileError(path, "the file is damaged or incomplete: its audio cannot be decoded.") from exc
    if samples.shape[0] == 0:
        raise NoAudioFramesError(path, "the file contains no audio frames.")
    container = _CONTAINER_NAMES.get(stream.container, stream.container.split(",")[0].upper() or "UNKNOWN")
    info = SourceInfo(
        path=path,
        format=container,
        subtype=_CODEC_NAMES.get(stream.codec, stream.codec.upper()),
        bit_depth=None,
        sample_rate=stream.sample_rate,
        channels=int(samples.shape[1]),
        frames=int(samples.shape[0]),
    )
    _check_info(path, info, max_seconds)
    if not (np.isfinite(samples.min()) and np.isfinite(samples.max())):
        raise NonFiniteSamplesError(path, _NON_FINITE)
    peaks = PeakPyramid.from_samples(samples) if with_peaks else None
    if peaks is not None and progress:
        progress(peaks)
    return Clip(samples, info.sample_rate, info), peaks


def _check_file(path: Path) -> None:
    try:
        if not path.exists():
            raise AudioFileNotFoundError(path, "the file does not exist (was it moved or deleted?).")
        if path.is_dir():
            raise UnsupportedFormatError(path, "this is a folder, not an audio file.")
        if path.stat().st_size == 0:
            raise EmptyFileError(path, "the file is empty (0 bytes); the download or export probably failed.")
        with open(path, "rb"):
            pass
    except PermissionError as exc:
        raise UnreadableFileError(path, "Retake is not allowed to read this file (check its permissions).") from exc
    except OSError as exc:
        raise UnreadableFileError(path, "the file cannot be read (check that it is still there and readable).") from exc


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
    if not MIN_SAMPLE_RATE <= info.sample_rate <= MAX_SAMPLE_RATE:
        raise CorruptFileError(path, f"the sample rate {info.sample_rate} Hz is not a real audio rate.")
    if info.frames == 0:
        raise NoAudioFramesError(path, "the file has a header but no audio in it.")
    if info.duration > max_seconds:
        raise _too_long(path, info.duration, max_seconds)


def _too_long(path: Path, seconds: float, max_seconds: float) -> TooLongError:
    return TooLongError(
        path, f"it is {_clock(seconds)} long; Retake opens files up to {_clock(max_seconds)} (hours:minutes:seconds)."
    )


def _clock(seconds: float) -> str:
    """``3:07`` or ``1:02:07``; sub-second lengths as ``0:00.4`` so short test files read sensibly."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{text}.{int((seconds - whole) * 10)}" if seconds < 10 and seconds != whole else text


def _classify_unreadable(path: Path, soundfile_error: str) -> AudioError:
    with open(path, "rb") as f:
        head = f.read(512)
    suffix = path.suffix.lower().lstrip(".")
    log.info("unreadable %s (soundfile: %s)", path, soundfile_error)
    # Magic numbers first: a FLAC or WAV cut off inside its header is printable ASCII ("fLaC", "RIFF").
    magic = {b"RIFF": "WAV", b"FORM": "AIFF", b"fLaC": "FLAC", b"OggS": "OGG"}.get(head[:4])
    if magic or head[:3] == b"ID3":
        return CorruptFileError(path, f"the {magic or 'MP3'} file is damaged or incomplete and cannot be read.")
    if _looks_like_text(head):
        return UnsupportedFormatError(path, "this is a text file, not audio (it may have been renamed).")
    if suffix in {"wav", "flac", "aif", "aiff", "ogg", "opus", "mp3", "m4a", "aac"}:
        return CorruptFileError(
            path,
            f"the file is named .{suffix} but its contents are not {suffix.upper()} audio (damaged or mislabelled).",
        )
    return UnsupportedFormatError(
        path, "this format is not supported. Retake opens WAV, FLAC, AIFF, OGG, MP3 and M4A/AAC."
    )


def _looks_like_text(head: bytes) -> bool:
    for cut in range(4):  # the 512-byte window may end inside a multi-byte character
        try:
            text = head[: len(head) - cut].decode("utf-8")
            break
        except UnicodeDecodeError:
            continue
    else:
        return False
    if not text:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable / len(text) > 0.95
