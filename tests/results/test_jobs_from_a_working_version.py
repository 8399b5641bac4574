"""Takes of a job sent from a working version (splice, send, compare again) open beside that version,
without reading the song on the GUI thread: from memory when the editor or its undo history holds it,
in the background when it must come from disk."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import desktop_app.ui.results.job_takes as job_takes
from desktop_app.audio import load
from desktop_app.jobs.records import TakeRecord
from desktop_app.jobs.states import JobState
from tests.support import WAIT_MS
from tests.support.takes import REGION


def _splice(window, qtbot, index: int) -> np.ndarray:
    before = window.document.working.path
    window.results.comparison.select_index(index)
    window.results.panel.splice_button.click()
    qtbot.waitUntil(lambda: window.document.working.path not in (None, before), timeout=WAIT_MS)
    return window.document.clip.samples


def _job_from(store, source_job: str, input_path, tmp_path, name: str) -> str:
    """A finished inpaint sent from ``input_path``, with the first job's take files as its takes."""
    job = store.create_job(
        "inpaint", "local", {"prompt": name, "replace_start_at": REGION[0], "replace_end_at": REGION[1]},
        out_dir=tmp_path / name, input_path=input_path,
    )  # fmt: skip
    for take in store.takes(source_job):
        store.add_take(job.id, TakeRecord(idx=take.idx, path=take.path, format="wav", duration=16.0))
    store.update(job.id, state=JobState.DONE, task_id=f"t-{name}")
    return job.id


@pytest.fixture
def reads(monkeypatch) -> list[tuple[str, int]]:
    """Every song the lanes read from disk: (file name, thread)."""
    seen: list[tuple[str, int]] = []

    def recording_load(path, *args, **kwargs):
        seen.append((path.name, threading.get_ident()))
        return load(path, *args, **kwargs)

    monkeypatch.setattr(job_takes, "load", recording_load)
    return seen


def _shown(window, job_id: str) -> bool:
    comparison = window.results.comparison
    return (
        window.results.takes.job is not None
        and window.results.takes.job.id == job_id
        and len(comparison.lanes) == 3
        and all(lane.figures is not None for lane in comparison.lanes[1:])
    )


def test_a_job_sent_after_a_splice_opens_beside_that_version_from_memory(
    results_window, finished_job, tmp_path, qtbot, reads
) -> None:
    store, first_job, _song, _original = finished_job
    first_version = _splice(results_window, qtbot, 1)
    sent_from_first = _job_from(store, first_job, results_window.document.working.path, tmp_path, "second")
    assert results_window.results.show_job(sent_from_first)
    qtbot.waitUntil(lambda: _shown(results_window, sent_from_first), timeout=WAIT_MS)
    assert results_window.results.comparison.lanes[0].samples is first_version  # shared, not read again

    _splice(results_window, qtbot, 2)  # another splice before the next look: the first version is in the undo history
    assert results_window.document.clip.samples is not first_version
    assert results_window.results.show_job(first_job) and results_window.results.show_job(sent_from_first)
    qtbot.waitUntil(lambda: _shown(results_window, sent_from_first), timeout=WAIT_MS)
    assert results_window.results.comparison.lanes[0].samples is first_version
    assert reads == []


def test_a_version_no_longer_in_memory_is_read_in_the_background(
    results_window, finished_job, tmp_path, qtbot, reads
) -> None:
    store, first_job, _song, _original = finished_job
    first_version = _splice(results_window, qtbot, 1).copy()
    first_path = results_window.document.working.path
    sent_from_first = _job_from(store, first_job, first_path, tmp_path, "second")
    _splice(results_window, qtbot, 2)
    results_window.document.undo_stack.clear()  # the first version is now only on disk

    assert results_window.results.show_job(sent_from_first)
    assert "Reading the version of the song" in results_window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: _shown(results_window, sent_from_first), timeout=WAIT_MS)
    assert reads and reads[0][0] == first_path.name and reads[0][1] != threading.get_ident()
    assert np.array_equal(results_window.results.comparison.lanes[0].samples, first_version)
    assert results_window.statusBar().currentMessage() == ""


def test_a_version_gone_from_disk_ends_in_a_sentence(results_window, finished_job, tmp_path, qtbot) -> None:
    store, first_job, _song, _original = finished_job
    _splice(results_window, qtbot, 1)
    first_path = results_window.document.working.path
    sent_from_first = _job_from(store, first_job, first_path, tmp_path, "second")
    _splice(results_window, qtbot, 2)
    results_window.document.undo_stack.clear()
    first_path.unlink()
    shown_before = results_window.results.takes.job

    assert results_window.results.show_job(sent_from_first)
    status = results_window.statusBar()
    assert "is no longer on disk, so its takes cannot be compared with it" in status.currentMessage()
    assert results_window.results.takes.job is shown_before  # the lanes being compared stay
