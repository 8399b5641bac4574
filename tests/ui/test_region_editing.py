"""Selecting with the mouse: create, resize, move, snapping on and bypassed, undo/redo by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest

from desktop_app.services.region import MIN_LENGTH_S
from tests.support.gestures import drag, mouse
from tests.support.songs import BPM, DOWNBEAT

BEAT = 60.0 / BPM


def _x(window, t: float) -> float:
    return window.editor.timeline.time_to_x(t)


def _on_grid(t: float) -> bool:
    """Within 5 ms of a beat: snapped to the beat, then moved to the nearest zero crossing."""
    beats = (t - DOWNBEAT) / BEAT
    return abs(beats - round(beats)) * BEAT <= 0.0051


def test_drag_creates_a_region_snapped_to_beats(window) -> None:
    view = window.editor.view
    drag(view, _x(window, 3.13), _x(window, 7.91))
    region = window.document.region
    assert not region.is_empty
    assert _on_grid(region.start) and _on_grid(region.end)
    assert region.start == pytest.approx(3.0, abs=0.006)
    assert region.end == pytest.approx(8.0, abs=0.006)


def test_alt_bypasses_snapping(window) -> None:
    view = window.editor.view
    tl = window.editor.timeline
    x0, x1 = _x(window, 3.13), _x(window, 7.91)
    drag(view, x0, x1, Qt.KeyboardModifier.AltModifier)
    region = window.document.region
    assert region.start == pytest.approx(tl.x_to_time(x0), abs=1e-9)
    assert region.end == pytest.approx(tl.x_to_time(x1), abs=1e-9)
    assert not _on_grid(region.start)


def test_snapping_can_be_switched_off_in_the_toolbar(window) -> None:
    window.actions.snap_grid.setChecked(False)
    window.actions.snap_zero.setChecked(False)
    tl = window.editor.timeline
    x0, x1 = _x(window, 3.13), _x(window, 7.91)
    drag(window.editor.view, x0, x1)
    assert window.document.region.start == pytest.approx(tl.x_to_time(x0), abs=1e-9)


def test_snap_guide_is_shown_while_dragging(window) -> None:
    view = window.editor.view
    held = Qt.MouseButton.LeftButton
    mouse(view, QEvent.Type.MouseButtonPress, _x(window, 3.1), held)
    mouse(view, QEvent.Type.MouseMove, _x(window, 6.05), held)
    assert view.snap_guide is not None
    assert view.snap_guide.kind.startswith(("beat", "bar"))
    mouse(view, QEvent.Type.MouseButtonRelease, _x(window, 6.05), Qt.MouseButton.NoButton)
    assert view.snap_guide is None


def test_resize_by_either_edge_and_move_the_body(window) -> None:
    region = window.document.region
    region.set_range(4.5, 8.5)
    view = window.editor.view
    # The end edge, grabbed 5 px inside the region (within the grab zone), dragged to ~10.5 s.
    drag(view, _x(window, 8.5) - 5, _x(window, 10.45))
    assert region.start == pytest.approx(4.5) and region.end == pytest.approx(10.5, abs=0.006)
    # The start edge, grabbed 5 px outside, dragged to ~2.5 s.
    drag(view, _x(window, 4.5) - 5, _x(window, 2.55))
    assert region.start == pytest.approx(2.5, abs=0.006) and region.end == pytest.approx(10.5, abs=0.006)
    length = region.length
    # The body: move by about 2 s; the start snaps to a beat and the length is kept.
    drag(view, _x(window, 6.0), _x(window, 8.02))
    assert region.start == pytest.approx(4.5, abs=0.006)
    assert region.length == pytest.approx(length)


def test_cursor_changes_over_edges_and_body(window) -> None:
    window.document.region.set_range(4.5, 8.5)
    view = window.editor.view
    buttons = Qt.MouseButton.NoButton
    mouse(view, QEvent.Type.MouseMove, _x(window, 8.5) + 6, buttons)
    assert view.cursor().shape() == Qt.CursorShape.SizeHorCursor
    mouse(view, QEvent.Type.MouseMove, _x(window, 6.5), buttons)
    assert view.cursor().shape() == Qt.CursorShape.OpenHandCursor
    mouse(view, QEvent.Type.MouseMove, _x(window, 12.0), buttons)
    assert view.cursor().shape() == Qt.CursorShape.IBeamCursor


def test_resize_stops_at_the_minimum_length(window) -> None:
    region = window.document.region
    region.set_range(4.5, 8.5)
    drag(window.editor.view, _x(window, 8.5), _x(window, 1.0), Qt.KeyboardModifier.AltModifier)
    assert region.start == pytest.approx(4.5)
    assert region.length == pytest.approx(MIN_LENGTH_S)


def test_a_click_seeks_instead_of_selecting(window) -> None:
    view = window.editor.view
    QTest.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.rect().center())
    assert window.document.region.is_empty
    expected = window.editor.timeline.x_to_time(view.rect().center().x())
    assert window.player.position == pytest.approx(expected, abs=0.01)


def test_a_whole_drag_is_one_undo_step_and_keys_undo_and_redo(window, qtbot) -> None:
    view = window.editor.view
    drag(view, _x(window, 3.1), _x(window, 7.9), steps=20)
    after_create = window.document.region.bounds()
    drag(view, _x(window, 5.0), _x(window, 9.0), steps=20)  # move
    after_move = window.document.region.bounds()
    assert window.document.undo_stack.count() == 2
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.region.bounds() == after_create
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.document.region.is_empty
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.document.region.bounds() == after_move


def test_escape_clears_and_arrows_nudge_by_a_beat(window) -> None:
    region = window.document.region
    region.set_range(4.5, 8.5)
    view = window.editor.view
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert region.bounds() == pytest.approx((4.5 + BEAT, 8.5 + BEAT))
    QTest.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert region.start == pytest.approx(4.5 + BEAT - 0.01)
    QTest.keyClick(view, Qt.Key.Key_Escape)
    assert region.is_empty
