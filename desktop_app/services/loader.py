"""Open a song off the GUI thread: decode + peak pyramid, then the tempo estimate.

A background task (services/tasks.py) does the work and posts its reports to the GUI thread. Each
open has a generation number: opening another file cancels the previous one at its next progress
report, and anything a superseded open still posts is dropped.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import soundfile as sf
from PySide6.QtCore import QObject, Signal

from desktop_app.audio import AudioError, Clip, PeakPyramid, load_with_peaks
from desktop_app.audio.tempo import estimate_tempo
from desktop_app.services.tasks import Task, Tasks

log = logging.getLogger(__name__)
_PROGRESS_INTERVAL_S = 0.05  # repaint at most 20 times a second while loading


class _Cancelled(Exception):
    pass


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
        task = self._tasks.start(lambda task: self._run(task, Path(path)), key="open", name="open-song")
        return task.generation

    def cancel(self) -> None:
        self._tasks.forget("open")

    def wait(self, timeout: float = 10.0) -> None:
        """Stop and join the open in progress (window closed, tests)."""
        self.cancel()
        self._tasks.wait(timeout)

    def _run(self, task: Task, path: Path) -> None:
        generation = task.generation
        last = 0.0
        rate = _header_rate(path)

        def report(pyramid: PeakPyramid) -> None:
            nonlocal last
            if task.cancelled:
                raise _Cancelled
            now = time.monotonic()
            if now - last >= _PROGRESS_INTERVAL_S or pyramid.complete:
                last = now
                fraction = pyramid.ready_frames / max(1, pyramid.frames)
                task.post(self.progress.emit, generation, pyramid, fraction, rate)

        try:
            clip, peaks = load_with_peaks(path, progress=report)
        except _Cancelled:
            return
        except AudioError as exc:
            task.post(self.failed.emit, generation, str(path), str(exc))
            return
        except Exception as exc:  # a bug, not bad input: still tell the user and keep the old song
            log.exception("opening %s failed", path)
            task.post(self.failed.emit, generation, str(path), f"“{path.name}” could not be opened ({exc}).")
            return
        if task.cancelled:
            return
        task.post(self.loaded.emit, generation, clip, peaks)
        self._estimate(task, generation, clip)

    def _estimate(self, task: Task, generation: int, clip: Clip) -> None:
        try:
            estimate = estimate_tempo(clip.samples, clip.sample_rate)
        except Exception:
            log.exception("tempo estimate failed")
            estimate = None
        task.post(self.tempo_ready.emit, generation, estimate)


def _header_rate(path: Path) -> int:
    """The sample rate from the header, so the partial waveform can be drawn on a time axis."""
    try:
        return int(sf.info(str(path)).samplerate)
    except Exception:
        return 44100  # only soundfile formats report progress, so this is rarely used
