"""The song's tempo grid as a model: BPM, first downbeat and metre, from the estimate or the user."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from desktop_app.audio.snap import MAX_BPM, MIN_BPM, BeatGrid
from desktop_app.audio.tempo import TempoEstimate, tap_tempo


class TempoGrid(QObject):
    """``grid()`` is None until a tempo is known; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bpm: float | None = None
        self.origin = 0.0
        self.beats_per_bar = 4
        self.source = ""  # "estimated", "typed", "tapped", "dragged" or "" (unknown)
        self.confidence = 0.0
        self._taps: list[float] = []

    def grid(self) -> BeatGrid | None:
        if self.bpm is None:
            return None
        return BeatGrid(self.bpm, self.origin, self.beats_per_bar)

    def reset(self) -> None:
        self.bpm, self.origin, self.source, self.confidence = None, 0.0, "", 0.0
        self._taps.clear()
        self.changed.emit()

    def apply_estimate(self, estimate: TempoEstimate | None) -> None:
        if estimate is None:
            self.reset()
            self.source = "none"
            self.changed.emit()
            return
        self.bpm, self.origin = estimate.bpm, estimate.first_downbeat
        self.source, self.confidence = "estimated", estimate.confidence
        self.changed.emit()

    def set_bpm(self, bpm: float, *, source: str = "typed") -> str | None:
        if not MIN_BPM <= bpm <= MAX_BPM:
            return f"The tempo must be between {MIN_BPM:g} and {MAX_BPM:g} BPM."
        self.bpm, self.source = round(float(bpm), 3), source
        self.changed.emit()
        return None

    def set_origin(self, seconds: float, *, source: str = "typed") -> None:
        self.origin, self.source = float(seconds), source
        self.changed.emit()

    def set_beats_per_bar(self, beats: int) -> None:
        self.beats_per_bar = max(1, min(16, int(beats)))
        self.changed.emit()

    def tap(self, now: float | None = None) -> float | None:
        """Register a tap (seconds, monotonic); sets and returns the BPM once two taps agree."""
        self._taps.append(time.monotonic() if now is None else now)
        self._taps = self._taps[-16:]
        bpm = tap_tempo(self._taps)
        if bpm is not None and MIN_BPM <= bpm <= MAX_BPM:
            self.set_bpm(bpm, source="tapped")
        return bpm
