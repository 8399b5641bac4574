"""Swipe comping in the compare view with real mouse events: drag, undo, hear, seam marks, fix, Use comp."""

from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPoint, Qt

from desktop_app.audio.seams import POOR
from desktop_app.services.comp_session import CompSource
from desktop_app.ui.results.comping import COMP
from tests.support.takes import REGION

WAIT_MS = 20000


def _drag(qtbot, view, t0: float, t1: float, timeline, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    y = view.height() // 2
    x0, x1 = round(timeline.time_to_x(t0)), round(timeline.time_to_x(t1))
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, modifier, QPoint(x0, y))
    for step in range(1, 7):
        qtbot.mouseMove(view, QPoint(x0 + (x1 - x0) * step // 6, y))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, modifier, QPoint(x1, y))


def _setup(results_window):
    results = results_window.results
    comping = results.comping
    take_key = results.comparison.lanes[1].key
    return results, comping, take_key


def test_a_drag_on_a_take_lane_comps_it_and_undo_removes_it(results_window, qtbot) -> None:
    results, comping, take_key = _setup(results_window)
    assert comping.row.mode_button.isVisible() and "drag across a take's lane" in comping.row.mode_button.toolTip()
    timeline = results.panel.timeline
    comping.row.mode_button.setChecked(True)
    view = results.panel.lane_widgets[take_key].view
    _drag(qtbot, view, 6.5, 9.0, timeline, Qt.KeyboardModifier.AltModifier)  # Alt: free edges
    ranges = comping.session.ranges
    assert [r.source for r in ranges] == [take_key]
    rate = comping.session.rate
    assert abs(ranges[0].start / rate - 6.5) < 0.05 and abs(ranges[0].end / rate - 9.0) < 0.05
    assert comping.row.strip.session is comping.session and comping.row.use_button.isEnabled()
    # The comp is heard as a source of its own once the edit settles, the take in it at the level its own lane
    # plays at (the fixture's takes came back at +6 and -6 dB: matching re-levels them).
    qtbot.waitUntil(lambda: COMP in results_window.player.transport.sources, timeout=WAIT_MS)
    gain = results.comparison.gains()[take_key]
    assert abs(gain - 1.0) > 0.1 and results_window.player.transport.gains.get(COMP, 1.0) == 1.0
    inside = slice(round(7.5 * rate), round(8.0 * rate))
    heard = results_window.player.transport.sources[COMP]
    take = comping.session.sources()[[s.key for s in comping.session.sources()].index(take_key)].samples
    assert np.allclose(heard[inside], take[inside] * gain, atol=1e-6)
    assert np.array_equal(comping.session.render()[inside], take[inside])  # what Use comp keeps: as it came
    comping.hear()
    assert results_window.player.source_key == COMP
    # One drag is one undo step on the document's stack (Ctrl+Z); with no comp left, the lane is heard again.
    results_window.document.undo_stack.undo()
    assert comping.session.ranges == ()
    assert not comping.row.use_button.isEnabled()
    qtbot.waitUntil(lambda: COMP not in results_window.player.transport.sources, timeout=WAIT_MS)
    assert results_window.player.source_key == results.comparison.selected


def test_a_plain_click_still_picks_the_lane_and_makes_no_comp(results_window, qtbot) -> None:
    results, comping, take_key = _setup(results_window)
    view = results.panel.lane_widgets[take_key].view
    x = round(results.panel.timeline.time_to_x(7.0))
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(x, view.height() // 2))
    assert results.comparison.selected == take_key and comping.session.ranges == ()
    _drag(qtbot, view, 6.5, 9.0, results.panel.timeline)  # comp mode off, no Shift: no comp either
    assert comping.session.ranges == ()
    results_window.document.tempo.set_bpm(120.0)  # beats every 0.5 s from 0
    _drag(qtbot, view, 6.56, 8.94, results.panel.timeline, Qt.KeyboardModifier.ShiftModifier)
    (comped,) = comping.session.ranges
    rate = comping.session.rate
    assert comped.source == take_key  # and the edges snapped to the beats (then to a zero crossing)
    assert abs(comped.start / rate - 6.5) < 0.01 and abs(comped.end / rate - 9.0) < 0.01


def test_seam_marks_carry_their_reason_and_the_fix_moves_a_poor_seam(results_window, qtbot) -> None:
    results, comping, take_key = _setup(results_window)
    # Each region take's own edges are marked and ranked in its header (measured in the background).
    rank = comping._rank_labels[take_key]
    qtbot.waitUntil(rank.isVisible, timeout=WAIT_MS)
    take_marks = comping._lane_marks[take_key].marks
    assert len(take_marks) == 2 and all(" join at " in mark.toolTip() for mark in take_marks)
    assert "seams #" in rank.text() and "Worst:" in rank.toolTip()
    results.panel.blind_box.setChecked(True)  # a rank tells takes apart: hidden until every take is rated
    assert not rank.isVisible()
    assert set(comping.row.strip.names.values()) <= {"Take A", "Take B", "Original"}
    results.panel.blind_box.setChecked(False)
    assert rank.isVisible()
    comping.row.mode_button.setChecked(True)
    view = results.panel.lane_widgets[take_key].view
    _drag(qtbot, view, 7.0, 9.5, results.panel.timeline, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: len(comping.row_marks.marks) == 2, timeout=WAIT_MS)
    for mark in comping.row_marks.marks:
        verdict = mark.toolTip().split(" at ")[0]
        assert mark.isVisible() and verdict in ("Clean join", "Audible join", "Poor join")
    # The takes came back re-levelled (+6 dB): said in words, and no move would help, so no fix is offered.
    assert "level jumps +6.0 dB" in comping.row_marks.marks[0].toolTip()
    assert not any(m.fixable for m in comping.row_marks.marks)
    lane_marks = [m for m in comping._lane_marks[take_key].marks if m.fixable is False]
    assert len(comping._lane_marks[take_key].marks) == 4 and lane_marks  # region edges + comp boundaries
    # A take of an earlier job: 300 ms that fit nothing at 7.0 s, then the song. Moving the seam helps.
    session = comping.session
    rate = session.rate
    original = results.comparison.lanes[0].samples
    burst = original.copy()
    burst[7 * rate : 7 * rate + int(0.3 * rate)] = 0.5 * np.random.default_rng(3).standard_normal((int(0.3 * rate), 2))
    assert session.add_source(CompSource("earlier:1", "Earlier take", burst, job="earlier")) is None
    session.undo_stack.undo()
    session.assign("earlier:1", 7.0, 9.5, free=True)
    qtbot.waitUntil(lambda: any(m.fixable for m in comping.row_marks.marks), timeout=WAIT_MS)
    poor = [m for m in comping.row_marks.marks if m.report.verdict == POOR and m.fixable]
    assert poor and "Click to move the seam to" in poor[0].toolTip()
    before = poor[0].report
    qtbot.mouseClick(poor[0], Qt.MouseButton.LeftButton)
    rate = comping.session.rate
    edges = {r.start for r in comping.session.ranges} | {r.end for r in comping.session.ranges}
    assert round(before.proposed_at_s * rate) in edges and round(before.at_s * rate) not in edges
    results_window.document.undo_stack.undo()  # the fix is its own undo step
    edges = {r.start for r in comping.session.ranges} | {r.end for r in comping.session.ranges}
    assert round(before.at_s * rate) in edges


def test_use_comp_makes_the_working_version_the_comp(results_window, finished_job, qtbot, tmp_path) -> None:
    _store, _job, _song, original = finished_job
    results, comping, take_key = _setup(results_window)
    second = results.comparison.lanes[2].key
    comping.row.mode_button.setChecked(True)
    timeline = results.panel.timeline
    _drag(qtbot, results.panel.lane_widgets[take_key].view, 6.5, 8.0, timeline, Qt.KeyboardModifier.AltModifier)
    _drag(qtbot, results.panel.lane_widgets[second].view, 8.0, 9.5, timeline, Qt.KeyboardModifier.AltModifier)
    assert [r.source for r in comping.session.ranges] == [take_key, second]
    comp = comping.session.render()
    comping.row.use_button.click()
    qtbot.waitUntil(lambda: results_window.document.working.edited, timeout=WAIT_MS)
    working = results_window.document.clip.samples
    assert np.array_equal(working, comp)
    lo, hi = comping.session.ranges[0].start, comping.session.ranges[-1].end
    fade = round(comping.session.crossfade_s * comping.session.rate)
    assert np.array_equal(working[: lo - fade], original[: lo - fade])  # the original outside, to the bit
    assert np.array_equal(working[hi + fade :], original[hi + fade :])
    from desktop_app.services.working_version import splice_history

    listed = splice_history(results_window.document)
    assert [(s.start, s.end) for s in listed] == [(r.start / 44100, r.end / 44100) for r in comping.session.ranges]
    assert REGION[0] <= listed[0].start
    # The export's sidecar lists the comp's segments: take, job, engine, range.
    target = tmp_path / "out" / "comp.wav"
    target.parent.mkdir()
    with qtbot.waitSignal(results.keeping.exported, timeout=WAIT_MS) as exported:
        results.export_to("working", target, "wav24")
    written = exported.args[0]
    splices = json.loads(written.with_name(written.name + ".json").read_text())["splices"]
    names = [results.comparison.display_name(results.comparison.lane(k)) for k in (take_key, second)]
    assert [s["take"] for s in splices] == names and all(s["job_id"] == results.job.id for s in splices)
    assert splices[0]["end"] == splices[1]["start"] and splices[0]["engine"]


def test_dragging_the_original_clears_and_a_take_edge_fix_moves_that_edge(results_window, qtbot) -> None:
    results, comping, take_key = _setup(results_window)
    timeline = results.panel.timeline
    free_shift = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier
    _drag(qtbot, results.panel.lane_widgets[take_key].view, 6.0, 10.0, timeline, free_shift)
    original_view = results.panel.lane_widgets[results.comparison.lanes[0].key].view
    _drag(qtbot, original_view, 7.0, 8.0, timeline, free_shift)  # the original clears a hole
    rate = comping.session.rate
    assert [(r.source, round(r.start / rate, 1), round(r.end / rate, 1)) for r in comping.session.ranges] == [
        (take_key, 6.0, 7.0),
        (take_key, 8.0, 10.0),
    ]
    comping.session.clear()
    # A take's own start edge, as the seam meter would propose moving it: the take plays from there to its end.
    qtbot.waitUntil(lambda: comping.edges.report(take_key) is not None, timeout=WAIT_MS)
    report = comping.edges.report(take_key).seams[0]
    assert report.label == "start"
    from dataclasses import replace

    comping.fix_seam(replace(report, proposed_at_s=6.5, proposed_verdict="clean"), take_key)
    assert [(round(r.start / rate, 2), round(r.end / rate, 2)) for r in comping.session.ranges] == [(6.5, 10.0)]


def test_without_takes_there_is_no_comp_row_and_no_comp_button(window) -> None:
    comping = window.results.comping
    assert comping.session is None
    assert comping.row.isHidden() and comping.row.mode_button.isHidden()


def test_seam_marks_follow_their_lanes_size(results_window, qtbot) -> None:
    """The marks listen to the lane's ``resized`` signal (a Qt event filter would run Python for every event
    the lane gets, each a wait for the interpreter while jobs run): a mark past the lane's right edge hides."""
    results, comping, take_key = _setup(results_window)
    qtbot.waitUntil(lambda: len(comping._lane_marks[take_key].marks) == 2, timeout=WAIT_MS)
    view = results.panel.lane_widgets[take_key].view
    marks = comping._lane_marks[take_key].marks
    assert all(mark.isVisible() for mark in marks)
    view.resize(min(mark.x() for mark in marks) - 10, view.height())  # narrower than where the marks sit
    assert not any(mark.isVisible() for mark in marks)
