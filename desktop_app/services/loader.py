"""Open a song off the GUI thread: decode + peak pyramid, the tempo estimate beside the decode.

A background task (services/tasks.py) does the work (audio/opening.py) and posts its reports to the
GUI thread. Each open has a generation number: opening another file cancels the previous one at its
next progress report, and anything a superseded open still posts is dropped. An opening started
before the window existed (``opening.prefetch``) is adopted instead of decoding the file again.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop_app.audio import AudioError, PeakPyramid
from desktop_app.audio.opening import Opening, OpeningCancelled, claim
from desktop_app.services.tasks import Task, Tasks

log = logging.getLogger(__name__)
_PROGRESS_INTERVAL_S = 0.05  # repaint at most 20 times a second while loading
_FALLBACK_RATE = 44100  # for drawing progress only: formats without a header rate report when complete


class SongLoader(QObject):
    """``open(path)`` → ``progress`` … ``loaded`` → ``tempo_ready``, or ``failed``."""

    progress = Signal(int, object, float, int)  # generation, partial PeakPyramid, fraction 0..1, sample rate
    loaded = Signal(int, object, object)  # generation, Clip, PeakPyramid
    tempo_ready = Signal(int, object)  # generation, TempoEstimate | None
    failed = Signal(int, str, str)  # generation, path, user-facing message

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = Tasks("open-song", self)

    @property
    def generation(self) -> int:
        """The newest open's generation (what it emits carries it); a cancel moves past it."""
        return self._tasks.generation("open")

    def open(self, path: str | Path) -> int:
        opening = claim(path)
        task = self._tasks.start(lambda task: self._run(task, Path(path), opening), key="open", name="open-song")
        return task.generation

    def cancel(self) -> None:
        self._tasks.forget("open")

    def wait(self, timeout: float = 10.0) -> None:
        """Stop and join the open in progress (window closed, tests)."""
        self.cancel()
        self._tasks.wait(timeout)

    def _run(self, task: Task, path: Path, prefetched: Opening | None) -> None:
        generation = task.generation
        opening = prefetched or Opening(path)
        task.on_cancel(opening.cancel)
        rate = opening.header_rate or _FALLBACK_RATE
        last = 0.0

        def report(pyramid: PeakPyramid) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= _PROGRESS_INTERVAL_S or pyramid.complete:
                last = now
                fraction = pyramid.ready_frames / max(1, pyramid.frames)
                task.post(self.progress.emit, generation, pyramid, fraction, rate)

        opening.listen(report)
        try:
            self._deliver(task, path, opening, prefetched is not None)
        finally:
            opening.tempo()  # joined here, so shutting the task down also waits for the tempo thread

    def _deliver(self, task: Task, path: Path, opening: Opening, prefetched: bool) -> None:
        generation = task.generation
        if prefetched:  # decoding on the prefetch thread; a cancel stops it at its next chunk
            opening.finished.wait()
        else:
            opening.run()
        outcome = opening.outcome
        if isinstance(outcome, OpeningCancelled):
            return
        if isinstance(outcome, AudioError):
            task.post(self.failed.emit, generation, str(path), str(outcome))
            return
        if not isinstance(outcome, tuple):  # a bug, not bad input: still tell the user and keep the old song
            log.error("opening %s failed", path, exc_info=outcome)
            task.post(self.failed.emit, generation, str(path), f"“{path.name}” could not be opened ({outcome}).")
            return
        if task.cancelled:
            return
        clip, peaks = outcome
        task.post(self.loaded.emit, generation, clip, peaks)
        task.post(self.tempo_ready.emit, generation, opening.tempo())
