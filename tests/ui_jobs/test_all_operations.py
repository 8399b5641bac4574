"""Every operation runs end to end from the GUI's forms on the local engine and its takes come back."""

from __future__ import annotations

import pytest

from desktop_app.api.operations import Operation
from desktop_app.jobs.states import JobState
from tests.support.sending import send_and_wait

FILL = {
    Operation.REMIX: {"prompt": "lo-fi with vinyl crackle"},
    Operation.SING_OVER: {"prompt": "soulful", "lyrics": "Hold the line, the night is young\nsing it out"},
    Operation.ADD_VOCALS: {"prompt": "calm vocals", "title": "Night", "style": "Pop", "negative_tags": "metal"},
}


@pytest.mark.slow
@pytest.mark.parametrize("operation", [Operation.REMIX, Operation.SING_OVER, Operation.COVER, Operation.ADD_VOCALS])
def test_operation_runs_from_the_form(jobs_window, qtbot, operation) -> None:
    panel = jobs_window.jobs.panel
    service = jobs_window.jobs.service
    panel.set_operation(operation)
    form = panel.forms[operation]
    for name, value in FILL.get(operation, {}).items():
        form.fields[name].set_value(value)
    if operation is Operation.COVER:
        picker = form.voice_picker
        qtbot.waitUntil(lambda: picker.list.count() > 0, timeout=15000)
        picker.list.setCurrentRow(0)
        form.fields["pitch"].set_value(-3)
    job = send_and_wait(jobs_window, qtbot)
    job_id = job.id
    assert job.state is JobState.DONE, job.error_message
    takes = service.store.takes(job_id)
    assert len(takes) == (1 if operation is Operation.COVER else 2)
    assert all(t.path.exists() for t in takes)
    # Whole-track operations come up as lanes too, with "use whole take" available.
    comparison = jobs_window.results.comparison
    qtbot.waitUntil(
        lambda: len(comparison.lanes) == 1 + len(takes) and all(lane.samples is not None for lane in comparison.lanes),
        timeout=30000,
    )
    assert comparison.region is None
    comparison.select_index(1)
    assert jobs_window.results.panel.whole_button.isEnabled()
    assert not jobs_window.results.panel.splice_button.isEnabled()
