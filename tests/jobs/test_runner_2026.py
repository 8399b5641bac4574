"""The runner against the services as they are in 2026 (in-memory services, fake clock): old WAV links are
skipped, uploads belong to one job and expire, a "no" on submit is a refusal, a held job is found again."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from desktop_app.api.models import AddVocalsRequest, InpaintRequest
from desktop_app.jobs.states import JobState
from tests.support.fake_services import FILES, UPLOAD, parse_multipart
from tests.support.jobs_world import World

DAY = 86400.0


@pytest.fixture
def world(tmp_path: Path):
    w = World(tmp_path)
    yield w
    w.store.close()


def inpaint(world: World) -> InpaintRequest:
    return InpaintRequest(audio_file=world.song, prompt="solo", replace_start_at=1.0, replace_end_at=2.0)


def add_vocals(world: World) -> AddVocalsRequest:
    return AddVocalsRequest(audio_file=world.song, prompt="p", title="t", style="s", negative_tags="n")


def test_a_wav_link_older_than_its_retention_is_not_tried(world) -> None:
    job = world.create(inpaint(world))
    with world.runner.client_factory("musicgpt") as clients:
        receipt = clients.musicgpt.submit(inpaint(world))
    world.store.update(job.id, state=JobState.RUNNING, task_id=receipt.task_id, conversion_ids=receipt.conversion_ids,
                       submitted_at=time.time() - 8 * DAY, submit_sent_at=time.time() - 8 * DAY)  # fmt: skip
    done = world.run(job.id)
    assert done.state is JobState.DONE, done.error_message
    fetched = [str(r.url) for r in world.fake.requests if str(r.url).startswith(FILES)]
    assert fetched and all(url.endswith(".mp3") for url in fetched)
    assert {t.format for t in world.store.takes(job.id)} == {"mp3"}


def test_a_wav_link_that_answers_403_falls_back_to_mp3(world) -> None:
    world.fake.fail_next(".wav", 403, body=b"<Error><Code>AccessDenied</Code></Error>", times=2)
    job = world.run(world.create(inpaint(world)).id)
    assert job.state is JobState.DONE, job.error_message
    assert sorted(t.path.suffix for t in world.store.takes(job.id)) == [".mp3", ".mp3"]


def test_each_upload_is_named_after_its_job(world) -> None:
    jobs = [world.run(world.create(add_vocals(world), "sunoapi").id) for _ in range(2)]
    names = [parse_multipart(r)[1]["file"][0] for r in world.fake.calls("/api/file-stream-upload")]
    assert [name.startswith(job.id) and name.endswith("song.wav") for name, job in zip(names, jobs, strict=True)] == [
        True,
        True,
    ]
    assert jobs[0].upload_url != jobs[1].upload_url


@pytest.mark.parametrize(("age", "uploads"), [(4 * DAY, 1), (3600.0, 0)])
def test_an_upload_older_than_three_days_is_made_again(world, age: float, uploads: int) -> None:
    job = world.create(add_vocals(world), "sunoapi")
    old = f"{UPLOAD}/earlier/{job.id}-song.wav"
    world.store.update(job.id, upload_url=old, uploaded_at=time.time() - age)
    done = world.run(job.id)
    assert done.state is JobState.DONE, done.error_message
    assert len(world.fake.calls("/api/file-stream-upload")) == uploads
    [submit] = world.fake.calls("/add-vocals")
    assert (json.loads(submit.content)["uploadUrl"] == old) is (uploads == 0)


def test_an_upload_the_service_cannot_fetch_is_made_again_once(world) -> None:
    world.fake.fail_next("/add-vocals", 200, body={"code": 451, "msg": "Could not fetch the source file", "data": None})
    job = world.run(world.create(add_vocals(world), "sunoapi").id)
    assert job.state is JobState.DONE, job.error_message
    assert len(world.fake.calls("/api/file-stream-upload")) == 2 and world.fake.submit_count == 1


def test_a_submit_that_says_no_is_a_refusal_not_a_held_charge(world) -> None:
    world.fake.fail_next("/inpaint", 200, body={"success": False, "message": "Prompt refused by the content filter"})
    job = world.run(world.create(inpaint(world)).id)
    assert job.state is JobState.FAILED and job.error_kind == "validation"
    assert "Prompt refused by the content filter" in job.error_message and job.submit_sent_at is None
    again = world.run(job.id)  # nothing was taken: trying again sends it, no "may have been charged" hold
    assert again.state is JobState.DONE and world.fake.submit_count == 1


def test_the_add_vocals_body_names_a_reserved_callback(world) -> None:
    world.run(world.create(add_vocals(world), "sunoapi").id)
    [submit] = world.fake.calls("/add-vocals")
    assert json.loads(submit.content)["callBackUrl"] == "https://callback.example.invalid/retake-polls"
