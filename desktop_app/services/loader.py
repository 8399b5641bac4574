"""Open a song off the GUI thread: decode + peak pyramid, then the tempo estimate.

A Python thread does the work and reports through Qt signals of a QObject that lives on the GUI
thread, so the slots run there (queued). Each open has a generation number: opening another
file cancels the previous one at its next progress report, and anything a superseded open
still emits is dropped.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path

import soundfile as sf
from PySide6.QtCore import QObject, Signal

from desktop_app.audio import AudioError, Clip, PeakPyramid, load_with_peaks
from desktop_app.audio.tempo import estimate_tempo
from desktop_app.services import qt_guard  # noqa: F401  (must precede Qt use; see qt_guard.py)

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
        self._generation = 0
        self._threads: list[threading.Thread] = []

    @property
    def generation(self) -> int:
        return self._generation

    def open(self, path: str | Path) -> int:
        self._generation += 1
        generation = self._generation
        thread = threading.Thread(target=self._run, args=(generation, Path(path)), name="open-song", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return generation

    def cancel(self) -> None:
        self._generation += 1

    def wait(self, timeout: float = 10.0) -> None:
        """Join the worker threads (app shutdown, tests)."""
        self.cancel()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _run(self, generation: int, path: Path) -> None:
        last = 0.0
        rate = _header_rate(path)

        def report(pyramid: PeakPyramid) -> None:
            nonlocal last
            if generation != self._generation:
                raise _Cancelled
            now = time.monotonic()
            if now - last >= _PROGRESS_INTERVAL_S or pyramid.complete:
                last = now
                fraction = pyramid.ready_frames / max(1, pyramid.frames)
                self._emit(self.progress, generation, pyramid, fraction, rate)

        try:
            clip, peaks = load_with_peaks(path, progress=report)
        except _Cancelled:
            return
        except AudioError as exc:
            self._emit(self.failed, generation, str(path), str(exc))
            return
        except Exception as exc:  # a bug, not bad input: still tell the user and keep the old song
            log.exception("opening %s failed", path)
            self._emit(self.failed, generation, str(path), f"“{path.name}” could not be opened ({exc}).")
            return
        if generation != self._generation:
            return
        self._emit(self.loaded, generation, clip, peaks)
        self._estimate(generation, clip)

    def _estimate(self, generation: int, clip: Clip) -> None:
        try:
            estimate = estimate_tempo(clip.samples, clip.sample_rate)
        except Exception:
            log.exception("tempo estimate failed")
            estimate = None
        self._emit(self.tempo_ready, generation, estimate)

    def _emit(self, signal, *args) -> None:
        # RuntimeError: the loader was deleted while the thread finished, so nobody is listening.
        with contextlib.suppress(RuntimeError):
            signal.emit(*args)


def _header_rate(path: Path) -> int:
    """The sample rate from the header, so the partial waveform can be drawn on a time axis."""
    try:
        return int(sf.info(str(path)).samplerate)
    except Exception:
        return 44100  # only soundfile formats report progress, so this is rarely used
