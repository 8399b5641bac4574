"""Open one song (no Qt): decode + peak pyramid, with the tempo estimate running beside the decode.

The tempo estimate reads only the first ``TEMPO_SECONDS`` of the song, so it starts on its own thread
as soon as those are decoded instead of after the whole file: on an hour-long file it is done long
before the decode is.

:func:`prefetch` starts an :class:`Opening` before the window exists (``retake FILE``, ``retake
screenshot --open``), so decoding overlaps the imports and the window's construction; the song loader
(services/loader.py) adopts it with :func:`claim` instead of decoding the file a second time. The
threads are not daemons (see services/tasks.py): an opening nobody adopts still ends on its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from desktop_app.audio.clip import Clip
from desktop_app.audio.decode import load_with_peaks
from desktop_app.audio.peaks import PeakPyramid
from desktop_app.audio.tempo import TempoEstimate, estimate_tempo

log = logging.getLogger(__name__)

TEMPO_SECONDS = 150.0  # what estimate_tempo analyses at most (its max_seconds)


class OpeningCancelled(Exception):
    """Raised inside the decode when the opening was cancelled; never leaves :meth:`Opening.run`."""


class Opening:
    """Decode ``path`` (``run``, on the calling thread), reporting the growing pyramid to a listener.

    After ``run``: ``outcome`` is ``(clip, peaks)`` or the exception the decode raised
    (:class:`OpeningCancelled` when cancelled); :meth:`tempo` gives the estimate.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.header_rate = _header_rate(self.path)
        self.cancel_event = threading.Event()
        self.finished = threading.Event()
        self.outcome: tuple[Clip, PeakPyramid] | BaseException | None = None
        self._lock = threading.Lock()
        self._listener: Callable[[PeakPyramid], None] | None = None
        self._latest: PeakPyramid | None = None
        self._tempo_thread: threading.Thread | None = None
        self._tempo: TempoEstimate | None = None

    def cancel(self) -> None:
        """Stop at the next decoded chunk (thread-safe)."""
        self.cancel_event.set()

    def listen(self, listener: Callable[[PeakPyramid], None]) -> None:
        """Send every pyramid report to ``listener`` (on the decoding thread), the latest one at once."""
        with self._lock:
            self._listener = listener
            if self._latest is not None:
                listener(self._latest)

    def run(self) -> None:
        try:
            clip, peaks = load_with_peaks(self.path, progress=self._report)
            if self._tempo_thread is None:  # a short song, or a format that reports only when complete
                self._start_tempo(clip.samples, clip.sample_rate)
            self.outcome = (clip, peaks)
        except BaseException as exc:  # handed to whoever adopts this opening, which reports it
            self.outcome = exc
        finally:
            self.finished.set()

    def tempo(self) -> TempoEstimate | None:
        """The tempo estimate (waits for it); None when there is no beat, or the estimate failed."""
        if self._tempo_thread is not None:
            self._tempo_thread.join()
        return self._tempo

    def _report(self, pyramid: PeakPyramid) -> None:
        if self.cancel_event.is_set():
            raise OpeningCancelled
        with self._lock:
            self._latest = pyramid
            if self._listener is not None:
                self._listener(pyramid)
        rate = self.header_rate
        if self._tempo_thread is None and rate and not pyramid.complete:
            needed = min(pyramid.frames, int(TEMPO_SECONDS * rate))
            if pyramid.ready_frames >= needed:
                # The decode writes later frames only: this view of the first ones is final.
                self._start_tempo(pyramid.samples[:needed], rate)

    def _start_tempo(self, samples: np.ndarray, rate: int) -> None:
        self._tempo_thread = threading.Thread(target=self._estimate, args=(samples, rate), name="tempo")
        self._tempo_thread.start()

    def _estimate(self, samples: np.ndarray, rate: int) -> None:
        try:
            self._tempo = estimate_tempo(samples, rate, max_seconds=TEMPO_SECONDS)
        except Exception:
            log.exception("tempo estimate failed")


_prefetched: Opening | None = None
_prefetch_lock = threading.Lock()


def prefetch(path: str | Path) -> None:
    """Start opening ``path`` now, on its own thread, for the loader to :func:`claim` later."""
    global _prefetched
    opening = Opening(path)
    with _prefetch_lock:
        _prefetched = opening
    threading.Thread(target=opening.run, name="open-song-prefetch").start()


def claim(path: str | Path) -> Opening | None:
    """The prefetched opening of ``path`` (once), started (``finished`` is set when done); else None."""
    global _prefetched
    with _prefetch_lock:
        opening, _prefetched = _prefetched, None
    if opening is not None and _same_file(opening.path, Path(path)):
        return opening
    if opening is not None:
        opening.cancel()  # another file was opened first: the prefetch is wasted work
    return None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _header_rate(path: Path) -> int | None:
    """The sample rate from the header, so the partial waveform can be drawn on a time axis."""
    try:
        return int(sf.info(str(path)).samplerate)
    except Exception:
        return None  # only soundfile formats report progress before the end
