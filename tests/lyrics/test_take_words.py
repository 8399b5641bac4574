"""“Use this take” on an inpaint with edited words: the song's lyrics follow the audio, undo included."""

from __future__ import annotations

SONG = "[00:01.00]one\n[00:04.00]two\n[00:06.50]three\n[00:08.50]four\n[00:11.00]five\n"
EDITED = "one\ntwo\nthree, but new\nfour, but new\nfive"


def _texts(window) -> list[str]:
    return [line.text for line in window.lyrics.service.lyrics.lines]


def test_used_take_brings_its_words_and_undo_takes_them_back(results_window, finished_job) -> None:
    store, job_id, _song, _original = finished_job
    job = store.get(job_id)
    store.update(job_id, params={**job.params, "lyrics": EDITED, "lyrics_section_to_replace": "x"})
    window = results_window
    assert window.lyrics.service.set_text(SONG) == []
    results = window.results
    results.comparison.select_index(1)
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


def test_a_take_of_a_job_without_lyrics_leaves_the_words_alone(results_window) -> None:
    window = results_window
    window.lyrics.service.set_text(SONG)
    window.results.comparison.select_index(1)
    window.results.panel.splice_button.click()
    assert _texts(window) == ["one", "two", "three", "four", "five"]
