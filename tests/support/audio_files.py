"""Generate audio fixtures at test time: every format, depth, rate and layout, and the bad files users meet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio import ffmpeg


def tone(frames: int, channels: int = 2, rate: int = 44100, freq: float = 440.0, level: float = 0.5) -> np.ndarray:
    t = np.arange(frames, dtype=np.float64) / rate
    cols = [level * np.sin(2 * np.pi * freq * (1 + 0.25 * c) * t) for c in range(channels)]
    return np.stack(cols, axis=1).astype(np.float32)


def write(path: Path, data: np.ndarray, rate: int, fmt: str, subtype: str | None = None) -> Path:
    sf.write(str(path), data, rate, format=fmt, subtype=subtype)
    return path


def write_m4a(path: Path, data: np.ndarray, rate: int) -> Path:
    ffmpeg.encode(data, rate, path, ["-c:a", "aac", "-b:a", "192k", "-f", "ipod"])
    return path


def bad_files(folder: Path) -> dict[str, Path]:
    """Files a producer may drag in by mistake, keyed by a short description."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    files["zero bytes"] = folder / "empty.wav"
    files["zero bytes"].write_bytes(b"")

    files["text renamed .wav"] = folder / "notes.wav"
    files["text renamed .wav"].write_text("Verse 1: remember to fix the chorus\n" * 20)

    header_only = folder / "header_only.wav"
    write(folder / "full.wav", tone(1000, 2), 44100, "WAV", "PCM_16")
    header_only.write_bytes((folder / "full.wav").read_bytes()[:44])
    files["header with no data"] = header_only

    mp3 = write(folder / "song.mp3", tone(44100 * 3, 2), 44100, "MP3")
    truncated = folder / "truncated.mp3"
    truncated.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 3])
    files["truncated mp3"] = truncated

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
    return files
