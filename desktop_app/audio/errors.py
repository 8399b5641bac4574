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


class UnreadableFileError(AudioError):
    """The file exists but cannot be opened (permissions, a disk or network drive gone away)."""


class UnsupportedFormatError(AudioError):
    pass


class CorruptFileError(AudioError):
    pass


class TruncatedFileError(CorruptFileError):
    """The file stops before the end its own header announces: an interrupted download or export."""


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
