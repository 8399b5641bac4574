"""Typed audio errors whose message a producer can act on (never a traceback)."""

from __future__ import annotations

from pathlib import Path


class AudioError(Exception):
    """Base of every audio failure; ``str(err)`` is a complete sentence for the user."""

    def __init__(self, path: str | Path | None, reason: str) -> None:
        self.path = Path(path) if path is not None else None
        self.reason = reason
        name = f"“{self.path.name}”" if self.path is not None else "The audio"
        super().__init__(f"{name}: {reason}")


class AudioFileNotFoundError(AudioError):
    pass


class UnsupportedFormatError(AudioError):
    pass


class CorruptFileError(AudioError):
    pass


class EmptyFileError(AudioError):
    pass


class NoAudioFramesError(AudioError):
    pass


class NonFiniteSamplesError(AudioError):
    pass


class TooLongError(AudioError):
    pass


class AudioWriteError(AudioError):
    pass
