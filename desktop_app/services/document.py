"""The open song: clip, peak pyramid, selection, tempo grid, working version and the undo stack.

Widgets never hold this state; they observe it. Opening a file keeps the current song until the
new one has decoded, so a bad file leaves the previous one open. Everything the document holds is
declared in ``__init__``; nothing is attached from outside.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from desktop_app.audio import Clip, PeakPyramid
from desktop_app.audio.tempo import TempoEstimate
from desktop_app.services.loader import SongLoader
from desktop_app.services.region import Region
from desktop_app.services.tempo_grid import TempoGrid
from desktop_app.services.working_version import WorkingVersion


class Document(QObject):
    clip_changed = Signal()  # a new song is in place (clip, peaks, path)
    loading_started = Signal(str)  # path
    loading_progress = Signal(object, float, int)  # partial pyramid of the song being opened, 0..1, rate
    load_failed = Signal(str, str)  # path, user-facing message
    tempo_estimated = Signal()  # the estimate for the current song arrived (grid may be None)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.region = Region(self.undo_stack, self)
        self.tempo = TempoGrid(self)
        self.clip: Clip | None = None
        self.peaks: PeakPyramid | None = None
        self.path: Path | None = None
        self.loading_path: Path | None = None
        self.working = WorkingVersion(self)  # the edited song: splices, undo, back to original
        # True while clip_changed reports an edit of the same song (a splice), not a newly opened one.
        self.replacing_audio = False
        self._loader = SongLoader(self)
        self._loader.progress.connect(self._on_progress)
        self._loader.loaded.connect(self._on_loaded)
        self._loader.tempo_ready.connect(self._on_tempo)
        self._loader.failed.connect(self._on_failed)

    @property
    def duration(self) -> float:
        return self.clip.duration if self.clip is not None else 0.0

    @property
    def sample_rate(self) -> int:
        return self.clip.sample_rate if self.clip is not None else 44100

    def open_audio(self) -> tuple[np.ndarray, PeakPyramid]:
        """The open song's samples and pyramid, for what only runs with a song open (a splice, its undo, its words)."""
        if self.clip is None or self.peaks is None:
            raise RuntimeError("no song is open")
        return self.clip.samples, self.peaks

    @property
    def is_loading(self) -> bool:
        return self.loading_path is not None

    def open(self, path: str | Path) -> None:
        """Start opening ``path`` in the background (signals report the outcome)."""
        self.loading_path = Path(path)
        self._loader.open(path)
        self.loading_started.emit(str(path))

    def set_clip(self, clip: Clip, peaks: PeakPyramid | None = None, path: Path | None = None) -> None:
        """Put a song in place synchronously (takes, tests); the tempo is left unknown."""
        self.clip = clip
        self.peaks = peaks if peaks is not None else PeakPyramid.from_samples(clip.samples)
        self.path = path if path is not None else clip.info.path
        self.undo_stack.clear()
        self.working.reset(clip.samples, self.peaks)
        self.region.reset(clip.duration)
        self.tempo.reset()
        self.clip_changed.emit()

    def replace_audio(self, samples: np.ndarray, peaks: PeakPyramid) -> None:
        """The same song with other audio (a splice, its undo): region and tempo stay."""
        if self.clip is None:
            raise RuntimeError("no song is open to replace the audio of")
        info = replace(self.clip.info, frames=int(samples.shape[0]))
        self.clip = Clip(samples, self.clip.sample_rate, info)
        self.peaks = peaks
        self.replacing_audio = True
        try:
            self.clip_changed.emit()
        finally:
            self.replacing_audio = False

    def shutdown(self) -> None:
        self.working.close()
        self._loader.wait()
        self.loading_path = None

    def _current(self, generation: int) -> bool:
        return generation == self._loader.generation

    def _on_progress(self, generation: int, pyramid: PeakPyramid, fraction: float, rate: int) -> None:
        if self._current(generation):
            self.loading_progress.emit(pyramid, fraction, rate)

    def _on_loaded(self, generation: int, clip: Clip, peaks: PeakPyramid) -> None:
        if not self._current(generation):
            return
        path = self.loading_path
        self.loading_path = None
        self.set_clip(clip, peaks, path)

    def _on_tempo(self, generation: int, estimate: TempoEstimate | None) -> None:
        if self._current(generation):
            self.tempo.apply_estimate(estimate)
            self.tempo_estimated.emit()

    def _on_failed(self, generation: int, path: str, message: str) -> None:
        if self._current(generation):
            self.loading_path = None
            self.load_failed.emit(path, message)
