"""The inpaint selection: a model with signals and undo, not widget state.

Times are seconds (float64 keeps sample precision for many hours). Every change goes through
the QUndoStack; consecutive changes that share a ``merge_key`` (one mouse drag) merge into one
undo step, so Ctrl+Z undoes the whole drag and not each pixel of it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

MIN_LENGTH_S = 0.1
_MERGE_ID = 0x5E1


class Region(QObject):
    """Start and end of the selection in seconds, or empty; ``changed`` fires on every change."""

    changed = Signal()

    def __init__(self, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack
        self._duration = 0.0
        self._start: float | None = None
        self._end: float | None = None

    # -- reading --------------------------------------------------------------------------

    @property
    def start(self) -> float | None:
        return self._start

    @property
    def end(self) -> float | None:
        return self._end

    @property
    def length(self) -> float:
        return 0.0 if self.is_empty else self._end - self._start  # type: ignore[operator]

    @property
    def is_empty(self) -> bool:
        return self._start is None

    @property
    def duration(self) -> float:
        return self._duration

    def bounds(self) -> tuple[float, float] | None:
        return None if self._start is None else (self._start, self._end)  # type: ignore[return-value]

    def validate(self, start: float, end: float) -> str | None:
        """Why (start, end) is not a valid selection, as a sentence; None when it is."""
        if self._duration <= 0:
            return "Open a song before selecting a region."
        if not (math.isfinite(start) and math.isfinite(end)):  # NaN passes every comparison below
            return "The start and end of the selection must be times in seconds."
        if start < 0:
            return "The selection cannot start before the beginning of the song."
        if end > self._duration + 1e-9:
            return f"The selection cannot end after the song ends ({self._duration:.3f} s)."
        if end <= start:
            return "The end of the selection must come after its start."
        if end - start < MIN_LENGTH_S - 1e-9:
            return f"The selection must be at least {MIN_LENGTH_S:g} s long."
        return None

    # -- changing (undoable) --------------------------------------------------------------

    def set_range(self, start: float, end: float, *, merge_key: int | None = None, text: str = "Select") -> str | None:
        """Select [start, end]; returns the reason when refused (and changes nothing)."""
        error = self.validate(start, end)
        if error is None and (start, end) != (self._start, self._end):
            self.undo_stack.push(_RegionCommand(self, (start, end), merge_key, text))
        return error

    def clear(self) -> None:
        if not self.is_empty:
            self.undo_stack.push(_RegionCommand(self, None, None, "Clear selection"))

    def move_to(self, start: float, *, merge_key: int | None = None, text: str = "Move selection") -> str | None:
        """Move keeping the length, stopping at the ends of the song."""
        if self.is_empty:
            return "There is no selection to move."
        length = self.length
        start = min(max(0.0, start), max(0.0, self._duration - length))
        return self.set_range(start, start + length, merge_key=merge_key, text=text)

    # -- not undoable: a new song resets the selection ------------------------------------

    def reset(self, duration: float) -> None:
        self._duration = max(0.0, duration)
        self._start = self._end = None
        self.changed.emit()

    def set_duration(self, duration: float) -> None:
        """The same song got longer or shorter (an extension kept, or undone): selections may reach its new
        end, and one past it is cut back to it (or cleared when it lies wholly past it)."""
        self._duration = max(0.0, duration)
        if self._end is not None and self._end > self._duration:
            start = self._start
            self._apply((start, self._duration) if start is not None and start < self._duration else None)

    def _apply(self, bounds: tuple[float, float] | None) -> None:
        self._start, self._end = bounds if bounds is not None else (None, None)
        self.changed.emit()


class _RegionCommand(QUndoCommand):
    def __init__(self, region: Region, new: tuple[float, float] | None, merge_key: int | None, text: str) -> None:
        super().__init__(text)
        self._region = region
        self._old = region.bounds()
        self._new = new
        self._merge_key = merge_key

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _RegionCommand) or self._merge_key is None or other._merge_key != self._merge_key:
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        self._region._apply(self._new)

    def undo(self) -> None:
        self._region._apply(self._old)
