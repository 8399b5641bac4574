"""Picked lines → the region to redo: their sung span, snapped outward to the beat grid (no Qt).

Outward, so no sung syllable of the picked lines falls outside the region; to bars by default
(a service regenerates a bar more naturally than half of one); the region reaches less than one
bar past the span on either side; only float noise counts as "on a bar line", so the span is always
inside the region.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop_app.lyrics.model import Lyrics, LyricsError

if TYPE_CHECKING:  # only its attributes are used: `retake lyrics` need not load the audio stack
    from desktop_app.audio.snap import BeatGrid

_ON_GRID_S = 1e-6


@dataclass(frozen=True)
class LinesRegion:
    start: float
    end: float
    span: tuple[float, float]  # the picked lines' sung span, before snapping
    first_index: int  # indices into Lyrics.lines
    last_index: int
    snapped_to: str  # "bar", "beat" or "" (no tempo known)


def snap_outward(
    start: float, end: float, grid: BeatGrid | None, duration: float | None = None, *, unit: str = "bar"
) -> tuple[float, float]:
    """Widen [start, end] to the grid lines around it (bars or beats), inside [0, duration]."""
    if grid is not None:
        step = grid.bar_seconds if unit == "bar" else grid.beat_seconds
        tolerance = _ON_GRID_S / step
        first = math.floor((start - grid.origin) / step + tolerance)
        last = math.ceil((end - grid.origin) / step - tolerance)
        # min/max: a bar line a hair inside the span (float noise) must not cut a syllable off.
        start = min(start, grid.origin + first * step)
        end = max(end, grid.origin + max(last, first + 1) * step)
    start = max(0.0, start)
    if duration is not None:
        end = min(end, duration)
    return start, end


def region_for_lines(
    lyrics: Lyrics,
    first: int,
    last: int,
    *,
    duration: float | None,
    grid: BeatGrid | None,
    unit: str = "bar",
) -> LinesRegion:
    """The region for sung lines ``first``..``last`` (numbers from 1); a sentence when it cannot be."""
    if last < first:
        first, last = last, first
    first_index, last_index = lyrics.index_of(first), lyrics.index_of(last)
    span = lyrics.span(first_index, last_index, duration)
    if duration is not None and span[0] >= duration:
        raise LyricsError(f"Line {first} starts after the song ends.")
    start, end = snap_outward(*span, grid, duration, unit=unit)
    return LinesRegion(start, end, span, first_index, last_index, unit if grid is not None else "")
