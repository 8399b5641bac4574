"""The app's job queue: create, start, cancel, retry and resume jobs, each a background task.

Widgets never touch the runner or the store directly; they call this service and listen to its
signals. Each run of a job is a task keyed by the job id (services/tasks.py): the runner works on
the task's thread, its events come back on the GUI thread, and events from a superseded run of a
job (it was cancelled and retried meanwhile) are dropped, so a late answer can never overwrite a
newer state. Shutdown cancels every job and joins them all under one deadline.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from desktop_app.api.errors import ServiceError
from desktop_app.api.keys import KeyStore
from desktop_app.api.models import ServiceRequest
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.drafts import draft_job, store_draft
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.runner import JobRunner, RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from desktop_app.services.tasks import Task, Tasks

log = logging.getLogger(__name__)


@dataclass
class JobProgress:
    """What the queue shows beyond the stored record: live byte counts and the ETA deadline."""

    upload: tuple[int, int | None] | None = None
    download: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    eta_deadline: float | None = None  # time.monotonic() when the service expects to finish
    last_message: str = ""
    # A retryable error (a rate limit, a 5xx, a dropped connection): what it was and when the next try is.
    retry_reason: str = ""  # the error's whole sentence
    retry_kind: str = ""  # its kind ("rate_limit", "server", "network", …)
    retry_deadline: float | None = None  # time.monotonic()


class JobsService(QObject):
    job_added = Signal(str)
    job_sent = Signal(str)  # the producer sent it: a new job, or a failed one again (not a resume at start)
    job_changed = Signal(str)  # its record or live progress changed
    job_finished = Signal(str)  # reached done, failed, cancelled or stalled
    job_failed = Signal(str, str)  # job id, user-facing message
    takes_ready = Signal(str)  # job id: its takes are on disk

    def __init__(
        self,
        store: JobStore | None = None,
        factory: ClientFactory | None = None,
        settings: RunnerSettings | None = None,
        key_store: KeyStore | None = None,
    ) -> None:
        super().__init__()
        self.store = store or JobStore()
        self.key_store = key_store or KeyStore()
        self.factory = factory or ClientFactory(key_store=self.key_store)
        self.runner = JobRunner(self.store, self.factory, settings=settings)
        self._tasks = Tasks("jobs", self)
        self._active: set[str] = set()  # jobs with a run in progress (kept on the GUI thread)
        self._progress: dict[str, JobProgress] = {}
        # Running jobs as their runs last stored them (each event brings the record): the queue, the history
        # and the results read these on every event without touching the database on the GUI thread.
        self._running_records: dict[str, JobRecord] = {}

    # ---------------------------------------------------------------------------------- queries
    def jobs(self) -> list[JobRecord]:
        return self.store.list_jobs()

    def get(self, job_id: str) -> JobRecord:
        """The job's record: a running job's as its run last stored it, any other job's from the store."""
        record = self._running_records.get(job_id)
        return record if record is not None else self.store.get(job_id)

    def progress(self, job_id: str) -> JobProgress:
        return self._progress.setdefault(job_id, JobProgress())

    def is_active(self, job_id: str) -> bool:
        return job_id in self._active

    # --------------------------------------------------------------------------------- commands
    def submit(self, request: ServiceRequest, engine: str, *, duration: float | None = None) -> JobRecord:
        """Validate and start a job; raises InvalidRequestError/ServiceError before anything is sent. The job
        is stored on its own thread (jobs/drafts.py); until then ``get`` serves the draft."""
        draft = draft_job(request, engine, duration=duration)
        self._running_records[draft.id] = draft
        self.job_added.emit(draft.id)
        self._start(draft.id, resubmit=False, draft=draft)
        self.job_sent.emit(draft.id)
        return draft

    def start(self, job_id: str, *, resubmit: bool = False) -> None:
        if job_id in self._active:
            return
        self._running_records.pop(job_id, None)  # the new run starts from the store
        self._start(job_id, resubmit=resubmit)

    def _start(self, job_id: str, *, resubmit: bool, draft: JobRecord | None = None) -> None:
        self._active.add(job_id)
        self._progress[job_id] = JobProgress()
        self._tasks.start(
            lambda task: self._run(task, job_id, resubmit, draft),
            key=job_id,
            name=f"job-{job_id[:8]}",
            on_finished=lambda: self._on_finished(job_id),
        )
        self.job_changed.emit(job_id)

    def cancel(self, job_id: str) -> None:
        task = self._tasks.current(job_id)
        if task is not None:
            task.cancel()
            self.progress(job_id).last_message = "Cancelling…"
            self.job_changed.emit(job_id)

    def retry(self, job_id: str, *, resubmit: bool = False) -> None:
        """Failed, cancelled or stalled jobs go again; a job the service has is polled, never resent."""
        if job_id not in self._active:
            self.start(job_id, resubmit=resubmit)
            self.job_sent.emit(job_id)

    def resume_unfinished(self) -> list[str]:
        """On start: follow every job the service may still be working on."""
        resumed = []
        for job in self.store.unfinished():
            if job.has_ids or job.submit_sent_at is None:
                self.start(job.id)
                resumed.append(job.id)
        return resumed

    def delete(self, job_id: str) -> None:
        if job_id in self._active:
            raise RuntimeError("cancel the job before removing it")
        self.store.delete_job(job_id)
        self._running_records.pop(job_id, None)
        self.job_changed.emit(job_id)

    def shutdown(self, timeout: float = 5.0) -> bool:
        """Stop following jobs and stop the local engine. Every job is interrupted at once (its connections
        shut) and all are joined under one deadline; True when all ended in time. Each job keeps its state,
        so the next start resumes it: a job the service has is polled again, never sent again."""
        self.runner.stop_all()  # interrupted, not cancelled: each job keeps its state and resumes at the next start
        ended = self._tasks.shutdown(timeout)
        if not ended:
            log.warning("jobs still running after %.1f s: %s", timeout, [t.name for t in self._tasks.running()])
        self._active.clear()
        self._running_records.clear()
        self.factory.close()
        return ended

    # ---------------------------------------------------------------------------------- worker
    def _run(self, task: Task, job_id: str, resubmit: bool, draft: JobRecord | None) -> None:
        """On the task's thread: store a new job's draft, then the runner does the work and its events go to
        the GUI thread. Cancelling the task cancels the run at once: the runner shuts the job's connections,
        so a blocked read returns."""
        if draft is not None and not self._store_draft(task, draft):
            return
        task.on_cancel(lambda: self.runner.cancel(job_id))
        try:
            self.runner.run(job_id, task.cancel_event, lambda event: task.post(self._on_event, event),
                            resubmit=resubmit)  # fmt: skip
        except ServiceError as error:  # the runner records failures itself; this is a last resort
            log.warning("job %s ended with %s", job_id, error.kind)
        except Exception:
            log.exception("job %s worker crashed", job_id)

    def _store_draft(self, task: Task, draft: JobRecord) -> bool:
        try:
            store_draft(self.store, draft)
        except (OSError, sqlite3.Error) as error:
            log.warning("job %s could not be stored: %s", draft.id, error)
            task.post(self.job_failed.emit, draft.id, _not_stored(draft, error))
            return False
        return True

    # ---------------------------------------------------------------------------------- signals
    def _on_event(self, event: JobEvent) -> None:
        if event.record is not None and event.job_id in self._active:
            self._running_records[event.job_id] = event.record
        progress = self.progress(event.job_id)
        if event.kind in (EventKind.UPLOAD, EventKind.DOWNLOAD):
            if event.kind is EventKind.UPLOAD:
                progress.upload = (event.done or 0, event.total)
            elif event.take_index is not None:  # (each at most ten times a second: JobRun.report_bytes)
                progress.download[event.take_index] = (event.done or 0, event.total)
        elif event.kind is EventKind.ETA and event.eta_seconds is not None:
            progress.eta_deadline = time.monotonic() + event.eta_seconds
        elif event.kind is EventKind.RETRY:
            progress.retry_reason = str(event.error) if event.error else ""
            progress.retry_kind = event.error.kind if event.error else ""
            progress.retry_deadline = time.monotonic() + event.delay if event.delay is not None else None
        elif event.kind is EventKind.ERROR and event.error is not None:
            self.job_failed.emit(event.job_id, str(event.error))
        if event.message and event.kind in (EventKind.STATE, EventKind.STATUS):
            progress.last_message = event.message
        if event.kind in (EventKind.STATE, EventKind.STATUS, EventKind.UPLOAD, EventKind.DOWNLOAD, EventKind.TAKE):
            progress.retry_deadline = None  # the service answered: the retry is over
        self.job_changed.emit(event.job_id)

    def _on_finished(self, job_id: str) -> None:
        self._active.discard(job_id)
        self._running_records.pop(job_id, None)
        try:
            job = self.store.get(job_id)
        except KeyError:  # its draft could not be stored (job_failed said why): it leaves the queue
            self.job_changed.emit(job_id)
            return
        if job.state is JobState.DONE:
            self.takes_ready.emit(job_id)
        self.job_changed.emit(job_id)
        self.job_finished.emit(job_id)


def _not_stored(draft: JobRecord, error: Exception) -> str:
    if isinstance(error, FileNotFoundError) and draft.input_path is not None:
        return f"{draft.input_path.name} is no longer on disk, so the job was not sent."
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"The job could not be saved ({reason}), so it was not sent."
