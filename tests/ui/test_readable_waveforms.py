"""The waveform stays readable: a quiet song opens at a vertical zoom that shows it (not as a flat line), a loud
one at +0 dB, and a short editor gives its overview strip to the waveform."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.support.fixtures import WAIT_MS

RATE = 44100


def _sine(path: Path, peak_dbfs: float, seconds: float = 8.0) -> Path:
    t = np.arange(int(RATE * seconds)) / RATE
    x = (10 ** (peak_dbfs / 20) * np.sin(2 * np.pi * 220.0 * t)).astype(np.float32)
    sf.write(path, np.stack([x, 0.5 * x], axis=1), RATE, subtype="FLOAT")
    return path


@pytest.mark.parametrize(
    ("peak_dbfs", "zoom_db"),
    [(0.0, 0.0), (-3.0, 0.0), (-11.9, 0.0), (-12.1, 12.0), (-31.0, 30.0), (-60.0, 36.0), (None, 0.0)],
)
def test_the_zoom_a_song_opens_at_follows_its_peak(peak_dbfs, zoom_db) -> None:
    from desktop_app.ui.waveform import TimelineView

    timeline = TimelineView()
    timeline.set_amplitude_zoom_db(18.0)  # the last song's zoom is not kept
    timeline.fit_level(0.0 if peak_dbfs is None else 10 ** (peak_dbfs / 20))
    assert timeline.amplitude_zoom_db == zoom_db


def _drawn(view, pyramid, zoom_db: float) -> bool:
    """The view shows ``pyramid`` whole at ``zoom_db`` (its layer key: pyramid, ready frames, …, mapping)."""
    view.update()
    key = view._cache_key
    return key is not None and key[0] is pyramid and key[1] == pyramid.frames and key[-1][2] == zoom_db


def _wave_rows(view, x: int) -> int:
    """How many rows of column ``x`` the waveform covers (its mint green against the dark lanes)."""
    image = view.grab().toImage()
    return sum(image.pixelColor(x, y).green() > 120 for y in range(image.height()))


def test_a_quiet_song_opens_readable_and_a_loud_one_at_full_scale(window, qtbot, tmp_path, song_path) -> None:
    timeline, view = window.editor.timeline, window.editor.view
    quiet = _sine(tmp_path / "quiet.wav", -31.0)
    with qtbot.waitSignal(window.document.clip_changed, timeout=WAIT_MS):
        window.open_file(quiet)
    assert timeline.amplitude_zoom_db == 30.0
    qtbot.waitUntil(lambda: _drawn(view, window.document.peaks, 30.0), timeout=WAIT_MS)
    x = view.width() // 3
    # Left channel at −31 dBFS zoomed +30 dB: 0.89 of its half of the view; the right one, 6 dB lower, 0.45.
    covered = _wave_rows(view, x) / view.height()
    assert covered > 0.5, f"the quiet song covers {covered:.0%} of the view"

    timeline.set_amplitude_zoom_db(0.0)  # what it looked like before: a line
    qtbot.waitUntil(lambda: _drawn(view, window.document.peaks, 0.0), timeout=WAIT_MS)
    assert _wave_rows(view, x) / view.height() < 0.05

    with qtbot.waitSignal(window.document.clip_changed, timeout=WAIT_MS):
        window.open_file(song_path)
    assert timeline.amplitude_zoom_db == 0.0


def test_a_short_editor_gives_the_overview_strip_to_the_waveform(qtbot) -> None:
    """Takes compared in a small window leave the editor its minimum height: the waveform, not the overview,
    gets it (two channels shared 50 px while the overview kept 46)."""
    from desktop_app.ui.waveform.editor import EDITOR_MIN_HEIGHT, OVERVIEW_MIN_EDITOR_HEIGHT, WaveformEditor

    editor = WaveformEditor()
    qtbot.addWidget(editor)
    editor.resize(800, 400)
    editor.show()
    qtbot.waitExposed(editor)
    assert editor.overview.isVisible()
    roomy = editor.view.height()
    editor.resize(800, EDITOR_MIN_HEIGHT)
    qtbot.waitUntil(lambda: not editor.overview.isVisible(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: editor.view.height() >= EDITOR_MIN_HEIGHT - editor.ruler.height() - 20, timeout=WAIT_MS)
    editor.resize(800, OVERVIEW_MIN_EDITOR_HEIGHT + 10)
    qtbot.waitUntil(editor.overview.isVisible, timeout=WAIT_MS)
    assert editor.view.height() < roomy
