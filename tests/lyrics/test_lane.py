"""The lyrics lane and panel in the main window, driven by real mouse and key events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest

from desktop_app.api.operations import Operation
from tests.support.gestures import drag, mouse
from tests.support.songs import BPM, DOWNBEAT

BAR = 60.0 / BPM * 4
PLAIN = "[Verse]\nfirst line\nsecond line\nthird line\n[Chorus]\nfourth line"
TIMED = "[Verse]\n[00:01.30]first line\n[00:03.70]second line\n[00:07.15]third line\n[Chorus]\n[00:10.40]fourth line\n"


def _lane(window):
    return window.lyrics.lane


def _x(window, t: float) -> float:
    return window.editor.timeline.time_to_x(t)


def _click(widget, x: float, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    mouse(widget, QEvent.Type.MouseButtonPress, x, Qt.MouseButton.LeftButton, modifiers)
    mouse(widget, QEvent.Type.MouseButtonRelease, x, Qt.MouseButton.NoButton, modifiers)


def _starts(window) -> list[float | None]:
    model = window.lyrics.service.lyrics
    return [model.lines[i].start for i in model.sung_indices()]


def _paste(window, text: str) -> None:
    panel = window.lyrics.panel
    panel.text.setFocus()
    panel.text.selectAll()
    QTest.keyClicks(panel.text, text.replace("\n", "\r"))  # typed, as a producer would
    panel.text.setPlainText(text)  # keyClicks turns some characters into keys; the text is what matters
    QTest.mouseClick(panel.apply_button, Qt.MouseButton.LeftButton)


def test_the_lane_sits_under_the_ruler_once_there_are_lyrics(window, qtbot) -> None:
    lane = _lane(window)
    assert not lane.isVisible()  # no lyrics: no empty row taking the takes' room
    _paste(window, PLAIN)
    qtbot.waitUntil(lambda: lane.isVisible() and lane.width() == window.editor.view.width())
    assert lane.y() == window.editor.ruler.geometry().bottom() + 1
    assert lane.boxes() == []  # nothing timed yet


def test_tap_timing_with_the_enter_key_on_the_silent_clock(window, qtbot) -> None:
    _paste(window, PLAIN)
    assert _starts(window) == [None] * 4
    QTest.mouseClick(window.lyrics.panel.tap_button, Qt.MouseButton.LeftButton)
    lane = _lane(window)
    assert lane.hasFocus() and window.lyrics.service.tap_next == 1
    window.player.play()
    heard = []
    for threshold in (0.5, 1.1, 1.7, 2.3):
        qtbot.waitUntil(lambda t=threshold: window.player.position >= t, timeout=10000)
        heard.append(window.player.position)
        QTest.keyClick(lane, Qt.Key.Key_Return)
    window.player.pause()
    assert _starts(window) == [round(t, 2) for t in heard]
    assert not window.lyrics.panel.tap_button.isChecked()  # every line timed: tap mode ends
    assert len(lane.boxes()) == 4


def test_click_and_shift_click_pick_lines_and_select_their_span_on_bars(window) -> None:
    _paste(window, TIMED)
    lane = _lane(window)
    _click(lane, _x(window, 5.0))  # inside line 2 (3.70–7.15)
    assert window.lyrics.service.selection == (2, 2)
    _click(lane, _x(window, 8.0), Qt.KeyboardModifier.ShiftModifier)  # line 3
    assert window.lyrics.service.selection == (2, 3)
    start, end = window.document.region.bounds()
    assert start <= 3.70 and end >= 10.40 and 3.70 - start < BAR and end - 10.40 < BAR
    assert (start - DOWNBEAT) / BAR == pytest.approx(round((start - DOWNBEAT) / BAR), abs=0.01)
    assert "Lines 2–3, sung 00:03.70–00:10.40" in window.lyrics.panel.picked.text()
    fields = window.jobs.panel.forms[Operation.INPAINT].fields
    assert fields["lyrics"].value() is None  # picking alone leaves the form alone: no words were changed


def test_untimed_lines_cannot_be_picked(window) -> None:
    _paste(window, PLAIN)
    window.lyrics.service.select_lines(1, 1)
    assert window.document.region.is_empty
    assert "has no time yet" in window.lyrics.panel.status.text()


def test_new_words_fill_the_inpaint_form_and_show_the_diff(window) -> None:
    _paste(window, TIMED)
    _click(_lane(window), _x(window, 8.0))  # line 3
    words = window.lyrics.panel.new_words
    assert words.toPlainText() == "third line" and words.isEnabled()
    words.setFocus()
    words.selectAll()
    QTest.keyClicks(words, "a better third line")
    fields = window.jobs.panel.forms[Operation.INPAINT].fields
    assert window.jobs.panel.operation is Operation.INPAINT
    assert fields["lyrics_section_to_replace"].value() == "a better third line"
    assert fields["lyrics"].value() == "[Verse]\nfirst line\nsecond line\na better third line\n[Chorus]\nfourth line"
    diff = window.lyrics.panel.diff.toPlainText()
    assert "- third line" in diff and "+ a better third line" in diff
    request = window.jobs.panel.request()
    assert request.lyrics_section_to_replace == "a better third line"
    assert (request.replace_start_at, request.replace_end_at) == pytest.approx(
        window.document.region.bounds(), abs=1e-3
    )


def test_dragging_the_region_repicks_the_lines_and_the_words_follow(window) -> None:
    _paste(window, TIMED)
    _click(_lane(window), _x(window, 8.0))
    drag(window.editor.view, _x(window, 1.0), _x(window, 6.5), Qt.KeyboardModifier.AltModifier)
    assert window.lyrics.service.selection == (1, 2)
    assert window.lyrics.panel.new_words.toPlainText() == "first line\nsecond line"  # untouched: prefilled again
    words = window.lyrics.panel.new_words
    words.setFocus()
    words.selectAll()
    QTest.keyClicks(words, "typed words")
    drag(window.editor.view, _x(window, 6.0), _x(window, 12.0), Qt.KeyboardModifier.AltModifier)
    assert window.lyrics.service.selection == (3, 3)
    assert words.toPlainText() == "typed words"  # typed words are never thrown away: they follow the region
    assert window.lyrics.service.edit.diff == "- third line\n+ typed words"


def test_dragging_a_boundary_moves_the_line_start(window) -> None:
    _paste(window, TIMED)
    lane = _lane(window)
    drag(lane, _x(window, 7.15), _x(window, 8.0))
    starts = _starts(window)
    assert starts[2] == pytest.approx(8.0, abs=window.editor.timeline.seconds_per_pixel + 0.01)
    assert window.lyrics.service.lyrics.line_end(window.lyrics.service.lyrics.index_of(2)) == starts[2]
    drag(lane, _x(window, starts[2]), _x(window, 2.0))  # towards line 2's start: it stops just after it
    assert _starts(window)[2] == pytest.approx(3.71)
    assert window.lyrics.service.set_line_start(window.lyrics.service.lyrics.index_of(3), 2.0) is not None
    assert "out of order" in window.lyrics.panel.status.text() and _starts(window)[2] == pytest.approx(3.71)


def test_keyboard_nudge_moves_the_picked_line_and_the_region_follows(window) -> None:
    _paste(window, TIMED)
    lane = _lane(window)
    _click(lane, _x(window, 5.0))
    lane.setFocus()
    QTest.keyClick(lane, Qt.Key.Key_Right)
    QTest.keyClick(lane, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert _starts(window)[1] == pytest.approx(3.74)
    assert window.document.region.start <= 3.74


def test_the_lane_follows_zoom_and_scroll(window) -> None:
    _paste(window, TIMED)
    lane, timeline = _lane(window), window.editor.timeline
    timeline.zoom_to(6.0, 12.0)
    timeline.scroll_to(7.0)
    (_, _, rect), *_ = [box for box in lane.boxes() if box[0] == 3]
    assert rect.left() == pytest.approx(timeline.time_to_x(7.15))
    assert rect.right() == pytest.approx(timeline.time_to_x(10.40) - 1, abs=1.01)


def test_import_reports_bad_lines_and_export_round_trips(window, tmp_path) -> None:
    source = tmp_path / "in.lrc"
    source.write_text(TIMED + "[00:1x.00]broken\n", encoding="utf-8")
    window.lyrics.panel.import_file(source)
    assert "line 7" in window.lyrics.panel.status.text() and len(_starts(window)) == 4
    assert "[00:07.15]third line" in window.lyrics.panel.text.toPlainText()
    out = tmp_path / "out.lrc"
    window.lyrics.service.export(out)
    assert out.read_text(encoding="utf-8") == TIMED
    window.lyrics.service.export(tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == PLAIN + "\n"


def test_typed_lyrics_are_kept_without_pressing_apply(window) -> None:
    panel = window.lyrics.panel
    panel.text.setFocus()
    QTest.keyClicks(panel.text, "first typed line")
    QTest.keyClick(panel.text, Qt.Key.Key_Return)
    QTest.keyClicks(panel.text, "second typed line")
    QTest.mouseClick(panel.tap_button, Qt.MouseButton.LeftButton)  # straight to tapping: what was typed is used
    assert [line.text for line in window.lyrics.service.lyrics.lines] == ["first typed line", "second typed line"]
    assert window.lyrics.service.tap_next == 1
