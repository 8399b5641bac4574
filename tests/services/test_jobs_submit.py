"""Sending a job from the window: checked at once, stored and hashed on the job's own thread."""

from __future__ import annotations

import shutil
import threading

import pytest

from desktop_app.api.errors import InvalidRequestError
from desktop_app.api.models import InpaintRequest, RemixRequest
from desktop_app.jobs import drafts
from desktop_app.jobs.states import JobState
from desktop_app.services.jobs_model import JobsModel


def test_submit_returns_at_once_and_the_disk_work_runs_on_the_jobs_thread(qtbot, service, jobs_song, monkeypatch):
    gui = threading.get_ident()
    where: dict[str, int] = {}
    store_job, digest = service.store.create_job, drafts.file_sha256

    def stored(*args, **kwargs):
        where["store"] = threading.get_ident()
        return store_job(*args, **kwargs)

    def hashed(path):
        where["hash"] = threading.get_ident()
        return digest(path)

    monkeypatch.setattr(service.store, "create_job", stored)
    monkeypatch.setattr(drafts, "file_sha256", hashed)
    model = JobsModel(service)
    with qtbot.waitSignal(service.job_finished, timeout=60_000):
        job = service.submit(RemixRequest(audio_file=jobs_song, prompt="lo-fi"), "local", duration=24.0)
        # The queue shows the job before anything was written: the service serves its draft.
        assert model.job_at(0).id == job.id and service.get(job.id).state is JobState.DRAFT
    assert set(where) == {"store", "hash"} and gui not in where.values()
    stored_job = service.store.get(job.id)
    assert stored_job.state is JobState.DONE and stored_job.input_sha256 == digest(jobs_song)
    assert stored_job.created_at == job.created_at  # the queue's order does not move when it is stored


def test_a_request_that_breaks_a_rule_is_refused_on_the_spot(service, jobs_song) -> None:
    with pytest.raises(InvalidRequestError):
        service.submit(InpaintRequest(audio_file=jobs_song, prompt="x", replace_start_at=10, replace_end_at=9),
                       "local", duration=24.0)  # fmt: skip
    assert service.store.list_jobs() == []


def test_a_song_gone_before_the_job_is_stored_ends_in_a_sentence_and_nothing_is_sent(
    qtbot, service, jobs_song, tmp_path, monkeypatch
) -> None:
    song = tmp_path / "moved away.wav"
    shutil.copy(jobs_song, song)
    gate = threading.Event()
    hash_file = drafts.file_sha256

    def slow_disk(path):  # the producer moves the song while the job is being stored
        gate.wait(10)
        return hash_file(path)

    runs: list[str] = []
    monkeypatch.setattr(drafts, "file_sha256", slow_disk)
    monkeypatch.setattr(service.runner, "run", lambda job_id, *a, **k: runs.append(job_id))
    model = JobsModel(service)
    with qtbot.waitSignal(service.job_failed, timeout=10_000) as failed:
        job = service.submit(RemixRequest(audio_file=song, prompt="lo-fi"), "local", duration=24.0)
        assert model.rowCount() == 1
        song.unlink()
        gate.set()
    assert failed.args == [job.id, "moved away.wav is no longer on disk, so the job was not sent."]
    qtbot.waitUntil(lambda: not service.is_active(job.id) and model.rowCount() == 0, timeout=5000)
    assert service.store.list_jobs() == [] and runs == []
