"""The queue follows a real job on the local engine to its takes; cancel and retry work from the panel."""

from __future__ import annotations

from desktop_app.api.operations import Operation
from desktop_app.jobs.states import JobState
from desktop_app.services.jobs_model import COLUMNS
from tests.support import WAIT_MS
from tests.support.sending import send_from_panel


def _send_inpaint(win, qtbot) -> str:
    panel = win.jobs.panel
    panel.set_operation(Operation.INPAINT)
    win.document.region.set_range(8.5, 12.5)
    panel.forms[Operation.INPAINT].fields["prompt"].set_value("same groove, new fill")
    return send_from_panel(win, qtbot)


def test_inpaint_runs_to_takes_and_the_queue_shows_it(jobs_window, qtbot) -> None:
    service = jobs_window.jobs.service
    job_id = _send_inpaint(jobs_window, qtbot)
    model = jobs_window.jobs.queue.model
    row = model.row_of(job_id)
    assert row == 0
    with qtbot.waitSignal(service.takes_ready, timeout=60000, check_params_cb=lambda jid: jid == job_id):
        pass
    job = service.get(job_id)
    assert job.state is JobState.DONE
    takes = service.store.takes(job_id)
    assert len(takes) == 2 and all(t.path.exists() for t in takes)
    state_text = model.index(model.row_of(job_id), COLUMNS.index("State")).data()
    assert state_text == "Done"
    assert model.index(model.row_of(job_id), COLUMNS.index("Progress")).data() == "100%"
    queue = jobs_window.jobs.queue
    queue.select_job(job_id)
    assert queue.takes_button.isEnabled() and not queue.cancel_button.isEnabled()
    # The finished job's takes come up in the results panel next to the original, aligned.
    comparison = jobs_window.results.comparison
    qtbot.waitUntil(
        lambda: len(comparison.lanes) == 3 and all(lane.figures for lane in comparison.lanes[1:]), timeout=30000
    )
    assert [lane.label for lane in comparison.lanes] == ["Original", "Inpaint · take 1", "Inpaint · take 2"]
    for lane in comparison.lanes[1:]:
        assert lane.alignment.offset == 0  # the local engine keeps the timeline
        assert lane.figures.changed_outside_s == 0.0  # and leaves everything outside the region alone


def test_cancel_then_retry_from_the_queue(jobs_window, qtbot) -> None:
    service = jobs_window.jobs.service
    engine = service.factory.local_engine()
    engine.set_faults("inpaint:stuck")  # the job never finishes until we cancel it
    try:
        job_id = _send_inpaint(jobs_window, qtbot)
        queue = jobs_window.jobs.queue
        queue.select_job(job_id)
        qtbot.waitUntil(lambda: service.get(job_id).has_ids, timeout=WAIT_MS)
        assert queue.cancel_button.isEnabled()
        with qtbot.waitSignal(service.job_finished, timeout=WAIT_MS):
            queue.cancel_button.click()
        assert service.get(job_id).state is JobState.CANCELLED
        queue.select_job(job_id)
        assert queue.retry_button.isEnabled()
        # Sent again: it is now the job the producer waits for (its takes will come up when it ends).
        with qtbot.waitSignal(service.job_sent, timeout=5000, check_params_cb=lambda jid: jid == job_id):
            queue.retry_button.click()
        assert service.is_active(job_id)
        assert jobs_window.results.latest_sent == job_id
    finally:
        engine.set_faults(None)
