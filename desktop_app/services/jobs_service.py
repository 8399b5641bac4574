"""The app's job queue: create, start, cancel, retry and resume jobs, each on its own thread.

Widgets never touch the runner or the store directly; they call this service and listen to its
signals. Events from a superseded run of a job (it was cancelled and retried meanwhile) are
dropped by generation number, so a late answer can never overwrite a newer state.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from desktop_app.api.errors import ServiceError
from desktop_app.api.keys import KeyStore
from desktop_app.api.models import ServiceRequest
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.runner import JobRunner, RunnerSettings
from desktop_app.jobs.store import JobRecord, JobStore
from desktop_app.services.job_worker import JobThread, JobWorker

log = logging.getLogger(__name__)


@dataclass
class JobProgress:
    """What the queue shows beyond the stored record: live byte counts and the ETA deadline."""

    upload: tuple[int, int | None] | None = None
    download: dict[int, tuple[int, int | None]] = field(default_factory=dict)
    eta_deadline: float | None = None  # time.monotonic() when the service expects to finish
    last_message: str = ""
    retrying_until: float | None = None
    shown_at: float = 0.0  # time.monotonic() of the last byte-count update passed on to the queue


# Byte counts arrive per 64 KB chunk, hundreds per job; each job_changed makes the queue re-read the job
# from the database on the GUI thread. Ten updates a second per job is smooth and keeps the window free.
PROGRESS_INTERVAL = 0.1


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
        self._threads: dict[str, JobThread] = {}
        self._generation: dict[str, int] = {}
        self._progress: dict[str, JobProgress] = {}

    # ---------------------------------------------------------------------------------- queries
    def jobs(self) -> list[JobRecord]:
        return self.store.list_jobs()

    def get(self, job_id: str) -> JobRecord:
        return self.store.get(job_id)

    def progress(self, job_id: str) -> JobProgress:
        return self._progress.setdefault(job_id, JobProgress())

    def is_active(self, job_id: str) -> bool:
        return job_id in self._threads

    def active_count(self) -> int:
        return len(self._threads)

    # --------------------------------------------------------------------------------- commands
    def submit(self, request: ServiceRequest, engine: str, *, duration: float | None = None) -> JobRecord:
        """Validate, store and start a job; raises InvalidRequestError/ServiceError before anything is sent."""
        job = self.runner.create(request, engine, duration=duration)
        self.job_added.emit(job.id)
        self.start(job.id)
        self.job_sent.emit(job.id)
        return job

    def start(self, job_id: str, *, resubmit: bool = False) -> None:
        if job_id in self._threads:
            return
        generation = self._generation.get(job_id, 0) + 1
        self._generation[job_id] = generation
        self._progress[job_id] = JobProgress()
        worker = JobWorker(self.runner, job_id, generation, resubmit=resubmit)
        worker.event.connect(self._on_event)
        worker.finished.connect(self._on_finished)
        thread = JobThread(worker)
        self._threads[job_id] = thread
        thread.start()
        self.job_changed.emit(job_id)

    def cancel(self, job_id: str) -> None:
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.cancel()
            self.progress(job_id).last_message = "Cancelling…"
            self.job_changed.emit(job_id)

    def retry(self, job_id: str, *, resubmit: bool = False) -> None:
        """Failed, cancelled or stalled jobs go again; a job the service has is polled, never resent."""
        if job_id not in self._threads:
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
        if job_id in self._threads:
            raise RuntimeError("cancel the job before removing it")
        self.store.delete_job(job_id)
        self.job_changed.emit(job_id)

    def shutdown(self, wait_ms: int = 5000) -> None:
        """Stop following jobs (they resume on the next start) and stop the local engine."""
        for thread in list(self._threads.values()):
            thread.cancel()
        for thread in list(self._threads.values()):
            thread.wait(wait_ms)
        self._threads.clear()
        self.factory.close()

    # ---------------------------------------------------------------------------------- signals
    @Slot(object)
    def _on_event(self, payload: tuple[int, JobEvent]) -> None:
        generation, event = payload
        if self._generation.get(event.job_id) != generation:
            return  # a superseded run: drop it
        progress = self.progress(event.job_id)
        if event.kind in (EventKind.UPLOAD, EventKind.DOWNLOAD):
            if event.kind is EventKind.UPLOAD:
                progress.upload = (event.done or 0, event.total)
            elif event.take_index is not None:
                progress.download[event.take_index] = (event.done or 0, event.total)
            now = time.monotonic()
            if now - progress.shown_at < PROGRESS_INTERVAL and event.done != event.total:
                return  # recorded; the queue shows it with the next update
            progress.shown_at = now
        elif event.kind is EventKind.ETA and event.eta_seconds is not None:
            progress.eta_deadline = time.monotonic() + event.eta_seconds
        elif event.kind is EventKind.RETRY:
            progress.retrying_until = time.monotonic() + (event.delay or 0)
            progress.last_message = f"Retrying: {event.error}" if event.error else "Retrying"
        elif event.kind is EventKind.ERROR and event.error is not None:
            self.job_failed.emit(event.job_id, str(event.error))
        if event.message and event.kind in (EventKind.STATE, EventKind.STATUS):
            progress.last_message = event.message
        self.job_changed.emit(event.job_id)

    @Slot(str, int)
    def _on_finished(self, job_id: str, generation: int) -> None:
        if self._generation.get(job_id) != generation:
            return
        thread = self._threads.pop(job_id, None)
        if thread is not None:
            thread.wait()  # run() has returned and quit() was called from the worker: this is immediate
        job = self.store.get(job_id)
        if job.state.value == "done":
            self.takes_ready.emit(job_id)
        self.job_changed.emit(job_id)
        self.job_finished.emit(job_id)


def describe_error(error: Exception) -> str:
    return str(error) if isinstance(error, ServiceError) else f"Unexpected problem: {error}"
