"""“Use this take” on an inpaint with edited words: the song's lyrics follow the audio, undo included."""

from __future__ import annotations

from tests.support import WAIT_MS

SONG = "[00:01.00]one\n[00:04.00]two\n[00:06.50]three\n[00:08.50]four\n[00:11.00]five\n"
EDITED = "one\ntwo\nthree, but new\nfour, but new\nfive"


def _texts(window) -> list[str]:
    return [line.text for line in window.lyrics.service.lyrics.lines]


def test_used_take_brings_its_words_and_undo_takes_them_back(results_window, finished_job, qtbot) -> None:
    store, job_id, _song, _original = finished_job
    job = store.get(job_id)
    store.update(job_id, params={**job.params, "lyrics": EDITED, "lyrics_section_to_replace": "x"})
    window = results_window
    assert window.lyrics.service.set_text(SONG) == []
    results = window.results
    results.comparison.select_index(1)
    with qtbot.waitSignal(window.document.working.replaced, timeout=WAIT_MS):
        results.panel.splice_button.click()
    assert "\n".join(_texts(window)) == EDITED
    starts = [line.start for line in window.lyrics.service.lyrics.lines]
    assert starts == [1.0, 4.0, 6.5, None, 11.0]  # the new block keeps its start; its second line awaits a tap
    window.document.undo_stack.undo()
    assert _texts(window) == ["one", "two", "three", "four", "five"]
    window.document.undo_stack.redo()
    assert "\n".join(_texts(window)) == EDITED
    results.panel.revert_button.click()
    assert _texts(window) == ["one", "two", "three", "four", "five"]


def test_a_take_of_a_job_without_lyrics_leaves_the_words_alone(results_window, qtbot) -> None:
    window = results_window
    window.lyrics.service.set_text(SONG)
    window.results.comparison.select_index(1)
    with qtbot.waitSignal(window.document.working.replaced, timeout=WAIT_MS):
        window.results.panel.splice_button.click()
    assert _texts(window) == ["one", "two", "three", "four", "five"]


def test_takes_with_timed_words_show_them_on_their_lane(results_window, finished_job, qtbot) -> None:
    from desktop_app.jobs.records import TakeRecord
    from desktop_app.jobs.states import JobState
    from desktop_app.ui.lyrics.take_words import TakeWordsStrip

    store, job_id, song, _original = finished_job
    first = store.get(job_id)
    job = store.create_job("inpaint", "local", first.params, out_dir=first.out_dir, input_path=song)
    sung = [{"index": 0, "text": "three, but new", "start": 6.5, "end": 8.4}]
    for take in store.takes(job_id):
        store.add_take(job.id, TakeRecord(idx=take.idx, path=take.path, format="wav", duration=16.0,
                                          lyrics_timestamped=sung if take.idx == 1 else None))  # fmt: skip
    store.update(job.id, state=JobState.DONE, task_id="t2")
    results = results_window.results
    with qtbot.waitSignal(results.comparison.lanes_changed, timeout=WAIT_MS):
        assert results.show_job(job.id)
    qtbot.waitUntil(lambda: f"{job.id}:1" in results.panel.lane_widgets, timeout=WAIT_MS)
    with_words = results.panel.lane_widgets[f"{job.id}:1"].findChild(TakeWordsStrip)
    assert with_words is not None and results.panel.lane_widgets[f"{job.id}:2"].findChild(TakeWordsStrip) is None
    ((text, rect),) = with_words.boxes()
    timeline = results_window.editor.timeline
    assert text == "three, but new"
    assert rect.left() == timeline.time_to_x(6.5) and rect.right() == timeline.time_to_x(8.4) - 1
