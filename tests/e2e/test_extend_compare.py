"""An extend job from the GUI on the local engine, compared and kept: its takes outlast the song, the lanes reach
their end, "use this take" keeps the original to the bit before ``extend_after`` and the take after the fade."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from desktop_app.api.operations import Operation
from desktop_app.audio import load
from desktop_app.jobs.states import JobState
from desktop_app.services.comparison import READY
from desktop_app.ui.results.lane_widget import lane_figures
from tests.support import WAIT_MS
from tests.support.sending import send_and_wait
from tests.support.songs import write_beat_song

pytestmark = pytest.mark.slow
SONG_S, AFTER_S = 16.0, 15.0  # near the end: every continuation (≥ 2 s) makes the take longer than the song


@pytest.fixture
def window(open_jobs_window, tmp_path: Path):
    return open_jobs_window(
        write_beat_song(tmp_path / "beat.wav", SONG_S, bpm=120.0, first_downbeat=0.5), size=(1280, 800)
    )


def _extend(window, qtbot):
    """Edit ▸ Extend from here with the playhead at AFTER_S and no selection, then send the job."""
    panel = window.jobs.panel
    assert window.document.region.is_empty
    window.player.seek(AFTER_S)
    window.actions.extend_here.trigger()
    assert panel.operation is Operation.EXTEND
    assert "from 0:15.000 (the playhead)" in panel.target_label.text()
    panel.forms[Operation.EXTEND].fields["prompt"].set_value("one more bar")
    job = send_and_wait(window, qtbot)
    assert job.state is JobState.DONE, job.error_message
    assert job.params["extend_after"] == AFTER_S
    comparison = window.results.comparison
    qtbot.waitUntil(
        lambda: len(comparison.lanes) == 3 and all(lane.status == READY for lane in comparison.lanes[1:]),
        timeout=60000,
    )
    return comparison


def test_extend_takes_are_compared_from_the_point_and_kept_to_the_bit(window, qtbot, tmp_path) -> None:
    comparison = _extend(window, qtbot)
    document, results = window.document, window.results
    original = document.clip.samples
    rate = document.sample_rate
    after = round(AFTER_S * rate)
    takes = comparison.lanes[1:]
    assert all(lane.is_extension and lane.extend_from == after for lane in takes)
    assert all(lane.samples.shape[0] > original.shape[0] for lane in takes)
    # The lanes and the editor share one time axis, reaching the end of the longest take.
    assert window.editor.timeline.frames == max(lane.samples.shape[0] for lane in takes)
    # Labels say what was measured where: the original before the point, the take over its continuation.
    assert "before 0:15.0, where the takes go on" in lane_figures(comparison, comparison.lanes[0])
    label = lane_figures(comparison, takes[0])
    assert "from 0:15.0 to " in label and "LUFS over the continuation" in label
    assert "nothing changed before 0:15.0" in label  # the local engine keeps the original to the bit

    comparison.select(takes[0].key)
    panel = results.panel
    panel.loop_box.setChecked(True)  # no selection: the loop is the seam with its pre/post roll (2 s / 2 s)
    assert window.player.transport.program.spans[-1] == (round((AFTER_S - 2) * rate), round((AFTER_S + 2) * rate))
    panel.loop_box.setChecked(False)
    panel.preview_button.click()  # heard before it is kept: the same splice, as long as the take
    assert window.player.source_key == "preview" and window.player.duration == takes[0].samples.shape[0] / rate
    assert panel.splice_button.isEnabled()
    with qtbot.waitSignal(document.working.replaced, timeout=WAIT_MS):
        qtbot.mouseClick(panel.splice_button, Qt.MouseButton.LeftButton)
    kept, take = document.clip.samples, takes[0].samples
    fade = round(panel.crossfade_s * rate)
    assert kept.shape == take.shape and kept.shape[0] > original.shape[0]
    assert np.array_equal(kept[:after], original[:after])  # the original, to the bit, before extend_after
    assert np.array_equal(kept[after + fade :], take[after + fade :])  # the take after the fade
    assert window.editor.timeline.frames == max(lane.samples.shape[0] for lane in takes)
    assert document.region.set_range(SONG_S, SONG_S + 1.0) is None  # the new part can be selected
    document.undo_stack.undo()  # that selection

    exported = results.export_to("working", tmp_path / "extended", "wav32f").result(timeout=30)
    written = load(exported)
    assert written.samples.shape == kept.shape
    assert np.array_equal(written.samples[:after], original[:after])

    document.undo_stack.undo()
    assert document.clip.samples is original and not document.working.edited
    assert document.region.duration == SONG_S
    document.undo_stack.redo()
    assert document.clip.samples is kept
    document.region.set_range(SONG_S - 0.5, SONG_S + 1.0)
    panel.revert_button.click()
    assert document.clip.samples is original
    assert document.region.bounds() == (SONG_S - 0.5, SONG_S)  # a selection is cut back to the song's end


def test_extend_from_here_needs_a_point(window, qtbot) -> None:
    panel = window.jobs.panel
    window.player.seek(0.0)
    window.actions.extend_here.trigger()  # the playhead at the very start: nothing to go on from
    assert not panel.submit_button.isEnabled()
    assert "Extend from here" in panel.problem_label.text()  # a sentence says how to give it one
    window.document.region.set_range(3.0, 5.0)  # a selection wins over the playhead: its end is the point
    assert "from 0:05.000" in panel.target_label.text() and "playhead" not in panel.target_label.text()
    assert panel.request().extend_after == 5.0


def test_a_take_that_ends_before_the_point_is_refused_in_a_sentence(window, qtbot) -> None:
    comparison = _extend(window, qtbot)
    lane = comparison.lanes[1]
    lane.samples = lane.samples[: lane.extend_from]  # as a service cutting its answer short would
    comparison.select(lane.key)
    window.results.panel.splice_button.click()
    assert "ends before the extension point" in window.statusBar().currentMessage()
    assert not window.document.working.edited
