"""The working version of the open song: spliced takes replace its audio, undoably, never its file.

The user's source file is never written. When the audio in the editor differs from the file (a
take was spliced in), the working version is saved as a lossless float WAV in the cache so the
next job can be sent with what the producer actually hears; jobs made from it stay linked to the
source file through that folder's name.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtGui import QUndoCommand

from desktop_app.audio import Clip, PeakPyramid, save
from desktop_app.paths import cache_dir


def working_folder(source: Path) -> Path:
    digest = hashlib.sha1(str(source.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / "working" / digest


def is_working_file_of(candidate: Path | None, source: Path | None) -> bool:
    if candidate is None or source is None:
        return False
    return candidate == source or candidate.parent == working_folder(source)


def current_audio_file(document) -> Path | None:
    """The file a new job should upload: the source file, or the saved working version."""
    return getattr(document, "working_path", None) or document.path


@dataclass(frozen=True)
class SpliceSegment:
    """What one splice put into the working version (for the export's sidecar)."""

    take: str  # the lane's label, e.g. "Take 1"
    job_id: str
    engine: str
    operation: str
    start: float  # seconds; the whole song for a whole take
    end: float

    def as_dict(self) -> dict:
        return asdict(self)


def splice_history(document) -> list[SpliceSegment]:
    """The splices in the working version as heard now: the undo stack's done steps since the last
    "back to original" (undone steps are not in it)."""
    stack = document.undo_stack
    segments: list[SpliceSegment] = []
    for index in range(stack.index()):
        command = stack.command(index)
        if isinstance(command, ReplaceAudioCommand):
            segments = [*segments, command.segment] if command.segment is not None else []
    return segments


class ReplaceAudioCommand(QUndoCommand):
    """Swap the document's samples (splice, whole take, back to original) as one undo step.

    ``segment`` says which take went where; a command without one (back to original) starts the
    working version's splice history afresh."""

    def __init__(self, document, samples: np.ndarray, text: str, segment: SpliceSegment | None = None) -> None:
        super().__init__(text)
        self.document = document
        self.segment = segment
        self.new_samples = samples
        self.old_samples = document.clip.samples
        self.old_path = getattr(document, "working_path", None)
        self.new_path: Path | None = None

    def redo(self) -> None:
        if self.new_path is None and not _same(self.new_samples, self.document):
            self.new_path = _save_working(self.document, self.new_samples)
        source_samples = getattr(self.document, "source_samples", None)
        at_source = source_samples is not None and np.array_equal(self.new_samples, source_samples)
        _apply(self.document, self.new_samples, None if at_source else self.new_path)

    def undo(self) -> None:
        _apply(self.document, self.old_samples, self.old_path)


def _same(samples: np.ndarray, document) -> bool:
    source = getattr(document, "source_samples", None)
    return source is not None and samples is source


def _save_working(document, samples: np.ndarray) -> Path:
    folder = working_folder(document.path)
    folder.mkdir(parents=True, exist_ok=True)
    number = len(list(folder.glob("edit-*.wav"))) + 1
    return save(samples, folder / f"edit-{number}.wav", "wav", sample_rate=document.sample_rate, wav_subtype="FLOAT")


def _apply(document, samples: np.ndarray, working_path: Path | None) -> None:
    info = replace(document.clip.info, frames=int(samples.shape[0]))
    document.clip = Clip(samples, document.clip.sample_rate, info)
    document.peaks = PeakPyramid.from_samples(samples)
    document.working_path = working_path
    # clip_changed redraws the editor and hands the new audio to the player; region and tempo stay.
    # ``replacing_audio`` tells listeners this is the same song, edited, not a newly opened one.
    document.replacing_audio = True
    try:
        document.clip_changed.emit()
    finally:
        document.replacing_audio = False
