"""Zoom and scroll, exact entry, the tempo panel, playback on the silent clock, opening files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.support.audio_files import bad_files
from tests.support.gestures import drag, mouse, wheel
from tests.support.songs import BPM, DOWNBEAT


def test_ctrl_wheel_zoom_keeps_the_time_under_the_cursor(window) -> None:
    view, tl = window.editor.view, window.editor.timeline
    for x in (150.0, 700.0):
        before = tl.x_to_time(x)
        fpp = tl.frames_per_pixel
        wheel(view, x, 3, Qt.KeyboardModifier.ControlModifier)
        assert tl.frames_per_pixel < fpp
        assert tl.x_to_time(x) == pytest.approx(before, abs=tl.seconds_per_pixel)


def test_plus_minus_zoom_around_the_mouse_and_fit(window) -> None:
    view, tl = window.editor.view, window.editor.timeline
    mouse(view, QEvent.Type.MouseMove, 400.0, Qt.MouseButton.NoButton)
    before = tl.x_to_time(400.0)
    QTest.keyClick(view, Qt.Key.Key_Plus)
    QTest.keyClick(view, Qt.Key.Key_Plus)
    assert not tl.is_fitted
    assert tl.x_to_time(400.0) == pytest.approx(before, abs=tl.seconds_per_pixel)
    QTest.keyClick(view, Qt.Key.Key_Minus)
    QTest.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert tl.is_fitted and tl.visible_range()[0] == 0.0


def test_zoom_to_selection_and_down_to_samples(window) -> None:
    tl = window.editor.timeline
    window.document.region.set_range(10.0, 12.0)
    QTest.keyClick(window.editor.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    t0, t1 = tl.visible_range()
    assert t0 < 10.0 < 12.0 < t1 and (t1 - t0) < 2.5
    for _ in range(40):
        window.editor.zoom_in()
    assert tl.frames_per_pixel == pytest.approx(tl.min_frames_per_pixel)
    renders = window.editor.view.render_count
    window.editor.view.grab()  # paints the sample-level view (line and points)
    assert window.editor.view.render_count == renders + 1


def test_wheel_scrolls_and_the_scrollbar_follows(window) -> None:
    tl, view, bar = window.editor.timeline, window.editor.view, window.editor.scrollbar
    tl.zoom(8.0, 0.0)
    wheel(view, 300.0, -2)
    assert tl.visible_range()[0] > 0.0
    assert bar.value() > 0
    bar.setValue(0)
    assert tl.visible_range()[0] == pytest.approx(0.0)


def test_overview_box_drags_the_view(window) -> None:
    tl, overview = window.editor.timeline, window.editor.overview
    tl.zoom(6.0, 0.0)
    width = tl.visible_range()[1] - tl.visible_range()[0]
    x_box = overview.width() * (width / 2) / tl.duration
    drag(overview, x_box, x_box + overview.width() / 2)
    assert tl.visible_range()[0] == pytest.approx(tl.duration / 2, abs=0.5)


def test_numeric_entry_round_trips(window, qtbot) -> None:
    panel = window.region_panel
    region = window.document.region
    for name, text in (("start", "2.25"), ("end", "0:07.5")):
        field = panel.seconds[name]
        field.setFocus()
        field.selectAll()
        QTest.keyClicks(field, text)
        QTest.keyClick(field, Qt.Key.Key_Return)
    assert region.bounds() == (2.25, 7.5)
    assert panel.seconds["start"].text() == "0:02.250"
    assert panel.seconds["length"].text() == "0:05.250"
    bars_start = panel.bars["start"]
    bars_start.setFocus()
    bars_start.selectAll()
    QTest.keyClicks(bars_start, "3.1")
    QTest.keyClick(bars_start, Qt.Key.Key_Return)
    assert region.start == pytest.approx(DOWNBEAT + 8 * 60 / BPM, abs=1e-3)  # bar 3 = 8 beats after bar 1
    assert bars_start.text() == "3.1"
    length = panel.bars["length"]
    length.setFocus()
    length.selectAll()
    QTest.keyClicks(length, "2.0")
    QTest.keyClick(length, Qt.Key.Key_Return)
    assert region.length == pytest.approx(2 * 4 * 60 / BPM, abs=1e-3)
    assert length.text() == "2.0"


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("seconds_end", "1.0", "after its start"),
        ("seconds_start", "abc", "not a time"),
        ("bars_start", "0.1", "from 1"),
    ],
)
def test_invalid_entry_is_explained_and_changes_nothing(window, field: str, text: str, message: str) -> None:
    window.document.region.set_range(4.0, 8.0)
    panel = window.region_panel
    edit = panel.findChild(type(panel.seconds["start"]), field)
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert message in panel.message.text()
    assert edit.property("invalid") is True
    assert window.document.region.bounds() == (4.0, 8.0)


def test_tempo_is_estimated_typed_and_tapped(window) -> None:
    tempo = window.document.tempo
    assert tempo.bpm == pytest.approx(BPM, abs=0.05)
    assert tempo.origin == pytest.approx(DOWNBEAT, abs=0.005)
    panel = window.tempo_panel
    panel.bpm.setValue(98.5)
    assert tempo.bpm == 98.5 and tempo.source == "typed"
    for i in range(5):
        tempo.tap(100.0 + i * 0.6)
    assert tempo.bpm == pytest.approx(100.0) and tempo.source == "tapped"
    assert "100.00 BPM" in window.status.tempo.text()


def test_dragging_the_bar_row_moves_the_grid_origin(window) -> None:
    ruler, tl = window.editor.ruler, window.editor.timeline
    origin = window.document.tempo.origin
    x0 = tl.time_to_x(5.0)
    dx = tl.time_to_x(5.25) - x0
    for kind, x, buttons in (
        (QEvent.Type.MouseButtonPress, x0, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseMove, x0 + dx, Qt.MouseButton.LeftButton),
        (QEvent.Type.MouseButtonRelease, x0 + dx, Qt.MouseButton.NoButton),
    ):
        event_pos = QPointF(x, 5.0)  # the bars row is the top of the ruler
        from PySide6.QtGui import QMouseEvent

        button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
        QApplication.sendEvent(ruler, QMouseEvent(kind, event_pos, ruler.mapToGlobal(event_pos), button, buttons,
                                                  Qt.KeyboardModifier.NoModifier))  # fmt: skip
    assert window.document.tempo.origin == pytest.approx(origin + 0.25, abs=tl.seconds_per_pixel * 2)
    assert window.document.tempo.source == "dragged"


def test_space_plays_on_the_silent_clock_and_the_playhead_moves(window, qtbot) -> None:
    assert "Silent clock" in window.status.output.text()
    view = window.editor.view
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert window.player.is_playing
    qtbot.waitUntil(lambda: view.playhead > 0.3, timeout=3000)
    renders = view.render_count
    qtbot.waitUntil(lambda: view.playhead > 0.5, timeout=3000)
    assert view.render_count == renders  # the playhead is an overlay: no re-render while playing
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert not window.player.is_playing


def test_loop_keeps_the_playhead_inside_the_selection(window, qtbot) -> None:
    window.document.region.set_range(2.0, 2.4)
    view = window.editor.view
    QTest.keyClick(view, Qt.Key.Key_L)
    assert window.actions.loop.isChecked()
    positions: list[float] = []
    window.player.position_changed.connect(positions.append)
    QTest.keyClick(view, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(positions) > 45, timeout=5000)  # ~0.7 s: the 0.4 s loop wrapped
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert all(2.0 - 1e-9 <= t <= 2.4 + 1e-9 for t in positions)
    assert max(positions) - min(positions) > 0.3


def test_seams_key_plays_around_both_edges(window, qtbot) -> None:
    window.document.region.set_range(8.0, 16.0)
    positions: list[float] = []
    window.player.position_changed.connect(positions.append)
    QTest.keyClick(window.editor.view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: len(positions) > 5, timeout=3000)
    window.player.seek(9.95)  # skip ahead to the end of the first seam window
    window.player.play_seams(8.0, 16.0, context=0.1)
    qtbot.waitUntil(lambda: not window.player.is_playing, timeout=3000)
    later = positions[-10:]
    assert all(7.9 - 1e-6 <= t <= 8.1 + 1e-6 or 15.9 - 1e-6 <= t <= 16.1 + 1e-6 for t in later)


def test_bad_file_shows_the_reason_and_keeps_the_song(window, qtbot, tmp_path, song_path) -> None:
    bad = bad_files(tmp_path)["text renamed .wav"]
    clip = window.document.clip
    with qtbot.waitSignal(window.document.load_failed, timeout=10000):
        window.open_file(bad)
    box = window.findChild(QMessageBox, "loadErrorBox")
    assert box is not None and box.isVisible()
    assert "notes.wav" in box.text() and "text file" in box.text()
    assert song_path.name in box.informativeText()
    assert window.document.clip is clip
    assert window.document.path == Path(song_path)
    assert window.editor.view.pyramid is window.document.peaks
    box.close()


def test_drop_opens_the_file_and_it_joins_recent_files(window, qtbot, tmp_path) -> None:
    from tests.support.songs import write_beat_song

    other = write_beat_song(tmp_path / "other.wav", 6.0, bpm=100.0, first_downbeat=0.0)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(other))])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    with qtbot.waitSignal(window.document.clip_changed, timeout=10000):
        window.dropEvent(event)
    assert window.document.path == other
    assert window.windowTitle().startswith("other.wav")
    assert window.recent_menu.actions()[0].toolTip() == str(other)


def test_window_layout_is_remembered(qtbot, tmp_path) -> None:
    from desktop_app.services.settings import Settings
    from desktop_app.ui.main_window import MainWindow

    settings_file = str(tmp_path / "layout.ini")
    first = MainWindow(settings=Settings(settings_file))
    qtbot.addWidget(first)
    first.resize(711, 477)  # inside the offscreen screen (800×600): restoreGeometry clamps to it
    first.show()
    size = first.size()  # the window may be held a little wider by its minimum size
    first.close()
    second = MainWindow(settings=Settings(settings_file))
    qtbot.addWidget(second)
    assert second.size() == size
    assert (size.width(), size.height()) != (1280, 800)  # not the size a fresh window gets


def test_waveform_shows_clipping(qtbot) -> None:
    from desktop_app.audio import PeakPyramid
    from desktop_app.ui.waveform import TimelineView, WaveformView
    from desktop_app.ui.waveform.render import default_palette

    samples = np.zeros((44100, 1), np.float32)
    samples[20000:20100] = 1.0  # a clipped burst in the middle
    tl = TimelineView()
    view = WaveformView(tl)
    qtbot.addWidget(view)
    view.resize(400, 200)
    tl.set_width(400)
    view.set_pyramid(PeakPyramid.from_samples(samples))
    tl.set_content(44100, 44100)
    view.grab()  # the first paint asks for the layer; it is rendered in the background
    qtbot.waitUntil(lambda: view.render_count > 0 and not view.layer_pending, timeout=5000)
    image = view.grab().toImage()
    red = default_palette().clip.rgb()
    top_row = [image.pixel(x, 1) for x in range(image.width())]
    hits = [x for x, p in enumerate(top_row) if p == red]
    assert hits and all(170 <= x <= 195 for x in hits)


def test_arriving_samples_render_in_the_background_and_a_zoom_at_once(qtbot, monkeypatch) -> None:
    """New samples must not stall the window: the view keeps its last layer while the worker renders the
    next. A zoom is the producer's own gesture: it renders in the paint."""
    import threading

    import desktop_app.ui.waveform.layers as layers
    from desktop_app.audio import PeakPyramid
    from desktop_app.ui.waveform import TimelineView, WaveformView

    monkeypatch.setattr(WaveformView, "background_rendering", True)
    rendered_on: list[int] = []
    render = layers.render_layer
    monkeypatch.setattr(
        layers, "render_layer", lambda spec: (rendered_on.append(threading.get_ident()), render(spec))[1]
    )
    tl = TimelineView()
    view = WaveformView(tl)
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    tl.set_width(400)
    tl.set_content(44100, 44100)
    view.set_pyramid(PeakPyramid.from_samples(np.zeros((44100, 2), np.float32)))
    qtbot.waitUntil(lambda: view.render_count == 1 and not view.layer_pending, timeout=5000)
    first = view._cache.image

    view.set_pyramid(PeakPyramid.from_samples(np.full((44100, 2), 0.5, np.float32)))  # a take's samples arrive
    view.repaint()
    assert view.layer_pending and view._cache.image is first  # still the last layer, not a stalled paint
    qtbot.waitUntil(lambda: not view.layer_pending, timeout=5000)
    assert view.render_count == 2 and rendered_on and threading.get_ident() not in rendered_on

    tl.zoom(2.0, 200.0)
    view.repaint()
    assert not view.layer_pending and view.render_count == 3  # rendered in that very paint
