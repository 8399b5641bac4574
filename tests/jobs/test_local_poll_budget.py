"""MusicGPT's 200-a-minute byId budget throttles polls of the real service, never of the local engine."""

from __future__ import annotations

from desktop_app.api.models import RemixRequest
from desktop_app.engine import LocalEngine
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.poll_scheduler import PollBudget, PollSchedule
from desktop_app.jobs.runner import JobRunner, RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from tests.support.audio_files import tone, write


class CountingBudget(PollBudget):
    def __init__(self) -> None:
        super().__init__(max_calls=1000, window=60.0)
        self.calls = 0

    def reserve(self) -> float:
        self.calls += 1
        return super().reserve()


def test_local_jobs_do_not_spend_the_musicgpt_budget(tmp_path) -> None:
    song = write(tmp_path / "song.wav", tone(44100 * 3), 44100, "WAV", "PCM_16")
    budget = CountingBudget()
    fast = PollSchedule(min_interval=0.05, max_interval=0.2, eta_fraction=0.05, first_poll_cap=0.2)
    with LocalEngine(data_dir=tmp_path / "engine") as engine, JobStore(tmp_path / "jobs.sqlite3") as store:
        runner = JobRunner(
            store, ClientFactory(local_engine=engine), settings=RunnerSettings(local_schedule=fast), budget=budget
        )
        job = runner.create(RemixRequest(audio_file=song, prompt="lo-fi"), "local", duration=3.0)
        done = runner.run(job.id)
    assert done.state is JobState.DONE
    assert budget.calls == 0
