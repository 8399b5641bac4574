"""The job runner wired to the in-memory services and a fake clock (jobs and reliability tests)."""

from __future__ import annotations

import threading
from pathlib import Path

from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.poll_scheduler import PollBudget
from desktop_app.jobs.runner import JobRunner, RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from tests.support.audio_files import tone, write
from tests.support.fake_services import FakeServices


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, cancel: threading.Event, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return cancel.is_set()


class World:
    def __init__(self, tmp_path: Path, **fake_options) -> None:
        self.tmp = tmp_path
        self.fake = FakeServices(**{"polls_until_done": 2, **fake_options})
        self.clock = Clock()
        self.settings = RunnerSettings(work_dir=tmp_path / "work", poll_timeout=600)
        self.song = write(tmp_path / "song.wav", tone(44100 * 4), 44100, "WAV", "PCM_16")
        self.events: list[JobEvent] = []
        self.store = JobStore(tmp_path / "jobs.sqlite3")
        self.runner = self.new_runner()

    def new_runner(self, store: JobStore | None = None) -> JobRunner:
        factory = ClientFactory(api_keys={"musicgpt": self.fake.key, "sunoapi": self.fake.key},
                                transport=self.fake.transport(), wait=lambda s: False)  # fmt: skip
        return JobRunner(store or self.store, factory, settings=self.settings, budget=PollBudget(clock=self.clock),
                         clock=self.clock, wait=self.clock.wait)  # fmt: skip

    def create(self, request, engine="musicgpt"):
        return self.runner.create(request, engine, out_dir=self.tmp / "out", duration=4.0)

    def run(self, job_id, **kw):
        return self.runner.run(job_id, kw.pop("cancel", None), kw.pop("on_event", self.events.append), **kw)

    def states(self) -> list[JobState]:
        return [e.state for e in self.events if e.kind is EventKind.STATE]
