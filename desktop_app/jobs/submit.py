"""The submit step of a run: claim the draft, prepare the upload, send it once, record the ids.

``submit_sent_at`` is written the moment the paid request has fully left this machine (the last
upload byte, or just before a URL-only POST); it is cleared again when the service answers with
an error. A restart that finds it set without ids therefore knows the service *may* have the job.

Such a job is not simply held: MusicGPT lists the account's conversions (``GET /byUser``), so
:func:`adopt_lost_submit` looks there for a job of the same type with the same prompt created after
the submit, and follows it. Only when none is found is the job held for the user to decide.

sunoapi.org uploads are named after the job (:func:`~desktop_app.api.sunoapi.upload_name`), since the
upload service overwrites files of the same name; an upload older than the service keeps them, or
one the add-vocals call could not fetch, is uploaded again. An upload link is never shared by jobs.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.api.errors import CancelledError, ServiceError
from desktop_app.api.models import AddVocalsRequest
from desktop_app.api.results import SubmitReceipt
from desktop_app.api.retry import nothing_accepted
from desktop_app.api.sunoapi import UPLOAD_RETENTION_SECONDS, upload_name
from desktop_app.api.transcode import prepare_upload
from desktop_app.jobs.events import EventKind
from desktop_app.jobs.states import JobState, Trigger
from desktop_app.jobs.store import file_sha256

if TYPE_CHECKING:
    from desktop_app.jobs.clients import EngineClients
    from desktop_app.jobs.runner import JobRun

log = logging.getLogger(__name__)

# sunoapi.org answers a submit whose uploadUrl it could not download with this code.
SUNO_COULD_NOT_FETCH = 451
ADOPTED = "Its answer was lost, but the service's history shows it: following it"


def _work_dir(run: JobRun) -> Path:
    base = run.settings.work_dir
    if base is None:
        from desktop_app import paths

        base = paths.cache_dir() / "uploads"
    return Path(base) / run.job.id


def _claim(run: JobRun) -> bool:
    store, job = run.store, run.job
    if not store.compare_and_set_state(job.id, (JobState.DRAFT, JobState.UPLOADING), JobState.UPLOADING):
        return False
    run.job = store.get(job.id)
    store.log_event(job.id, Trigger.BEGIN_UPLOAD.value, JobState.UPLOADING, None)
    run.emit(EventKind.STATE, state=JobState.UPLOADING, message=JobState.UPLOADING.label)
    return True


def _record(run: JobRun, receipt: SubmitReceipt, message: str) -> None:
    run.to(
        Trigger.SUBMITTED,
        message,
        task_id=receipt.task_id,
        conversion_ids=receipt.conversion_ids,
        eta_seconds=receipt.eta_seconds,
        credit_estimate=receipt.credit_estimate,
        submitted_at=time.time(),
    )
    if receipt.eta_seconds is not None:
        run.emit(EventKind.ETA, eta_seconds=receipt.eta_seconds)
    if receipt.credit_estimate is not None:
        run.emit(EventKind.CREDITS, credit_estimate=receipt.credit_estimate)


def submit_job(run: JobRun, clients: EngineClients) -> bool:
    """Send the job; False when another process has claimed it first."""
    store, job = run.store, run.job
    if not _claim(run):
        return False
    run.job = store.update(job.id, submit_sent_at=None)  # a fresh attempt (an explicit resend after a hold)
    work = _work_dir(run)
    started, message = time.time(), "Sent; the service is working on it"
    try:
        receipt = _send(run, clients, work)
    except ServiceError as error:
        if nothing_accepted(error):
            run.job = store.update(job.id, submit_sent_at=None)
            raise
        found = _find_lost(run, clients, started)  # the answer was lost: did the service take it?
        if found is None:
            raise
        receipt, message = found, ADOPTED
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _record(run, receipt, message)
    return True


def adopt_lost_submit(run: JobRun, clients: EngineClients) -> bool:
    """For a job held after its answer was lost: follow it when the service's history shows it."""
    job = run.job
    if not job.submit_sent_at:
        return False
    receipt = _find_lost(run, clients, job.submit_sent_at)
    if receipt is None:
        return False
    if run.job.state is JobState.DRAFT and not _claim(run):
        return False
    _record(run, receipt, ADOPTED)
    return True


def _find_lost(run: JobRun, clients: EngineClients, since: float) -> SubmitReceipt | None:
    if run.operation.service != "musicgpt" or run.cancel.is_set():
        return None
    known = frozenset(j.task_id for j in run.store.list_jobs() if j.task_id and j.id != run.job.id)
    try:
        found = clients.musicgpt.find_submitted(run.request, since, exclude=known, cancel=run.cancel)
    except ServiceError as error:  # the history is a rescue; if it fails the job is held as before
        log.warning("could not read the service's history for job %s: %s", run.job.id, error)
        return None
    if found is not None:
        run.store.log_event(run.job.id, "adopted", None, f"task {found.task_id} found through /byUser")
    return found


def _send(run: JobRun, clients: EngineClients, work: Path) -> SubmitReceipt:
    store, job, request = run.store, run.job, run.request
    upload_path = None
    if request.audio_file is not None:
        source = Path(request.audio_file)
        if job.input_sha256 and file_sha256(source) != job.input_sha256:
            raise ServiceError(f"“{source.name}” has changed since this job was created; create the job again.")
        upload_path = prepare_upload(source, work, mp3_above_bytes=run.settings.mp3_above_bytes).path

    def mark_sent() -> None:
        run.job = store.update(job.id, submit_sent_at=time.time())

    def progress(done: int, total: int) -> None:
        run.report_bytes(EventKind.UPLOAD, done, total)
        if done >= total and run.operation.service == "musicgpt":
            mark_sent()

    if run.operation.service == "musicgpt":
        if upload_path is None:
            mark_sent()
        return clients.musicgpt.submit(
            request, upload_path=upload_path, on_progress=progress, cancel=run.cancel, on_retry=run.on_retry
        )

    def upload() -> str:
        assert upload_path is not None
        name = upload_name(job.id, Path(request.audio_file or upload_path).with_suffix(upload_path.suffix))
        url = clients.sunoapi.upload(
            upload_path, file_name=name, on_progress=progress, cancel=run.cancel, on_retry=run.on_retry
        )
        run.job = store.update(job.id, upload_url=url, uploaded_at=time.time())
        return url

    assert isinstance(request, AddVocalsRequest)  # the one sunoapi.org operation
    own_upload = request.audio_url is None
    upload_url = request.audio_url or _fresh_upload(run)
    if upload_url is None:
        upload_url = upload()
    for attempt in (1, 2):
        if run.cancel.is_set():
            raise CancelledError()
        mark_sent()
        try:
            return clients.sunoapi.submit(request, upload_url, cancel=run.cancel, on_retry=run.on_retry)
        except ServiceError as error:
            # The service could not fetch our upload (deleted, expired): it took nothing, so upload again.
            if not (own_upload and attempt == 1 and error.status == SUNO_COULD_NOT_FETCH):
                raise
            store.log_event(job.id, "reupload", None, str(error))
            run.job = store.update(job.id, submit_sent_at=None)
            upload_url = upload()
    raise AssertionError("unreachable")


def _fresh_upload(run: JobRun) -> str | None:
    """The job's own earlier upload link while the service still keeps it, else None (upload again)."""
    job = run.job
    if not job.upload_url or not job.uploaded_at:
        return None
    if time.time() - job.uploaded_at > UPLOAD_RETENTION_SECONDS * 0.9:  # a margin: the submit takes time too
        return None
    return job.upload_url
