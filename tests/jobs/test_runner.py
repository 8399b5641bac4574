"""The runner end to end against the documented contracts (in-memory services, fake clock)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from desktop_app.api.errors import EngineMismatchError, InvalidRequestError, JobFailedError
from desktop_app.api.models import (
    AddVocalsRequest,
    CoverRequest,
    InpaintRequest,
    RemixRequest,
    SingOverRequest,
)
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.runner import RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from tests.support.audio_files import tone, write
from tests.support.fake_services import FILES, wav_bytes
from tests.support.jobs_world import World


class Killed(BaseException):
    """Stands in for SIGKILL inside one process: nothing after it runs, the store keeps what it had."""


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = World(tmp_path)
    yield w
    w.store.close()


def requests_for(song: Path):
    return [
        InpaintRequest(audio_file=song, prompt="guitar", replace_start_at=1.0, replace_end_at=2.5, lyrics="la",
                       lyrics_section_to_replace="la", gender="female"),
        RemixRequest(audio_file=song, prompt="lofi"),
        SingOverRequest(audio_file=song, prompt="soul", lyrics="la la"),
        CoverRequest(audio_file=song, voice_id="voice-3", pitch=2),
    ]  # fmt: skip


@pytest.mark.parametrize("index", range(4))
def test_each_musicgpt_operation_runs_to_takes_on_disk(world: World, index: int) -> None:
    request = requests_for(world.song)[index]
    job = world.run(world.create(request).id)
    assert job.state is JobState.DONE, job.error_message
    takes = world.store.takes(job.id)
    expected = 1 if request.operation.value == "cover" else 2
    assert [t.idx for t in takes] == list(range(1, expected + 1))
    assert all(t.path.exists() and t.path.suffix == ".wav" for t in takes)  # WAV preferred when offered
    assert world.states() == [JobState.UPLOADING, JobState.SUBMITTED, JobState.RUNNING, JobState.DOWNLOADING,
                              JobState.DONE]  # fmt: skip
    summary = json.loads((world.tmp / "out" / "job.json").read_text())
    assert summary["state"] == "done" and len(summary["takes"]) == expected
    assert summary["service"]["task_id"] == job.task_id
    assert world.fake.submit_count == 1
    assert [e for e in world.events if e.kind is EventKind.UPLOAD][-1].done == world.song.stat().st_size
    assert world.song.read_bytes() == write(world.tmp / "ref.wav", tone(44100 * 4), 44100, "WAV", "PCM_16").read_bytes()


def test_byte_progress_reaches_listeners_a_few_times_a_second_and_always_at_the_end(world: World) -> None:
    """A 5 MB upload is read in 64 KB chunks; the window is told at most ten times a second, and the end."""
    import time

    world.song = write(world.tmp / "long.wav", tone(44100 * 60), 44100, "WAV", "PCM_16")
    began = time.monotonic()
    job = world.run(world.create(RemixRequest(audio_file=world.song, prompt="lofi")).id)
    elapsed = time.monotonic() - began
    assert job.state is JobState.DONE, job.error_message
    uploads = [e for e in world.events if e.kind is EventKind.UPLOAD]
    chunks = world.song.stat().st_size // (64 * 1024)
    assert 1 <= len(uploads) <= 2 + elapsed / 0.1 < chunks, (len(uploads), chunks, elapsed)
    assert uploads[-1].done == uploads[-1].total == world.song.stat().st_size
    downloads = [e for e in world.events if e.kind is EventKind.DOWNLOAD]
    assert {e.take_index for e in downloads if e.done == e.total} == {1, 2}  # each take's end is reported


def test_two_output_takes_carry_titles_lyrics_and_timestamps(world: World) -> None:
    job = world.run(world.create(requests_for(world.song)[0]).id)
    take = world.store.takes(job.id)[1]
    assert (take.title, take.lyrics, take.conversion_id) == ("Take 2", "[Verse 1]\nla la", job.conversion_ids[1])
    assert take.lyrics_timestamped[1] == {"index": 1, "text": "la la", "start": 0.12, "end": 0.48}


def test_add_vocals_uploads_submits_polls_and_downloads(world: World) -> None:
    flac = write(world.tmp / "inst.flac", tone(44100 * 2), 44100, "FLAC")
    request = AddVocalsRequest(audio_file=flac, prompt="soothing", title="Night", style="Jazz", negative_tags="Metal",
                               vocal_gender="f", style_weight=0.5)  # fmt: skip
    job = world.run(world.create(request, engine="sunoapi").id)
    assert job.state is JobState.DONE, job.error_message
    assert len(world.fake.calls("/api/file-stream-upload")) == 1
    [uploaded] = world.fake.uploads.values()
    assert uploaded[:4] == b"RIFF"  # the FLAC was converted to WAV for upload
    assert job.upload_url in world.fake.uploads
    assert [t.path.suffix for t in world.store.takes(job.id)] == [".mp3", ".mp3"]
    assert not (world.tmp / "work" / job.id).exists()  # the converted copy is cleaned up


def test_first_poll_waits_near_the_eta_then_backs_off_until_the_status_moves(world: World) -> None:
    world.fake.polls_until_done = 4  # IN_QUEUE ×3, PROCESSING, COMPLETED
    world.run(world.create(requests_for(world.song)[1]).id)
    assert world.clock.waits[0] == pytest.approx(36.0, abs=1.0)  # eta 40 s in the submit answer
    assert world.clock.waits[1:] == [3.0, 4.5, 6.75, 3.0]
    eta = [e.eta_seconds for e in world.events if e.kind is EventKind.ETA]
    credits = [e.credit_estimate for e in world.events if e.kind is EventKind.CREDITS]
    assert eta == [40] and credits == [45]
    assert [e.take_index for e in world.events if e.kind is EventKind.TAKE] == [1, 2]


def test_killed_between_submit_and_download_is_polled_not_resubmitted(world: World) -> None:
    job = world.create(requests_for(world.song)[1])

    def die_after_submit(event: JobEvent) -> None:
        if event.state is JobState.SUBMITTED:
            raise Killed()

    with pytest.raises(Killed):
        world.run(job.id, on_event=die_after_submit)
    world.store.close()
    store = JobStore(world.tmp / "jobs.sqlite3")  # a new process opens the same database
    stranded = store.get(job.id)
    assert stranded.state is JobState.SUBMITTED and stranded.has_ids
    finished = world.new_runner(store).run(job.id)
    assert finished.state is JobState.DONE
    assert world.fake.submit_count == 1 and len(world.fake.calls("/Remix")) == 1
    world.store = store


def test_killed_mid_download_keeps_the_take_it_has(world: World) -> None:
    job = world.create(requests_for(world.song)[1])

    def die_after_first_take(event: JobEvent) -> None:
        if event.kind is EventKind.TAKE:
            raise Killed()

    with pytest.raises(Killed):
        world.run(job.id, on_event=die_after_first_take)
    files_before = [r for r in world.fake.requests if str(r.url).startswith(FILES)]
    assert len(files_before) == 1
    assert world.run(job.id).state is JobState.DONE
    files = [r for r in world.fake.requests if str(r.url).startswith(FILES)]
    assert len(files) == 2 and world.fake.submit_count == 1


def test_timeout_asks_to_keep_waiting_and_then_finishes(world: World) -> None:
    world.fake.polls_until_done = 10_000
    job = world.run(world.create(requests_for(world.song)[1]).id)
    assert job.state is JobState.STALLED
    assert "keep waiting" in [e for e in world.events if e.kind is EventKind.STATE][-1].message
    assert world.clock.now <= 600 + 20
    for fake_job in world.fake.jobs.values():
        fake_job.polls_left = 0
    assert world.run(job.id).state is JobState.DONE
    assert world.fake.submit_count == 1


def test_cancel_while_polling_then_resume_polls_the_same_job(world: World) -> None:
    job = world.create(requests_for(world.song)[1])
    cancel = threading.Event()

    def cancel_when_running(event: JobEvent) -> None:
        if event.state is JobState.RUNNING:
            cancel.set()

    cancelled = world.run(job.id, cancel=cancel, on_event=cancel_when_running)
    assert cancelled.state is JobState.CANCELLED and cancelled.has_ids
    assert world.run(job.id).state is JobState.DONE
    assert world.fake.submit_count == 1


def test_service_failure_is_reported_with_its_reason(world: World) -> None:
    world.fake.final_status = "FAILED"
    job = world.run(world.create(requests_for(world.song)[1]).id)
    assert job.state is JobState.FAILED and job.error_kind == "job_failed"
    assert "Audio could not be processed" in job.error_message
    [error] = [e.error for e in world.events if e.kind is EventKind.ERROR]
    assert isinstance(error, JobFailedError)


def test_bad_key_fails_without_retrying_and_can_be_sent_again(world: World) -> None:
    world.fake.fail_next("/Remix", 401, {"message": "Invalid API key"})
    job = world.run(world.create(requests_for(world.song)[1]).id)
    assert (job.state, job.error_kind, job.submit_sent_at) == (JobState.FAILED, "auth", None)
    assert len(world.fake.calls("/Remix")) == 1
    assert world.run(job.id).state is JobState.DONE  # the service answered "no", so sending again is safe


def test_a_submit_that_may_have_landed_is_held_until_the_user_says_resend(world: World) -> None:
    job = world.create(requests_for(world.song)[1])
    world.store.update(job.id, state=JobState.UPLOADING, submit_sent_at=123.0)  # killed while awaiting the answer
    held = world.run(job.id)
    assert (held.state, held.error_kind) == (JobState.FAILED, "interrupted_submit")
    assert world.fake.submit_count == 0
    assert world.run(job.id, resubmit=True).state is JobState.DONE
    assert world.fake.submit_count == 1


def test_killed_mid_upload_is_simply_sent_again(world: World) -> None:
    job = world.create(requests_for(world.song)[1])
    world.store.update(job.id, state=JobState.UPLOADING)  # no submit_sent_at: the body never fully left
    assert world.run(job.id).state is JobState.DONE


def test_a_malformed_answer_fails_the_job_cleanly(world: World) -> None:
    world.fake.fail_next("/byId", 200, {"success": True, "conversion": "??"})
    job = world.run(world.create(requests_for(world.song)[1]).id)
    assert (job.state, job.error_kind) == (JobState.FAILED, "malformed")
    assert world.run(job.id).state is JobState.DONE  # retry polls the same job
    assert world.fake.submit_count == 1


def test_a_changed_source_is_not_sent(world: World) -> None:
    job = world.create(requests_for(world.song)[1])
    write(world.song, tone(44100, freq=220), 44100, "WAV", "PCM_16")
    failed = world.run(job.id)
    assert failed.state is JobState.FAILED and "has changed" in failed.error_message
    assert world.fake.submit_count == 0


def test_create_checks_the_request_and_the_engine(world: World) -> None:
    with pytest.raises(InvalidRequestError):
        world.runner.create(InpaintRequest(audio_file=world.song, prompt="x", replace_start_at=3, replace_end_at=9),
                            "musicgpt", duration=4.0)  # fmt: skip
    with pytest.raises(EngineMismatchError):
        world.runner.create(requests_for(world.song)[1], "sunoapi")
    assert world.store.list_jobs() == []


def test_keys_never_reach_the_database_or_the_summary(world: World) -> None:
    job = world.run(world.create(requests_for(world.song)[0]).id)
    world.store.close()
    blobs = b"".join(p.read_bytes() for p in world.tmp.glob("jobs.sqlite3*"))
    assert world.fake.key.encode() not in blobs
    assert world.fake.key not in (job.out_dir / "job.json").read_text()
    world.store = JobStore(world.tmp / "jobs.sqlite3")


def test_resume_all_finishes_every_unfinished_job(world: World) -> None:
    a = world.create(requests_for(world.song)[1])
    b = world.create(requests_for(world.song)[3])
    world.store.update(b.id, out_dir=world.tmp / "out-b")
    results = world.runner.resume_all(on_event=world.events.append)
    assert sorted(j.id for j in results) == sorted([a.id, b.id])
    assert all(j.state is JobState.DONE for j in results)
    assert world.store.unfinished() == []


def test_an_oversized_take_fails_with_the_cap_message(world: World, tmp_path: Path) -> None:
    world.fake.audio = wav_bytes(seconds=5.0)
    world.runner.settings = RunnerSettings(work_dir=tmp_path / "work", max_download_bytes=10_000)
    job = world.run(world.create(requests_for(world.song)[3]).id)
    assert (job.state, job.error_kind) == (JobState.FAILED, "download_too_large")
    assert not any(p.suffix in (".wav", ".part") for p in (world.tmp / "out").iterdir())
