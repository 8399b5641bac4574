"""The selection model: validation with reasons, undo/redo, and merging of one drag into one step."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from desktop_app.services.region import MIN_LENGTH_S, Region


@pytest.fixture
def region(qapp) -> Region:
    r = Region(QUndoStack())
    r.reset(60.0)
    return r


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (-1.0, 5.0, "before the beginning"),
        (5.0, 61.0, "after the song ends"),
        (5.0, 5.0, "must come after its start"),
        (9.0, 5.0, "must come after its start"),
        (5.0, 5.0 + MIN_LENGTH_S / 2, "at least"),
    ],
)
def test_invalid_ranges_are_refused_with_a_reason(region: Region, start: float, end: float, reason: str) -> None:
    assert reason in (region.set_range(start, end) or "")
    assert region.is_empty
    assert region.undo_stack.count() == 0


def test_undo_redo(region: Region) -> None:
    region.set_range(1.0, 3.0)
    region.set_range(2.0, 4.0)
    region.undo_stack.undo()
    assert region.bounds() == (1.0, 3.0)
    region.undo_stack.undo()
    assert region.is_empty
    region.undo_stack.redo()
    region.undo_stack.redo()
    assert region.bounds() == (2.0, 4.0)


def test_one_drag_is_one_undo_step(region: Region) -> None:
    region.set_range(1.0, 2.0)
    for end in (2.5, 3.0, 3.5, 4.0):
        region.set_range(1.0, end, merge_key=42)
    assert region.undo_stack.count() == 2
    region.undo_stack.undo()
    assert region.bounds() == (1.0, 2.0)


def test_move_keeps_length_and_stops_at_the_end(region: Region) -> None:
    region.set_range(10.0, 14.0)
    region.move_to(58.0)
    assert region.bounds() == (56.0, 60.0)
    region.move_to(-3.0)
    assert region.bounds() == (0.0, 4.0)


def test_clear_is_undoable_and_a_new_song_resets(region: Region) -> None:
    region.set_range(1.0, 2.0)
    region.clear()
    assert region.is_empty
    region.undo_stack.undo()
    assert region.bounds() == (1.0, 2.0)
    region.reset(30.0)
    assert region.is_empty and region.duration == 30.0
