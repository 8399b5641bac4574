"""Extend from the GUI's form on the local engine: the takes keep the original up to the selection's end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.api.operations import Operation
from desktop_app.jobs.states import JobState
from tests.support.sending import send_and_wait
from tests.support.songs import write_beat_song

pytestmark = pytest.mark.slow


@pytest.fixture
def window(open_jobs_window, tmp_path: Path):
    return open_jobs_window(
        write_beat_song(tmp_path / "beat.wav", 16.0, bpm=120.0, first_downbeat=0.5), size=(1400, 900)
    )


def test_extend_from_the_selection_end(window, qtbot) -> None:
    from desktop_app.audio import load

    panel = window.jobs.panel
    panel.set_operation(Operation.EXTEND)
    assert not panel.submit_button.isEnabled()  # no selection yet: where would it go on from?
    window.document.region.set_range(4.0, 6.0)
    panel.forms[Operation.EXTEND].fields["prompt"].set_value("a big last chorus")
    assert "from 0:06" in panel.target_label.text()
    job = send_and_wait(window, qtbot)
    assert job.state is JobState.DONE, job.error_message
    assert job.params["extend_after"] == 6.0 and job.params["num_outputs"] == 2
    source = load(job.input_path).samples
    after = round(6.0 * load(job.input_path).sample_rate)
    takes = window.jobs.service.store.takes(job.id)
    assert len(takes) == 2
    for take in takes:
        samples = load(take.path).samples
        assert np.array_equal(samples[:after], source[:after]) and samples.shape[0] > after
