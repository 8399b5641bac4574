"""The engine goes away (its process is killed) and comes back on the same port and data folder.

The engine runs as its own process (``retake engine serve``), as a crash would take it: SIGKILL, and
its worker processes die with it. The app keeps its job and finishes it: within the client's retries
when the engine is back soon, or by the user's Retry after a longer outage — never sending it twice.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.api.models import InpaintRequest
from desktop_app.audio import load
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.states import JobState
from tests.reliability.support import FaultWorld, engine_records, engine_submits, leftover_parts
from tests.support.audio_files import tone, write
from tests.support.cli import ROOT, retake_env

KEY = "restart-test-key"


class EngineProcess:
    """``retake engine serve`` on a fixed data folder, key and (after the first start) port."""

    def __init__(self, tmp: Path) -> None:
        self.data = tmp / "engine-data"
        self.home = tmp / "engine-home"
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        argv = [sys.executable, "-m", "desktop_app", "engine", "serve", "--json", "--port", str(self.port),
                "--api-key", KEY, "--data", str(self.data)]  # fmt: skip
        self.proc = subprocess.Popen(argv, cwd=ROOT, env=retake_env(self.home), stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)  # fmt: skip
        line = self.proc.stdout.readline()  # printed once the engine accepts connections
        assert line, "the engine did not start"
        self.port = int(json.loads(line)["base_url"].rsplit(":", 1)[1])
        self.starts += 1

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.kill()  # its workers exit with it; nothing to keep

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status_of(self, task_id: str) -> str:
        return next(r["status"] for r in engine_records(self.data) if r["task_id"] == task_id)


@pytest.fixture
def engine_process(tmp_path: Path):
    process = EngineProcess(tmp_path)
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def restart_song(tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("restart") / "song.wav", tone(44100 * 10, 2), 44100, "WAV", "PCM_16")


class Outage:
    """Kill the engine when the job first reaches ``at`` (a state) and bring it back on retry number ``back_on``."""

    def __init__(self, engine: EngineProcess, at: JobState, back_on: int | None) -> None:
        self.engine, self.at, self.back_on = engine, at, back_on
        self.status_at_kill: dict[str, str] = {}  # the engine's own record of each job when it died
        self.retries: list[JobEvent] = []

    def __call__(self, event: JobEvent) -> None:
        if event.kind is EventKind.STATE and event.state is self.at and self.engine.proc is not None:
            self.engine.kill()
            self.status_at_kill = {r["task_id"]: r["status"] for r in engine_records(self.engine.data)}
        elif event.kind is EventKind.RETRY:
            self.retries.append(event)
            if len(self.retries) == self.back_on:
                self.engine.start()


def run_with_outage(world: FaultWorld, song: Path, prompt: str, outage: Outage):
    job = world.create(InpaintRequest(audio_file=song, prompt=prompt, replace_start_at=2.0, replace_end_at=4.0),
                       duration=10.0)  # fmt: skip
    return world.run(job.id, on_event=outage)


def check_done(world: FaultWorld, engine: EngineProcess, job, prompt: str) -> None:
    assert job.state is JobState.DONE, job.error_message
    assert engine_submits(engine.data, prompt) == 1
    takes = world.store.takes(job.id)
    assert len(takes) == 2 and all(load(t.path).duration == pytest.approx(10.0, abs=0.01) for t in takes)
    assert leftover_parts(world.tmp) == []


@pytest.mark.slow
def test_engine_killed_while_working_on_the_job_finishes_it_after_restart(engine_process, restart_song, tmp_path):
    world = FaultWorld(None, tmp_path / "app", engine_name=engine_process.url, api_key=KEY)
    try:
        outage = Outage(engine_process, JobState.SUBMITTED, back_on=2)
        job = run_with_outage(world, restart_song, "restart while working", outage)
        # The engine died with the job queued or in progress; the restarted engine did it again.
        assert outage.status_at_kill[job.task_id] in ("queued", "processing")
        check_done(world, engine_process, job, "restart while working")
        assert engine_process.starts == 2
        assert [e.error.kind for e in outage.retries] == ["network", "network"]
        assert "Could not reach" in outage.retries[0].message
        assert engine_process.status_of(job.task_id) == "completed"
    finally:
        world.close()


@pytest.mark.slow
def test_engine_gone_before_the_upload_is_sent_once_it_is_back(engine_process, restart_song, tmp_path):
    world = FaultWorld(None, tmp_path / "app", engine_name=engine_process.url, api_key=KEY)
    try:
        outage = Outage(engine_process, JobState.UPLOADING, back_on=3)
        job = run_with_outage(world, restart_song, "restart before upload", outage)
        check_done(world, engine_process, job, "restart before upload")
        assert len(outage.retries) == 3
    finally:
        world.close()


@pytest.mark.slow
def test_engine_gone_longer_than_the_retries_fails_then_retry_finishes(engine_process, restart_song, tmp_path):
    world = FaultWorld(None, tmp_path / "app", engine_name=engine_process.url, api_key=KEY)
    try:
        outage = Outage(engine_process, JobState.RUNNING, back_on=None)
        job = run_with_outage(world, restart_song, "restart after outage", outage)
        assert (job.state, job.error_kind) == (JobState.FAILED, "network")
        assert job.error_message.startswith("Could not reach") and job.has_ids
        assert len(outage.retries) == 4  # five attempts in all
        engine_process.start()
        again = world.run(job.id)  # the user's Retry: the job the engine has is polled, not sent again
        check_done(world, engine_process, again, "restart after outage")
        assert again.task_id == job.task_id
    finally:
        world.close()
