"""The submit step of a run: claim the draft, prepare the upload, send it once, record the ids.

``submit_sent_at`` is written the moment the paid request has fully left this machine (the last
upload byte, or just before a URL-only POST); it is cleared again when the service answers with
an error. A restart that finds it set without ids therefore knows the service *may* have the job
and holds it instead of paying twice.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from desktop_app.api.errors import NetworkError, ServiceError
from desktop_app.api.transcode import prepare_upload
from desktop_app.jobs.events import EventKind
from desktop_app.jobs.states import JobState, Trigger
from desktop_app.jobs.store import file_sha256


def _work_dir(run) -> Path:
    base = run.r.settings.work_dir
    if base is None:
        from desktop_app import paths

        base = paths.cache_dir() / "uploads"
    return Path(base) / run.job.id


def _answered_with_error(error: ServiceError) -> bool:
    """True when the service certainly did not take the job."""
    if isinstance(error, NetworkError):
        return not error.request_sent
    return error.status is not None and error.status >= 400


def submit_job(run, clients) -> bool:
    """Send the job; False when another process has claimed it first."""
    store, job = run.store, run.job
    if not store.compare_and_set_state(job.id, (JobState.DRAFT, JobState.UPLOADING), JobState.UPLOADING):
        return False
    run.job = store.update(job.id, submit_sent_at=None)  # a fresh attempt (an explicit resend after a hold)
    store.log_event(job.id, Trigger.BEGIN_UPLOAD.value, JobState.UPLOADING, None)
    run.emit(EventKind.STATE, state=JobState.UPLOADING, message=JobState.UPLOADING.label)
    request = run.request
    work = _work_dir(run)
    try:
        receipt = _send(run, clients, request, work)
    except ServiceError as error:
        if _answered_with_error(error):
            run.job = store.update(job.id, submit_sent_at=None)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    run.to(
        Trigger.SUBMITTED,
        "Sent; the service is working on it",
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
    return True


def _send(run, clients, request, work: Path):
    store, job = run.store, run.job
    upload_path = None
    if request.audio_file is not None:
        source = Path(request.audio_file)
        if job.input_sha256 and file_sha256(source) != job.input_sha256:
            raise ServiceError(f"“{source.name}” has changed since this job was created; create the job again.")
        upload_path = prepare_upload(source, work, mp3_above_bytes=run.r.settings.mp3_above_bytes).path

    def mark_sent() -> None:
        run.job = store.update(job.id, submit_sent_at=time.time())

    def on_retry(error: ServiceError, delay: float, attempt: int) -> None:
        run.emit(EventKind.RETRY, error=error, delay=delay, message=str(error))

    if run.operation.service == "musicgpt":

        def progress(done: int, total: int) -> None:
            run.emit(EventKind.UPLOAD, done=done, total=total)
            if done >= total:
                mark_sent()

        if upload_path is None:
            mark_sent()
        return clients.musicgpt.submit(
            request, upload_path=upload_path, on_progress=progress, cancel=run.cancel, on_retry=on_retry
        )

    upload_url = request.audio_url or job.upload_url
    if upload_url is None:
        assert upload_path is not None

        def progress(done: int, total: int) -> None:
            run.emit(EventKind.UPLOAD, done=done, total=total)

        upload_url = clients.sunoapi.upload(upload_path, on_progress=progress, cancel=run.cancel, on_retry=on_retry)
        run.job = store.update(job.id, upload_url=upload_url)
    if run.cancel.is_set():
        from desktop_app.api.errors import CancelledError

        raise CancelledError()
    mark_sent()
    return clients.sunoapi.submit(request, upload_url, cancel=run.cancel, on_retry=on_retry)
