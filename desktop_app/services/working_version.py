"""The working version of the open song: spliced takes replace its audio, undoably, never its file.

The user's source file is never written. When the audio in the editor differs from the file (a
take was spliced in), the working version is saved as a lossless float WAV in the cache so the
next job can be sent with what the producer actually hears; jobs made from it stay linked to the
source file through that folder's name.

:class:`WorkingVersion` owns all of it: the source samples as opened, the saved working file, the
replace/undo steps and "back to original". Saving the file and building the new peak pyramid run
on a worker thread; the undo step is pushed (and the editor redrawn) when both are ready.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand

from desktop_app.audio import PeakPyramid, save
from desktop_app.paths import cache_dir
from desktop_app.services.serial_worker import SerialWorker

if TYPE_CHECKING:
    from desktop_app.services.document import Document


def working_folder(source: Path) -> Path:
    digest = hashlib.sha1(str(source.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / "working" / digest


def is_working_file_of(candidate: Path | None, source: Path | None) -> bool:
    if candidate is None or source is None:
        return False
    return candidate == source or candidate.parent == working_folder(source)


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


def splice_history(document: Document) -> list[SpliceSegment]:
    """The splices in the song as heard now: the undo stack's done steps since the last "back to
    original" (undone steps are not in it)."""
    stack = document.undo_stack
    segments: list[SpliceSegment] = []
    for index in range(stack.index()):
        command = stack.command(index)
        if isinstance(command, ReplaceAudioCommand):
            segment = command.segment  # one splice, or a comp's list of segments
            segments = [] if segment is None else [*segments, *(segment if isinstance(segment, list) else [segment])]
    return segments


def current_audio_file(document: Document) -> Path | None:
    """The file a new job should upload: the source file, or the saved working version."""
    return document.working.path or document.path


class WorkingVersion(QObject):
    """The edited song: what replaced the opened audio, its file, and the way back."""

    busy_changed = Signal(bool)  # a replacement is being saved and summarised
    replaced = Signal(str)  # the step's text, once the new audio is in place
    failed = Signal(str)  # user-facing message; the song is left as it was

    _ready = Signal(object)  # (generation, samples, peaks, path, text) from the worker

    def __init__(self, document: Document) -> None:
        super().__init__(document)
        self._document = document
        self.source_samples: np.ndarray | None = None  # the song as opened
        self.source_peaks: PeakPyramid | None = None
        self.path: Path | None = None  # the saved working file; None while the song is as opened
        self._generation = 0
        self._closed = False
        self._lock = threading.Lock()
        self._worker = SerialWorker("working-version")
        self._ready.connect(self._on_ready)

    # ---------------------------------------------------------------------------------- state
    def reset(self, samples: np.ndarray, peaks: PeakPyramid | None) -> None:
        """A song was opened: it is the source, nothing is edited."""
        with self._lock:
            self._generation += 1
        self.source_samples, self.source_peaks, self.path = samples, peaks, None

    @property
    def edited(self) -> bool:
        clip = self._document.clip
        return clip is not None and self.source_samples is not None and clip.samples is not self.source_samples

    def version_at(self, path: Path) -> tuple[np.ndarray, PeakPyramid | None] | None:
        """The samples and pyramid of the working version saved at ``path`` while they are in memory: the
        version in the editor, or one the undo history holds (a job sent before the latest splice)."""
        if self.path is not None and path == self.path:
            return self._document.open_audio()
        stack = self._document.undo_stack
        for index in range(stack.count()):
            command = stack.command(index)
            if isinstance(command, ReplaceAudioCommand):
                for samples, peaks, saved_at in (command.new_state, command.old_state):
                    if saved_at is not None and saved_at == path:
                        return samples, peaks
        return None

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._worker.shutdown()

    # -------------------------------------------------------------------------------- actions
    def replace(self, samples: np.ndarray, text: str, segment: SpliceSegment | None = None) -> None:
        """Make ``samples`` the song, as one undo step; saving and the pyramid happen off the GUI thread.
        ``segment`` says which take went where (the export's sidecar lists them)."""
        document = self._document
        if document.clip is None or document.path is None:
            return
        with self._lock:
            generation = self._generation
        source, rate = document.path, document.sample_rate
        self.busy_changed.emit(True)

        def work() -> None:
            payload: tuple[int, np.ndarray | None, PeakPyramid | None, Path | None, str, SpliceSegment | None]
            try:
                peaks = PeakPyramid.from_samples(samples)
                path = _save_working(source, samples, rate)
            except OSError as error:
                payload = (
                    generation,
                    None,
                    None,
                    None,
                    f"{text} failed: the working copy could not be saved ({error}).",
                    None,
                )
            else:
                payload = (generation, samples, peaks, path, text, segment)
            # Always handed back (a stale one is dropped there, after "busy" ends), unless closing.
            with self._lock, contextlib.suppress(RuntimeError):  # RuntimeError: deleted meanwhile
                if not self._closed:
                    self._ready.emit(payload)

        self._worker.submit(work)

    def back_to_original(self) -> bool:
        """Put the song as opened back (one undo step); False when it is not edited."""
        if not self.edited:
            return False
        self._document.undo_stack.push(
            ReplaceAudioCommand(self, (self.source_samples, self.source_peaks, None), "Back to original")
        )
        self.replaced.emit("Back to original")
        return True

    def _on_ready(self, payload) -> None:
        generation, samples, peaks, path, text, segment = payload
        self.busy_changed.emit(False)
        if generation != self._generation:
            return
        if samples is None:
            self.failed.emit(text)
            return
        self._document.undo_stack.push(ReplaceAudioCommand(self, (samples, peaks, path), text, segment))
        self.replaced.emit(text)

    def _apply(self, state: tuple[np.ndarray, PeakPyramid, Path | None]) -> None:
        samples, peaks, path = state
        self.path = None if samples is self.source_samples else path
        document = self._document
        if samples.shape[0] != document.open_audio()[0].shape[0]:  # an extension kept or undone: so far it may reach
            document.region.set_duration(samples.shape[0] / document.sample_rate)
        document.replace_audio(samples, peaks)

    def _state(self) -> tuple[np.ndarray, PeakPyramid, Path | None]:
        samples, peaks = self._document.open_audio()
        return samples, peaks, self.path


class ReplaceAudioCommand(QUndoCommand):
    """Swap the song's samples (splice, whole take, back to original) as one undo step; nothing is
    recomputed on undo or redo: both states keep their pyramid and file."""

    def __init__(self, working: WorkingVersion, new, text: str, segment: SpliceSegment | None = None) -> None:
        super().__init__(text)
        self.working = working
        self.segment = segment  # None (back to original) starts the splice history afresh
        self.new_state = new
        self.old_state = working._state()

    def redo(self) -> None:
        self.working._apply(self.new_state)

    def undo(self) -> None:
        self.working._apply(self.old_state)


def _save_working(source: Path, samples: np.ndarray, rate: int) -> Path:
    folder = working_folder(source)
    folder.mkdir(parents=True, exist_ok=True)
    number = len(list(folder.glob("edit-*.wav"))) + 1
    return save(samples, folder / f"edit-{number}.wav", "wav", sample_rate=rate, wav_subtype="FLOAT")
