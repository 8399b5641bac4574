"""Extend from the GUI's form on the local engine: the takes keep the original up to the selection's end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.api.keys import KeyStore
from desktop_app.api.models import Operation
from desktop_app.engine import LocalEngine
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.poll_scheduler import PollSchedule
from desktop_app.jobs.runner import RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from desktop_app.services.jobs_service import JobsService
from desktop_app.services.settings import Settings
from tests.support import WAIT_MS
from tests.support.sending import send_and_wait
from tests.support.songs import write_beat_song

pytestmark = pytest.mark.slow
FAST = RunnerSettings(schedule=PollSchedule(min_interval=0.1, max_interval=0.3, eta_fraction=0.05, first_poll_cap=0.5))


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from desktop_app.ui.main_window import MainWindow

    song = write_beat_song(tmp_path / "beat.wav", 16.0, bpm=120.0, first_downbeat=0.5)
    with LocalEngine(data_dir=tmp_path / "engine") as engine:
        service = JobsService(store=JobStore(tmp_path / "jobs.sqlite3"), factory=ClientFactory(local_engine=engine),
                              settings=FAST, key_store=KeyStore())  # fmt: skip
        win = MainWindow(settings=Settings(str(tmp_path / "retake.ini")), jobs_service=service)
        qtbot.addWidget(win)
        win.resize(1400, 900)
        win.show()
        qtbot.waitExposed(win)
        with qtbot.waitSignal(win.document.clip_changed, timeout=WAIT_MS):
            win.open_file(song)
        yield win
        win.close()
        service.shutdown()
        service.store.close()


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
