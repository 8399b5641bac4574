"""The results panel in a real window: lanes, instant switching at the same sample, splice, export."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from desktop_app.audio import load
from desktop_app.services.comparison import ORIGINAL
from tests.support.takes import RATE, REGION


def test_lanes_show_original_and_both_takes_with_the_region(results_window) -> None:
    panel = results_window.results.panel
    names = [w.name.text() for w in panel.lane_widgets.values()]
    assert "Original" in names[0] and "Inpaint · take 1" in names[1] and "Inpaint · take 2" in names[2]
    assert results_window.document.region.bounds() == pytest.approx(REGION)
    take_one = list(panel.lane_widgets.values())[1]
    assert "offset +300 smp" in take_one.figures.text()
    assert "LUFS" in take_one.figures.text()
    assert take_one.strip is not None and take_one.strip.levels is not None


def test_switching_lanes_during_playback_keeps_the_sample_position(results_window, qtbot) -> None:
    player = results_window.player
    player.seek(7.0)
    player.play()
    qtbot.waitUntil(lambda: player.position > 7.05, timeout=5000)
    transport = player.transport
    before = transport.position
    qtbot.keyClick(results_window.editor.view, Qt.Key.Key_2)
    assert player.source_key == results_window.results.comparison.lanes[2].key
    # The switch happens at the next buffer: the position carries on from where it was, not from 0.
    assert transport.position >= before
    qtbot.keyClick(results_window.editor.view, Qt.Key.Key_0)
    assert player.source_key == ORIGINAL
    player.stop()


def test_loudness_match_sets_each_lane_gain(results_window) -> None:
    comparison = results_window.results.comparison
    gains = comparison.gains()
    assert gains[comparison.lanes[1].key] == pytest.approx(0.5, rel=0.15)  # take 1 came back 6 dB hot
    results_window.results.panel.match_box.setChecked(False)
    assert all(g == 1.0 for g in comparison.gains().values())


def test_use_take_splices_undoably_and_back_to_original(results_window, finished_job, qtbot) -> None:
    _store, _job, _song, original = finished_job
    results = results_window.results
    results.comparison.select_index(1)
    results.panel.splice_button.click()
    # Saving the working version and its waveform happen off the GUI thread; the undo step lands after.
    qtbot.waitUntil(lambda: results_window.document.working.edited, timeout=10000)
    spliced = results_window.document.clip.samples
    start, end = (int(t * RATE) for t in REGION)
    assert np.array_equal(spliced[:start], original[:start]) and np.array_equal(spliced[end:], original[end:])
    take = results.comparison.lanes[1].samples
    margin = int(0.03 * RATE)
    assert np.array_equal(spliced[start + margin : end - margin], take[start + margin : end - margin])
    working = results_window.document.working
    assert working.path is not None and working.path.exists()
    # The next job is sent with what the producer hears now, never by writing the source file.
    assert results_window.jobs.panel.request().audio_file == working.path
    assert np.array_equal(load(results_window.document.path).samples, original)
    results_window.document.undo_stack.undo()
    assert np.array_equal(results_window.document.clip.samples, original)
    assert working.path is None
    results_window.document.undo_stack.redo()
    results.panel.revert_button.click()
    assert np.array_equal(results_window.document.clip.samples, original)


def test_export_round_trips_and_refuses_to_overwrite(results_window, tmp_path, monkeypatch, qtbot) -> None:
    results = results_window.results
    results.comparison.select_index(1)
    results.panel.splice_button.click()
    qtbot.waitUntil(lambda: results_window.document.working.edited, timeout=10000)
    target = tmp_path / "out" / "mix.wav"
    target.parent.mkdir()
    with qtbot.waitSignal(results.keeping.exported, timeout=10000) as exported:
        results.export_to("working", target, "wav24")  # written on the export thread
    written = exported.args[0]
    clip = load(written)
    assert clip.frames == results_window.document.clip.frames
    expected = np.clip(results_window.document.clip.samples, -1.0, 1.0)  # integer formats clip at full scale
    np.testing.assert_allclose(clip.samples, expected, atol=2e-6)
    sidecar = json.loads(written.with_name(written.name + ".json").read_text())
    assert sidecar["operation"] == "inpaint" and sidecar["prompt"] == "new fill"
    warnings: list[str] = []
    monkeypatch.setattr(
        "desktop_app.ui.results.keeping.QMessageBox.warning", lambda _parent, _title, text: warnings.append(text)
    )
    before = written.read_bytes()
    assert results.export_to("original", target, "wav24").result(timeout=10) is None
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    assert written.read_bytes() == before


def test_the_original_and_both_takes_fit_the_default_window(results_window, qtbot) -> None:
    """At 1280×800 (the window's default size) the three lanes are all in view, the heard one largest."""
    from desktop_app.ui.results.results_panel import DEFAULT_LANE_HEIGHT

    results = results_window.results
    results_window.resize(1280, 800)
    assert results.show_job(results.job.id)  # what a finished job does: the dock makes room
    results.comparison.select_index(1)
    scroll = results.panel.lanes_scroll
    qtbot.waitUntil(lambda: scroll.verticalScrollBar().maximum() == 0, timeout=5000)
    lanes = [results.panel.lane_widgets[lane.key] for lane in results.comparison.shown_lanes()]
    assert len(lanes) == 3 and all(lane.isVisible() and lane.view.height() >= DEFAULT_LANE_HEIGHT for lane in lanes)
    qtbot.waitUntil(lambda: lanes[1].view.height() > max(lanes[0].view.height(), lanes[2].view.height()), timeout=5000)
    assert results_window.editor.height() >= results_window.editor.minimumHeight() >= 150


def _fully_in_view(scroll, widget) -> bool:
    top = widget.mapTo(scroll.viewport(), widget.rect().topLeft()).y()
    return top >= 0 and top + widget.height() <= scroll.viewport().height()


def test_a_small_window_still_shows_the_original_and_a_take(results_window, qtbot) -> None:
    results = results_window.results
    results_window.resize(1024, 640)
    assert results.show_job(results.job.id)
    results.comparison.select_index(1)
    panel = results.panel
    original, take = (panel.lane_widgets[lane.key] for lane in results.comparison.shown_lanes()[:2])
    qtbot.waitUntil(lambda: _fully_in_view(panel.lanes_scroll, take), timeout=5000)
    assert _fully_in_view(panel.lanes_scroll, original)
    assert results_window.editor.height() >= 150


def test_lane_heights_and_vertical_zoom(results_window, qtbot) -> None:
    results = results_window.results
    panel = results.panel
    lane = panel.lane_widgets[results.comparison.lanes[2].key]
    panel.height_slider.setValue(90)
    assert lane.view.minimumHeight() == 90
    timeline = results_window.editor.timeline
    panel.level_zoom.setValue(18)
    assert timeline.amplitude_zoom_db == 18.0  # the editor and every lane share it
    lane.view.repaint()
    results_window.editor.view.repaint()
    # A vertical zoom is the producer's own gesture: both views re-render at once, not in the background.
    assert lane.view._cache_key[-1][2] == 18.0 and results_window.editor.view._cache_key[-1][2] == 18.0


def test_alt_wheel_zooms_the_editor_and_every_lane_vertically(results_window) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    view = results_window.editor.view
    before = results_window.editor.timeline.start_frame, results_window.editor.timeline.frames_per_pixel
    event = QWheelEvent(
        QPointF(50, 20), view.mapToGlobal(QPointF(50, 20)), QPoint(), QPoint(0, 240),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.AltModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(view, event)
    assert results_window.editor.timeline.amplitude_zoom_db == 6.0  # two notches, 3 dB each
    assert results_window.results.panel.level_zoom.value() == 6  # the lanes' control follows
    # The horizontal view did not move.
    assert (results_window.editor.timeline.start_frame, results_window.editor.timeline.frames_per_pixel) == before
