"""Mouse gestures on the selection: create, resize by either edge, move, with snapping.

Kept out of the widget so the widget only paints; this object turns pointer positions into
:class:`~desktop_app.services.region.Region` changes. All changes of one drag share a merge key,
so one Ctrl+Z undoes the whole drag.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt

from desktop_app.audio.snap import BeatGrid, SnapResult, snap_time
from desktop_app.services.region import MIN_LENGTH_S, Region
from desktop_app.ui.waveform.timeline import TimelineView

EDGE_GRAB_PX = 7  # the grab zone either side of an edge (at least 6 px, as producers ask for)
CLICK_SLOP_PX = 3  # less movement than this is a click (seek), not a new selection
_drag_ids = itertools.count(1)


@dataclass
class SnapGuide:
    time: float
    kind: str


@dataclass
class SnapSettings:
    to_grid: bool = True
    to_zero: bool = True


class RegionDrag:
    def __init__(
        self,
        timeline: TimelineView,
        region: Region,
        grid: Callable[[], BeatGrid | None],
        samples: Callable[[], object],
        snap: SnapSettings,
    ) -> None:
        self.timeline = timeline
        self.region = region
        self._grid = grid
        self._samples = samples
        self.snap = snap
        self.mode: str | None = None  # "pending", "create", "start", "end", "move"
        self.guide: SnapGuide | None = None
        self._press_x = 0.0
        self._anchor = 0.0  # the fixed edge (create/resize) or the grab offset (move)
        self._merge_key = 0

    # -- hit testing --------------------------------------------------------------------------

    def hit(self, x: float) -> str | None:
        bounds = self.region.bounds()
        if bounds is None:
            return None
        xs, xe = self.timeline.time_to_x(bounds[0]), self.timeline.time_to_x(bounds[1])
        ds, de = abs(x - xs), abs(x - xe)
        if min(ds, de) <= EDGE_GRAB_PX:
            return "start" if ds < de else "end"
        if xs < x < xe:
            return "body"
        return None

    def cursor_for(self, x: float) -> Qt.CursorShape:
        hit = self.hit(x) if self.mode is None else self.mode
        if hit in ("start", "end", "create"):
            return Qt.CursorShape.SizeHorCursor
        if hit == "body":
            return Qt.CursorShape.OpenHandCursor
        if hit == "move":
            return Qt.CursorShape.ClosedHandCursor
        return Qt.CursorShape.IBeamCursor

    # -- the gesture ----------------------------------------------------------------------------

    def press(self, x: float) -> None:
        self._press_x = x
        self._merge_key = next(_drag_ids)
        hit = self.hit(x)
        bounds = self.region.bounds()
        if hit == "start" and bounds:
            self.mode, self._anchor = "start", bounds[1]
        elif hit == "end" and bounds:
            self.mode, self._anchor = "end", bounds[0]
        elif hit == "body" and bounds:
            self.mode, self._anchor = "move", self._time(x) - bounds[0]
        else:
            self.mode = "pending"
            self._anchor = self._snapped(self._time(x), bypass=False).time

    def move(self, x: float, modifiers: Qt.KeyboardModifier) -> None:
        bypass = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        if self.mode == "pending":
            if abs(x - self._press_x) < CLICK_SLOP_PX:
                return
            self.mode = "create"
            if bypass:
                self._anchor = self._time(self._press_x)
        if self.mode == "create":
            self._drag_edge(x, bypass, fixed=self._anchor, text="Select")
        elif self.mode in ("start", "end"):
            self._drag_edge(x, bypass, fixed=self._anchor, text="Resize selection")
        elif self.mode == "move":
            self._drag_body(x, bypass)

    def release(self) -> bool:
        """End the gesture; True when it was a plain click (the caller seeks)."""
        was_click = self.mode == "pending"
        self.mode = None
        self.guide = None
        return was_click

    # -- internals --------------------------------------------------------------------------------

    def _time(self, x: float) -> float:
        return min(max(0.0, self.timeline.x_to_time(x)), self.region.duration)

    def _snapped(self, t: float, *, bypass: bool) -> SnapResult:
        if bypass:
            return SnapResult(t, "none")
        grid = self._grid()
        samples = self._samples()
        result = snap_time(
            t,
            grid=grid,
            samples=samples,  # type: ignore[arg-type]
            sample_rate=self.timeline.rate,
            to_grid=self.snap.to_grid,
            to_zero=self.snap.to_zero,
            grid_tolerance=grid.beat_seconds if grid else 0.0,
        )
        return SnapResult(min(max(0.0, result.time), self.region.duration), result.kind)

    def _drag_edge(self, x: float, bypass: bool, *, fixed: float, text: str) -> None:
        snapped = self._snapped(self._time(x), bypass=bypass)
        t = snapped.time
        self.guide = SnapGuide(t, snapped.kind) if snapped.snapped else None
        if self.mode == "end":  # a resized edge stops at the minimum length, it never flips over
            t = min(max(t, fixed + MIN_LENGTH_S), self.region.duration)
        elif self.mode == "start":
            t = max(min(t, fixed - MIN_LENGTH_S), 0.0)
        start, end = (fixed, t) if t >= fixed else (t, fixed)
        if end - start < MIN_LENGTH_S - 1e-9:
            return  # creating: not a selection yet, keep dragging
        self.region.set_range(start, end, merge_key=self._merge_key, text=text)

    def _drag_body(self, x: float, bypass: bool) -> None:
        length = self.region.length
        start = self._time(x) - self._anchor
        start = min(max(0.0, start), max(0.0, self.region.duration - length))
        snapped = self._snapped(start, bypass=bypass)
        if snapped.time + length > self.region.duration:
            snapped = SnapResult(start, "none")
        self.guide = SnapGuide(snapped.time, snapped.kind) if snapped.snapped else None
        self.region.move_to(snapped.time, merge_key=self._merge_key)
