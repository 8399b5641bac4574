"""A decoded piece of audio: float32 samples shaped (frames, channels) plus where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class SourceInfo:
    """What the file on disk was, as opposed to what we decoded it into."""

    path: Path | None
    format: str  # "WAV", "FLAC", "MP3", "OGG", "AIFF", "M4A", ...
    subtype: str  # "PCM_16", "PCM_24", "FLOAT", "VORBIS", "MPEG_LAYER_III", "AAC", ...
    bit_depth: int | None  # None for lossy codecs
    sample_rate: int
    channels: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0

    def as_dict(self) -> dict:
        return {
            "path": str(self.path) if self.path else None,
            "format": self.format,
            "subtype": self.subtype,
            "bit_depth": self.bit_depth,
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "frames": self.frames,
            "duration": round(self.duration, 6),
        }


@dataclass
class Clip:
    samples: np.ndarray  # float32, C-contiguous, shape (frames, channels)
    sample_rate: int
    info: SourceInfo = field(repr=False)

    def __post_init__(self) -> None:
        if self.samples.ndim != 2:
            raise ValueError("samples must be shaped (frames, channels)")

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    @classmethod
    def from_array(cls, samples: np.ndarray, sample_rate: int, *, name: str = "untitled") -> Clip:
        """Wrap samples made in memory (a take, a splice) with a matching SourceInfo."""
        data = np.ascontiguousarray(samples, dtype=np.float32)
        if data.ndim == 1:
            data = data[:, None]
        info = SourceInfo(
            path=Path(name),
            format="RAW",
            subtype="FLOAT",
            bit_depth=32,
            sample_rate=int(sample_rate),
            channels=int(data.shape[1]),
            frames=int(data.shape[0]),
        )
        return cls(data, int(sample_rate), info)
