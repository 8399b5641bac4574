"""Jobs finishing while takes are compared: the job the producer waits for comes up, earlier ones wait.

A batch of jobs on one song finishes in any order. Only the job sent last (or the first one when nothing
of the song is being compared yet) replaces the lanes; the others say so in the status bar, stay in the
history and come up when asked for.
"""

from __future__ import annotations

from desktop_app.jobs.records import TakeRecord
from desktop_app.jobs.states import JobState
from tests.support import WAIT_MS
from tests.support.takes import REGION


def _finished_copy(store, job_id: str, prompt: str, region=REGION) -> str:
    """Another finished inpaint on the same song, with the first job's take files."""
    first = store.get(job_id)
    job = store.create_job(
        "inpaint",
        "local",
        {"prompt": prompt, "replace_start_at": region[0], "replace_end_at": region[1]},
        out_dir=first.out_dir,
        input_path=first.input_path,
    )
    for take in store.takes(job_id):
        store.add_take(job.id, TakeRecord(idx=take.idx, path=take.path, format="wav", duration=take.duration))
    store.update(job.id, state=JobState.DONE, task_id=f"task-{prompt}")
    return job.id


def test_an_earlier_job_finishing_late_does_not_replace_the_takes(results_window, qtbot) -> None:
    results = results_window.results
    service = results_window.jobs.service
    store = results.store
    shown = results.job.id
    earlier = _finished_copy(store, shown, "earlier", region=(2.0, 4.0))
    latest = _finished_copy(store, shown, "latest", region=(11.0, 13.0))
    service.job_sent.emit(earlier)
    service.job_sent.emit(latest)

    results_window.jobs.job_done.emit(earlier)
    assert results.job.id == shown  # the lanes being auditioned stay
    assert results_window.document.region.bounds() == REGION  # and so does the selection
    assert "Takes ready" in results_window.statusBar().currentMessage()
    assert "earlier" in results_window.statusBar().currentMessage()

    with qtbot.waitSignal(results.comparison.lanes_changed, timeout=WAIT_MS):
        results_window.jobs.job_done.emit(latest)
    assert results.job.id == latest
    assert results_window.document.region.bounds() == (11.0, 13.0)
    qtbot.waitUntil(lambda: {lane.job_id for lane in results.comparison.lanes[1:]} == {latest}, timeout=WAIT_MS)

    # The earlier one is still there on demand.
    assert results.show_job(earlier)
    qtbot.waitUntil(lambda: {lane.job_id for lane in results.comparison.lanes[1:]} == {earlier}, timeout=WAIT_MS)


def test_takes_of_another_region_rebuild_the_lanes_once(results_window, qtbot) -> None:
    """A job over another region replaces the original's lane and the takes: one rebuild, not one per step."""
    results = results_window.results
    comparison = results.comparison
    other = _finished_copy(results.store, results.job.id, "elsewhere", region=(11.0, 13.0))
    announced: list[int] = []
    comparison.lanes_changed.connect(lambda: announced.append(len(comparison.lanes)))
    assert results.show_job(other)
    assert announced == [3]  # the new original and both takes, announced together
    assert [lane.job_id for lane in comparison.lanes[1:]] == [other, other]
    assert set(results.panel.lane_widgets) == {lane.key for lane in comparison.shown_lanes()}
