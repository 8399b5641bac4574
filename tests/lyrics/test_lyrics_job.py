"""The issue's "done when", in the window: paste lyrics, tap them in while the song plays, pick two
lines, type the new words, send the inpaint; the job carries the region and both lyrics fields."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest

from desktop_app.api.operations import Operation
from tests.support import WAIT_MS
from tests.support.gestures import mouse
from tests.support.sending import send_and_wait

BAR = 2.0  # the jobs song: 120 BPM, first downbeat at 0.5 s
LYRICS = "[Verse]\nfirst line\nsecond line\nthird line\nfourth line"


@pytest.mark.slow
def test_tapped_lyrics_pick_the_region_and_fill_the_job(jobs_window, qtbot) -> None:
    window = jobs_window
    qtbot.waitUntil(lambda: window.document.tempo.grid() is not None, timeout=WAIT_MS)
    panel, lane, player = window.lyrics.panel, window.lyrics.lane, window.player
    panel.text.setFocus()
    panel.text.setPlainText(LYRICS)  # pasted
    QTest.mouseClick(panel.tap_button, Qt.MouseButton.LeftButton)
    player.play()
    for threshold in (0.6, 1.6, 2.6, 3.6):
        qtbot.waitUntil(lambda t=threshold: player.position >= t, timeout=10000)
        QTest.keyClick(lane, Qt.Key.Key_Return)
    player.pause()
    model = window.lyrics.service.lyrics
    starts = [model.lines[i].start for i in model.sung_indices()]
    assert all(s is not None for s in starts) and starts == sorted(starts)
    timeline = window.editor.timeline
    for x, modifiers in (
        (starts[1] + 0.1, Qt.KeyboardModifier.NoModifier),
        (starts[2] + 0.1, Qt.KeyboardModifier.ShiftModifier),
    ):
        mouse(lane, QEvent.Type.MouseButtonPress, timeline.time_to_x(x), Qt.MouseButton.LeftButton, modifiers)
        mouse(lane, QEvent.Type.MouseButtonRelease, timeline.time_to_x(x), Qt.MouseButton.NoButton, modifiers)
    assert window.lyrics.service.selection == (2, 3)
    panel.new_words.setFocus()
    panel.new_words.selectAll()
    QTest.keyClicks(panel.new_words, "brand new second")
    window.jobs.panel.forms[Operation.INPAINT].set_values({"prompt": "same melody, warmer voice"})
    job = send_and_wait(window, qtbot)
    params = job.params
    span = (starts[1], starts[3])  # line 3 ends where line 4 begins
    assert params["replace_start_at"] <= span[0] and params["replace_end_at"] >= span[1]
    assert span[0] - params["replace_start_at"] < BAR and params["replace_end_at"] - span[1] < BAR
    assert params["lyrics_section_to_replace"] == "brand new second"
    assert params["lyrics"] == "[Verse]\nfirst line\nbrand new second\nfourth line"
    assert job.state.value == "done"
