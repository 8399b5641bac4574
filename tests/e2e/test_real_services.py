"""The services as they are in 2026, end to end on the local engine with their new faults: expired
links, expired and same-named uploads, lost submit answers, rate-limit streaks, late audio links."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np
import pytest

from desktop_app.api.models import AddVocalsRequest, InpaintRequest
from desktop_app.api.retry import RetryPolicy
from desktop_app.engine import LocalEngine
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.runner import JobRunner, RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from tests.support.audio_files import tone, write

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with LocalEngine(data_dir=tmp_path_factory.mktemp("engine"), faults="") as running:
        yield running


class World:
    def __init__(self, tmp_path: Path, engine: LocalEngine) -> None:
        self.tmp, self.engine = tmp_path, engine
        self.store = JobStore(tmp_path / "jobs.sqlite3")
        # No real waiting: retries and polls come back at once (the engine answers in its own time).
        factory = ClientFactory(local_engine=engine, policy=RetryPolicy(max_attempts=3), wait=lambda s: False)
        self.runner = JobRunner(self.store, factory, settings=RunnerSettings(work_dir=tmp_path / "work"),
                                wait=lambda cancel, s: cancel.wait(min(s, 0.05)))  # fmt: skip
        self.events: list[JobEvent] = []
        self.lock = threading.Lock()

    def record(self, event: JobEvent) -> None:
        with self.lock:
            self.events.append(event)

    def song(self, name: str, frequency: float, seconds: float = 8.0, folder: str = "") -> Path:
        (self.tmp / folder).mkdir(parents=True, exist_ok=True)
        return write(self.tmp / folder / name, tone(int(44100 * seconds), 2, freq=frequency), 44100, "WAV", "PCM_16")

    def run(self, request, out: str = "out"):
        job = self.runner.create(request, "local", out_dir=self.tmp / out)
        return self.runner.run(job.id, None, self.record)

    def engine_jobs(self) -> list[dict]:
        return [json.loads(p.read_text()) for p in (self.engine.data_dir / "jobs").glob("*.json")]

    def states(self, job_id: str) -> list[JobState]:
        return [e.state for e in self.events if e.job_id == job_id and e.kind is EventKind.STATE]


@pytest.fixture
def world(tmp_path: Path, engine: LocalEngine):
    engine.set_faults(None)
    w = World(tmp_path, engine)
    yield w
    engine.set_faults(None)
    w.store.close()


def inpaint(song: Path, prompt: str = "a soft guitar fill") -> InpaintRequest:
    return InpaintRequest(audio_file=song, prompt=prompt, replace_start_at=3.0, replace_end_at=4.0)


def add_vocals(song: Path) -> AddVocalsRequest:
    return AddVocalsRequest(audio_file=song, prompt="calm vocals", title="Night", style="Jazz", negative_tags="Metal")


def test_expired_wav_links_bring_back_the_mp3_takes(world) -> None:
    world.engine.set_faults("files:expired=wavx*")
    job = world.run(inpaint(world.song("song.wav", 220)))
    assert job.state is JobState.DONE, job.error_message
    takes = world.store.takes(job.id)
    assert len(takes) == 2 and {t.format for t in takes} == {"mp3"}
    assert "link_expired" in {e.kind for e in world.store.events(job.id)}


def test_when_every_link_expired_the_job_says_so_once(world) -> None:
    world.engine.set_faults("files:expiredx*")
    job = world.run(inpaint(world.song("song.wav", 220)))
    assert job.state is JobState.FAILED and job.error_kind == "expired"
    assert "no longer holds the files" in job.error_message and "key" not in job.error_message
    assert sum(e.kind is EventKind.ERROR for e in world.events) == 1


def test_one_take_asked_is_one_take_delivered(world) -> None:
    song = world.song("song.wav", 220)
    request = InpaintRequest(audio_file=song, prompt="x", replace_start_at=3.0, replace_end_at=4.0, num_outputs=1)
    job = world.run(request)
    assert job.state is JobState.DONE and len(job.conversion_ids) == 1 and len(world.store.takes(job.id)) == 1


def test_an_expired_upload_is_uploaded_again(world) -> None:
    world.engine.set_faults("upload:expired")
    job = world.run(add_vocals(world.song("instrumental.wav", 220)))
    assert job.state is JobState.DONE, job.error_message
    assert [e.kind for e in world.store.events(job.id)].count("reupload") == 1
    assert len(world.store.takes(job.id)) == 2


def test_same_named_sources_in_parallel_each_get_their_own_take(world) -> None:
    songs = [world.song("instrumental.wav", f, folder=name) for name, f in (("a", 220), ("b", 330))]
    jobs = [
        world.runner.create(add_vocals(song), "local", out_dir=world.tmp / f"out{n}") for n, song in enumerate(songs)
    ]
    threads = [threading.Thread(target=world.runner.run, args=(job.id, None, world.record)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done = [world.store.get(job.id) for job in jobs]
    assert all(job.state is JobState.DONE for job in done), [job.error_message for job in done]
    assert done[0].upload_url != done[1].upload_url
    inputs = {j["task_id"]: j for j in world.engine_jobs()}
    for job, song in zip(done, songs, strict=True):
        stored = world.engine.data_dir / "inputs" / job.task_id / inputs[job.task_id]["input_name"]
        assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(song.read_bytes()).digest()


def test_a_lost_submit_answer_is_found_through_the_history_and_paid_once(world) -> None:
    world.engine.set_faults("inpaint:lost")
    prompt = "a lost answer, found again"
    job = world.run(inpaint(world.song("song.wav", 220), prompt))
    assert job.state is JobState.DONE, job.error_message
    assert "adopted" in {e.kind for e in world.store.events(job.id)}
    assert [j["task_id"] for j in world.engine_jobs() if j["params"].get("prompt") == prompt] == [job.task_id]


def test_a_rate_limit_streak_stalls_the_job_then_it_finishes(world) -> None:
    world.engine.set_faults("byid:429x5")  # past the poll's three tries, then the limit lifts
    job = world.run(inpaint(world.song("song.wav", 220)))
    assert job.state is JobState.DONE, job.error_message
    states = world.states(job.id)
    assert JobState.STALLED in states and states.index(JobState.STALLED) < states.index(JobState.DONE)
    waits = [e for e in world.events if e.kind is EventKind.RETRY and e.message and "asking again in" in e.message]
    assert waits and all(e.delay and e.delay > 0 for e in waits)


def test_a_finished_record_without_audio_is_polled_again(world) -> None:
    world.engine.set_faults("add-vocals:late-audio=2")
    job = world.run(add_vocals(world.song("instrumental.wav", 220)))
    assert job.state is JobState.DONE and len(world.store.takes(job.id)) == 2


def test_a_callback_exception_with_audio_delivers_it(world) -> None:
    world.engine.set_faults("add-vocals:fail=CALLBACK_EXCEPTION")
    job = world.run(add_vocals(world.song("instrumental.wav", 220)))
    assert job.state is JobState.DONE and job.service_status == "CALLBACK_EXCEPTION"


def test_cancel_returns_at_once_from_a_blocked_read(world) -> None:
    world.engine.set_faults("byid:slow=60")
    job = world.runner.create(inpaint(world.song("song.wav", 220)), "local", out_dir=world.tmp / "out")
    finished = threading.Event()
    thread = threading.Thread(target=lambda: (world.runner.run(job.id, None, world.record), finished.set()))
    thread.start()
    try:
        # Wait until the job is polling (its request is then blocked in the engine's slow answer).
        assert _until(lambda: world.store.get(job.id).state in (JobState.SUBMITTED, JobState.RUNNING))
        assert world.runner.cancel(job.id)
        assert finished.wait(10), "a cancelled job must not wait for the slow answer"
    finally:
        world.engine.set_faults(None)
        thread.join(60)
    assert world.store.get(job.id).state is JobState.CANCELLED


def _until(condition, limit: float = 30.0) -> bool:
    event = threading.Event()
    for _ in range(int(limit / 0.05)):
        if condition():
            return True
        event.wait(0.05)
    return False


def test_extend_keeps_the_original_to_the_bit_before_the_point(world) -> None:
    from desktop_app.api.models import ExtendRequest
    from desktop_app.audio import load

    song = world.song("song.wav", 220, seconds=12.0)
    job = world.run(ExtendRequest(audio_file=song, prompt="a long outro", extend_after=5.0))
    assert job.state is JobState.DONE, job.error_message
    source = load(song).samples
    after = 5 * 44100
    for take in world.store.takes(job.id):
        samples = load(take.path).samples
        assert np.array_equal(samples[:after], source[:after])
        assert samples.shape[0] > after


def test_a_job_held_after_a_crash_is_found_in_the_history_or_else_held(world) -> None:
    import time

    song = world.song("song.wav", 220)
    found = world.runner.create(inpaint(song, "sent just before the crash"), "local", out_dir=world.tmp / "a")
    missing = world.runner.create(inpaint(song, "never arrived"), "local", out_dir=world.tmp / "b")
    sent_at = time.time()
    # The first submit reached the service, then the app died before the answer: the service has the job.
    with world.runner.client_factory("local") as clients:
        receipt = clients.musicgpt.submit(inpaint(song, "sent just before the crash"))
    for job in (found, missing):
        world.store.update(job.id, state=JobState.UPLOADING, submit_sent_at=sent_at)
    adopted = world.runner.run(found.id, None, world.record)
    assert adopted.state is JobState.DONE and adopted.task_id == receipt.task_id
    held = world.runner.run(missing.id, None, world.record)
    assert held.state is JobState.FAILED and held.error_kind == "interrupted_submit"
    assert "did not find it" in held.error_message
    # It shows up later (the service was slow to list it): "Try again" finds it instead of paying twice.
    with world.runner.client_factory("local") as clients:
        late = clients.musicgpt.submit(inpaint(song, "never arrived"))
    again = world.runner.run(missing.id, None, world.record)
    assert again.state is JobState.DONE and again.task_id == late.task_id
