"""Beat grid and snapping maths (no Qt): where the bars are, and where an edit point should land.

A :class:`BeatGrid` is a constant tempo anchored at the first downbeat (``origin``). Times before
the origin extend the grid backwards, so a pickup bar gets negative bar numbers rather than none.
Bars and beats are 1-based, as producers count them ("bar 5, beat 1").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

MIN_BPM = 20.0
MAX_BPM = 400.0


@dataclass(frozen=True)
class BeatGrid:
    bpm: float
    origin: float = 0.0  # seconds of the first downbeat (bar 1, beat 1)
    beats_per_bar: int = 4

    def __post_init__(self) -> None:
        if not MIN_BPM <= self.bpm <= MAX_BPM:
            raise ValueError(f"tempo must be between {MIN_BPM:g} and {MAX_BPM:g} BPM")
        if self.beats_per_bar < 1:
            raise ValueError("a bar needs at least one beat")

    @property
    def beat_seconds(self) -> float:
        return 60.0 / self.bpm

    @property
    def bar_seconds(self) -> float:
        return self.beat_seconds * self.beats_per_bar

    def beat_index(self, t: float) -> float:
        """Beats since the origin, fractional (negative before it)."""
        return (t - self.origin) / self.beat_seconds

    def time_of_beat(self, index: float) -> float:
        return self.origin + index * self.beat_seconds

    def nearest_beat(self, t: float) -> float:
        return self.time_of_beat(round(self.beat_index(t)))

    def beats_between(self, start: float, end: float) -> np.ndarray:
        """Times of every beat in [start, end], for drawing grid lines."""
        first = math.ceil(self.beat_index(start) - 1e-9)
        last = math.floor(self.beat_index(end) + 1e-9)
        if last < first:
            return np.empty(0)
        return self.origin + np.arange(first, last + 1) * self.beat_seconds

    def is_downbeat(self, t: float) -> bool:
        return round(self.beat_index(t)) % self.beats_per_bar == 0

    def bar_beat(self, t: float) -> tuple[int, int, float]:
        """(bar, beat, fraction of a beat) for time ``t``; bar 1 beat 1 is the origin."""
        index = self.beat_index(t)
        whole = math.floor(index + 1e-9)
        fraction = max(0.0, index - whole)
        bar, beat = divmod(whole, self.beats_per_bar)
        return bar + 1, beat + 1, fraction

    def format_position(self, t: float) -> str:
        """``"5.1"`` on a beat, ``"5.1.50"`` between beats (hundredths of a beat)."""
        bar, beat, fraction = self.bar_beat(t)
        hundredths = round(fraction * 100)
        if hundredths >= 100:
            bar, beat, _ = self.bar_beat(self.time_of_beat(round(self.beat_index(t))))
            hundredths = 0
        return f"{bar}.{beat}" if hundredths == 0 else f"{bar}.{beat}.{hundredths:02d}"

    def format_length(self, seconds: float) -> str:
        """A duration as ``"4.0"`` (bars.beats) or ``"1.2.50"``."""
        beats = seconds / self.beat_seconds
        whole = math.floor(beats + 1e-6)
        hundredths = round((beats - whole) * 100)
        if hundredths >= 100:
            whole, hundredths = whole + 1, 0
        bars, rest = divmod(whole, self.beats_per_bar)
        return f"{bars}.{rest}" if hundredths == 0 else f"{bars}.{rest}.{hundredths:02d}"

    def parse_position(self, text: str) -> float:
        """Inverse of :meth:`format_position`: ``"5.1"``, ``"5:3"``, ``"5.1.50"`` → seconds."""
        bar, beat, hundredths = _parse_bar_beat(text, position=True)
        return self.time_of_beat((bar - 1) * self.beats_per_bar + (beat - 1) + hundredths / 100)

    def parse_length(self, text: str) -> float:
        """Inverse of :meth:`format_length`: ``"4"``, ``"4.0"``, ``"1.2.50"`` → seconds."""
        bars, beats, hundredths = _parse_bar_beat(text, position=False)
        return (bars * self.beats_per_bar + beats + hundredths / 100) * self.beat_seconds


_BAR_BEAT = re.compile(r"^\s*(-?\d+)(?:[.:](\d+))?(?:[.:](\d{1,2}))?\s*$")


def _parse_bar_beat(text: str, *, position: bool) -> tuple[int, int, int]:
    match = _BAR_BEAT.match(text)
    what = "bar.beat (e.g. 5.1 or 5.1.50)" if position else "bars.beats (e.g. 4.0 or 1.2)"
    if not match:
        raise ValueError(f"“{text.strip()}” is not a {what}.")
    first = int(match.group(1))
    second = int(match.group(2)) if match.group(2) is not None else (1 if position else 0)
    hundredths = int(match.group(3).ljust(2, "0")) if match.group(3) is not None else 0
    if position and (second < 1 or first == 0):
        raise ValueError(f"“{text.strip()}”: bars and beats count from 1.")
    if not position and (first < 0 or second < 0):
        raise ValueError(f"“{text.strip()}”: a length cannot be negative.")
    return first, second, hundredths


def nearest_zero_crossing(samples: np.ndarray, frame: int, radius: int, *, direction: int = 0) -> int | None:
    """The frame closest to ``frame`` where the signal (summed over channels) changes sign.

    Returns the frame just after the sign change (where a cut starts cleanly), or None when the
    window ``frame ± radius`` holds no crossing (silence, DC, or a very low note). ``direction``
    +1 looks only at or after ``frame``, -1 only at or before it (a splice keeps its fades
    inside the region). The one zero-crossing finder of the app: snapping and splicing use it.
    """
    total = samples.shape[0]
    lo = max(0, frame - radius) if direction <= 0 else max(0, frame - 1)
    hi = min(total, frame + radius + 1) if direction >= 0 else min(total, frame + 1)
    if hi - lo < 2:
        return None
    window = samples[lo:hi]
    mono = window.sum(axis=1) if window.ndim == 2 else window
    signs = np.signbit(mono)
    flips = np.flatnonzero(signs[1:] != signs[:-1]) + 1 + lo
    if flips.size == 0:
        return None
    return int(flips[np.argmin(np.abs(flips - frame))])


@dataclass(frozen=True)
class SnapResult:
    time: float
    kind: str  # "none", "beat", "bar", "zero", "beat+zero", "bar+zero"

    @property
    def snapped(self) -> bool:
        return self.kind != "none"


def snap_time(
    t: float,
    *,
    grid: BeatGrid | None,
    samples: np.ndarray | None,
    sample_rate: int,
    to_grid: bool,
    to_zero: bool,
    grid_tolerance: float,
    zero_radius_s: float = 0.005,
) -> SnapResult:
    """Snap ``t`` to the nearest beat within ``grid_tolerance`` seconds, then to a zero crossing.

    The zero-crossing step moves a point by at most ``zero_radius_s`` (5 ms: far below what
    changes the musical position, enough to avoid a click at the seam).
    """
    kind = "none"
    if to_grid and grid is not None:
        beat = grid.nearest_beat(t)
        if abs(beat - t) <= grid_tolerance:
            t = beat
            kind = "bar" if grid.is_downbeat(beat) else "beat"
    if to_zero and samples is not None and sample_rate > 0:
        frame = round(t * sample_rate)
        crossing = nearest_zero_crossing(samples, frame, max(1, round(zero_radius_s * sample_rate)))
        if crossing is not None:
            t = crossing / sample_rate
            kind = "zero" if kind == "none" else f"{kind}+zero"
    return SnapResult(t, kind)
