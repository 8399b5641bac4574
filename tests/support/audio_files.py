"""Generate audio fixtures at test time: every format, depth, rate and layout, and the bad files users meet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg
from desktop_app.audio.errors import (
    AudioFileNotFoundError,
    CorruptFileError,
    EmptyFileError,
    NoAudioFramesError,
    NonFiniteSamplesError,
    TruncatedFileError,
    UnsupportedFormatError,
)

# Per-channel tone frequencies as multiples of the base: distinct, so a swapped channel shows.
# A 5.1 file's LFE channel, which AAC, Vorbis and Opus low-pass at about 120 Hz, is channel 3 in WAV
# and AAC order but channel 5 in Vorbis order (libsndfile does not reorder): both get low tones.
_CHANNEL_FACTORS = (1.0, 1.25, 1.5, 0.125, 1.75, 0.1, 2.25, 2.5)


def tone(
    frames: int,
    channels: int = 2,
    rate: int = 44100,
    freq: float = 440.0,
    level: float = 0.5,
    fade_frames: int = 0,
) -> np.ndarray:
    """A sine per channel (frequencies differ by channel); ``fade_frames`` ramps in and out.

    Lossy codecs smear an instant full-level start (pre-echo in the first codec frame), so
    lossy round-trips use a short fade to measure the codec and not the click.
    """
    t = np.arange(frames, dtype=np.float64) / rate
    freqs = [freq * _CHANNEL_FACTORS[c % len(_CHANNEL_FACTORS)] for c in range(channels)]
    data = np.stack([level * np.sin(2 * np.pi * f * t) for f in freqs], axis=1)
    if fade_frames:
        ramp = np.minimum(1.0, np.minimum(np.arange(frames) + 1, frames - np.arange(frames)) / fade_frames)
        data *= ramp[:, None]
    return data.astype(np.float32)


def write(path: Path, data: np.ndarray, rate: int, fmt: str, subtype: str | None = None) -> Path:
    sf.write(str(path), data, rate, format=fmt, subtype=subtype)
    return path


def write_m4a(path: Path, data: np.ndarray, rate: int, bitrate: str = "192k") -> Path:
    ffmpeg.encode(data, rate, path, ["-c:a", "aac", "-b:a", bitrate, "-f", "ipod"])
    return path


def write_mp3_without_length_tag(path: Path, data: np.ndarray, rate: int) -> Path:
    """A VBR MP3 with no Xing/Info frame, as some older encoders and streams produce."""
    ffmpeg.encode(data, rate, path, ["-c:a", "libmp3lame", "-q:a", "2", "-write_xing", "0", "-f", "mp3"])
    return path


def cut(source: Path, dest: Path, fraction: float = 0.5) -> Path:
    """``dest`` holds the first ``fraction`` of ``source``'s bytes: an interrupted download."""
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


# The typed error each of ``bad_files``' files raises when opened.
BAD_FILE_ERRORS = {
    "zero bytes": EmptyFileError,
    "text renamed .wav": UnsupportedFormatError,
    "header with no data": NoAudioFramesError,
    "valid wav with zero frames": NoAudioFramesError,
    "truncated mp3": TruncatedFileError,
    "truncated wav": TruncatedFileError,
    "truncated flac": TruncatedFileError,
    "truncated aiff": TruncatedFileError,
    "truncated opus": TruncatedFileError,
    "truncated m4a": CorruptFileError,  # its index (moov atom) is at the end, so nothing is left to decode
    "random bytes named .flac": CorruptFileError,
    "NaN in float wav": NonFiniteSamplesError,
    "infinity in float wav": NonFiniteSamplesError,
    "unknown binary .xyz": UnsupportedFormatError,
    "a folder named .wav": UnsupportedFormatError,
    "missing file": AudioFileNotFoundError,
}


def bad_files(folder: Path) -> dict[str, Path]:
    """Files a producer may drag in by mistake, keyed by a short description."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    files["zero bytes"] = folder / "empty.wav"
    files["zero bytes"].write_bytes(b"")

    files["text renamed .wav"] = folder / "notes.wav"
    files["text renamed .wav"].write_text("Verse 1: remember to fix the chorus\n" * 20)

    full_wav = write(folder / "full.wav", tone(1000, 2), 44100, "WAV", "PCM_16")
    header_only = folder / "header_only.wav"
    header_only.write_bytes(full_wav.read_bytes()[:44])
    files["header with no data"] = header_only

    files["valid wav with zero frames"] = write(folder / "silent_nothing.wav", np.zeros((0, 2)), 44100, "WAV")

    long_tone = tone(44100 * 3, 2, fade_frames=441)
    mp3 = write(folder / "song.mp3", long_tone, 44100, "MP3")
    files["truncated mp3"] = cut(mp3, folder / "truncated.mp3", 1 / 3)

    wav = write(folder / "song.wav", long_tone, 44100, "WAV", "PCM_24")
    files["truncated wav"] = cut(wav, folder / "truncated.wav")

    flac = write(folder / "song.flac", long_tone, 44100, "FLAC", "PCM_16")
    files["truncated flac"] = cut(flac, folder / "truncated.flac")

    aiff = write(folder / "song.aiff", long_tone, 44100, "AIFF", "PCM_16")
    files["truncated aiff"] = cut(aiff, folder / "truncated.aiff")

    opus = write(folder / "song.opus", tone(48000 * 3, 2, 48000), 48000, "OGG", "OPUS")
    files["truncated opus"] = cut(opus, folder / "truncated.opus")

    m4a = write_m4a(folder / "song.m4a", long_tone, 44100)
    files["truncated m4a"] = cut(m4a, folder / "truncated.m4a")

    rng = np.random.default_rng(7)
    files["random bytes named .flac"] = folder / "noise.flac"
    files["random bytes named .flac"].write_bytes(rng.integers(0, 256, 50_000, dtype=np.uint8).tobytes())

    nan = tone(4410, 2)
    nan[100, 0] = np.nan
    files["NaN in float wav"] = write(folder / "nan.wav", nan, 44100, "WAV", "FLOAT")

    inf = tone(4410, 1)
    inf[5, 0] = np.inf
    files["infinity in float wav"] = write(folder / "inf.wav", inf, 44100, "WAV", "FLOAT")

    files["unknown binary .xyz"] = folder / "thing.xyz"
    files["unknown binary .xyz"].write_bytes(bytes(range(256)) * 10)

    files["a folder named .wav"] = folder / "folder.wav"
    files["a folder named .wav"].mkdir(exist_ok=True)

    files["missing file"] = folder / "moved_away.wav"
    return files
