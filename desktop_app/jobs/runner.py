"""Run a job from draft to takes on disk: submit → poll → download, resumable at every step.

Public API::

    runner = JobRunner(store, client_factory, settings=RunnerSettings(), budget=None)
    job = runner.create(request, engine="local", out_dir=None)   # validated draft, input hashed
    job = runner.run(job.id, cancel=threading.Event(), on_event=callback, resubmit=False)
    runner.cancel(job.id)   # from any thread: sets the cancel and shuts the run's connections

``run`` blocks (call it from a worker thread) and returns the final :class:`JobRecord`: DONE,
FAILED (``error_kind``/``error_message``), CANCELLED, or STALLED when the poll timeout passed while
the service still works ("still running — keep waiting?": calling ``run`` again keeps waiting).
Events (:class:`JobEvent`) report state changes, upload/download bytes, ETA, credits, retries,
errors and finished takes. ``cancel`` is checked between upload chunks, polls and download chunks;
:meth:`JobRunner.cancel` also aborts a request in flight. A poll still rate-limited after its retries
leaves the job STALLED with a countdown (RETRY events) and goes on when the limit lifts.

A job that has service ids is only ever polled, never submitted again — after a crash, a kill, a
cancel or a failure. A job whose paid request was fully sent but never answered is looked up in
MusicGPT's history (``GET /byUser``) and followed when found; otherwise it is held
(:class:`InterruptedSubmitError`) unless ``resubmit=True``. The submit and poll steps live in
``submit.py`` and ``polling.py``. Takes come from the WAV link, else the
MP3 link (``retention.py``); a job whose files are all gone says so once. Each ``run`` builds its own clients
(one ``httpx.Client`` per call, so per thread) through ``client_factory(engine_name)``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.api.errors import (
    CancelledError,
    DownloadError,
    ExpiredFileError,
    InterruptedSubmitError,
    ServiceError,
)
from desktop_app.api.limits import MB, UPLOAD_MP3_ABOVE_MB
from desktop_app.api.models import ServiceRequest, request_from_params
from desktop_app.api.operations import Operation
from desktop_app.api.results import JobStatus, TakeResult
from desktop_app.api.retry import RetryPolicy, call_with_retry
from desktop_app.jobs.download import DEFAULT_MAX_BYTES, DownloadedTake, download_take
from desktop_app.jobs.drafts import draft_job, store_draft
from desktop_app.jobs.events import EventCallback, EventKind, JobEvent
from desktop_app.jobs.poll_scheduler import PollBudget, PollSchedule, shared_budget
from desktop_app.jobs.polling import poll_until_finished
from desktop_app.jobs.records import JobRecord, TakeRecord
from desktop_app.jobs.retention import files_gone, links_in_order
from desktop_app.jobs.states import JobState, ResumeAction, Trigger, next_state, resume_action
from desktop_app.jobs.store import JobStore
from desktop_app.jobs.submit import adopt_lost_submit, submit_job
from desktop_app.jobs.summary import write_summary

if TYPE_CHECKING:
    from desktop_app.jobs.clients import EngineClients

log = logging.getLogger(__name__)

# Byte progress of an upload or download reaches the window at most ten times a second (smooth enough).
BYTES_REPORT_INTERVAL = 0.1


@dataclass(frozen=True)
class RunnerSettings:
    poll_timeout: float = 900.0  # then "still running — keep waiting?"
    max_download_bytes: int = DEFAULT_MAX_BYTES
    mp3_above_bytes: int = UPLOAD_MP3_ABOVE_MB * MB  # sources needing conversion go as MP3 above this WAV size
    schedule: PollSchedule = field(default_factory=PollSchedule)
    # The local engine is on this machine and has no rate limit: poll it more eagerly.
    local_schedule: PollSchedule = field(default_factory=lambda: PollSchedule(min_interval=1.0, max_interval=5.0))
    download_policy: RetryPolicy = field(default_factory=lambda: RetryPolicy(max_attempts=3))
    work_dir: Path | None = None  # transcoded uploads; default paths.cache_dir()/uploads


class JobRunner:
    def __init__(
        self,
        store: JobStore,
        client_factory: Callable[[str], EngineClients],
        *,
        settings: RunnerSettings | None = None,
        budget: PollBudget | None = None,
        sunoapi_budget: PollBudget | None = None,
        clock: Callable[[], float] = time.monotonic,
        wait: Callable[[threading.Event, float], bool] | None = None,
    ) -> None:
        self.store = store
        self.client_factory = client_factory
        self.settings = settings or RunnerSettings()
        self.budget = budget or shared_budget()  # MusicGPT's byId: 200 calls a minute
        # sunoapi.org documents no polling limit; its polls still share one budget, so a rate limit on one
        # job slows every job down together instead of each finding out alone.
        # (A caller that brings its own budget, e.g. a test's unlimited one, gets it for both.)
        self.sunoapi_budget = sunoapi_budget or budget or shared_budget("sunoapi-record-info")
        self.clock = clock
        self.wait = wait or (lambda cancel, seconds: cancel.wait(seconds))
        self._active: dict[str, tuple[threading.Event, list]] = {}  # job id -> (cancel, its clients)
        self._active_lock = threading.Lock()
        self._stopping: set[str] = set()  # jobs interrupted because the app is closing, not by the producer

    # ------------------------------------------------------------------------------------ cancel
    def cancel(self, job_id: str) -> bool:
        """Thread-safe: cancel a running job at once, even one blocked on a read (its connections are
        shut). The job ends CANCELLED and stays resumable. False when the job is not running here."""
        with self._active_lock:
            entry = self._active.get(job_id)
        if entry is None:
            return False
        event, clients = entry
        event.set()
        for each in list(clients):
            each.cancel()
        return True

    def cancel_all(self) -> list[str]:
        """Cancel every job running on this runner; returns their ids."""
        with self._active_lock:
            ids = list(self._active)
        return [job_id for job_id in ids if self.cancel(job_id)]

    def stop_all(self) -> list[str]:
        """The app is closing: interrupt every running job at once but leave each in its state, so the next
        start resumes it (polling a job the service has, never paying twice). Returns their ids."""
        with self._active_lock:
            ids = list(self._active)
            self._stopping.update(ids)
        return [job_id for job_id in ids if self.cancel(job_id)]

    def stopping(self, job_id: str) -> bool:
        with self._active_lock:
            return job_id in self._stopping

    # ------------------------------------------------------------------------------------ create
    def create(
        self, request: ServiceRequest, engine: str, *, out_dir: Path | None = None, duration: float | None = None
    ) -> JobRecord:
        """Check ``request`` (with the track's ``duration`` when known) and store it as a draft, input hashed."""
        return store_draft(self.store, draft_job(request, engine, out_dir=out_dir, duration=duration))

    # --------------------------------------------------------------------------------------- run
    def run(
        self,
        job_id: str,
        cancel: threading.Event | None = None,
        on_event: EventCallback | None = None,
        *,
        resubmit: bool = False,
    ) -> JobRecord:
        cancel = cancel or threading.Event()
        clients: list = []
        with self._active_lock:
            self._active[job_id] = (cancel, clients)
        try:
            run = JobRun(self, self.store.get(job_id), cancel, on_event or (lambda _e: None), clients)
            return run.execute(resubmit=resubmit)
        finally:
            with self._active_lock:
                if self._active.get(job_id, (None,))[0] is cancel:
                    del self._active[job_id]

    def resume_all(
        self, cancel: threading.Event | None = None, on_event: EventCallback | None = None
    ) -> list[JobRecord]:
        """Run every unfinished job in turn (polling those the service already has)."""
        cancel = cancel or threading.Event()
        results = []
        for job in reversed(self.store.unfinished()):
            if cancel.is_set():
                break
            results.append(self.run(job.id, cancel, on_event))
        return results


class JobRun:
    """One execution of one job (a fresh object per ``run`` call; not shared between threads)."""

    def __init__(
        self, runner: JobRunner, job: JobRecord, cancel: threading.Event, emit: EventCallback, clients: list
    ) -> None:
        self.runner = runner
        self.settings = runner.settings
        self.store = runner.store
        self._open_clients = clients  # where JobRunner.cancel finds this run's connections
        self.job = job
        self.cancel = cancel
        self._emit = emit
        self.request = request_from_params(job.operation, job.params)
        self.operation = Operation(job.operation)
        self._bytes_reported: dict[tuple[EventKind, int | None], float] = {}

    def emit(self, kind: EventKind, **values) -> None:
        try:
            self._emit(JobEvent(self.job.id, kind, record=self.job, **values))
        except Exception:  # a broken listener must not break the job
            log.exception("job event listener failed")

    def report_bytes(self, kind: EventKind, done: int, total: int | None, take_index: int | None = None) -> None:
        """Upload or download progress, at most ``BYTES_REPORT_INTERVAL`` apart per transfer (its end always).

        Bytes move in 64–256 KB chunks: twenty jobs moving files would otherwise send the window thousands
        of events a second, each a hand-over to the GUI thread."""
        now = time.monotonic()
        key = (kind, take_index)
        if now - self._bytes_reported.get(key, -BYTES_REPORT_INTERVAL) < BYTES_REPORT_INTERVAL and done != total:
            return
        self._bytes_reported[key] = now
        self.emit(kind, done=done, total=total, take_index=take_index)

    def to(self, trigger: Trigger, message: str | None = None, **fields) -> None:
        new = next_state(self.job.state, trigger, has_ids=self.job.has_ids)
        self.job = self.store.update(self.job.id, state=new, **fields)
        self.store.log_event(self.job.id, trigger.value, new, message)
        self.emit(EventKind.STATE, state=new, message=message or new.label)

    def refresh(self) -> None:
        self.job = self.store.get(self.job.id)

    def execute(self, *, resubmit: bool) -> JobRecord:
        job = self.job
        if job.state is JobState.DONE:
            return job
        held = False
        if job.state in (JobState.FAILED, JobState.CANCELLED):
            self.to(Trigger.RETRY, "Trying again", error_kind=None, error_message=None)
            held = self.job.state is JobState.DRAFT and bool(self.job.submit_sent_at)
        action = resume_action(self.job.state, has_ids=self.job.has_ids, submit_started=bool(self.job.submit_sent_at))
        held = (held or action is ResumeAction.HOLD) and not resubmit
        try:
            with self.runner.client_factory(job.engine) as clients:
                self._open_clients.append(clients)
                if self.cancel.is_set():
                    raise CancelledError()
                if held and not adopt_lost_submit(self, clients):
                    return self._fail(_interrupted(self.operation))
                submitting = action in (ResumeAction.SUBMIT, ResumeAction.HOLD) and not self.job.has_ids
                if submitting and not submit_job(self, clients):
                    return self.store.get(job.id)  # another process claimed it
                if self.job.state is JobState.STALLED:
                    self.to(Trigger.KEEP_WAITING, "Waiting for the service again")
                status = poll_until_finished(self, clients)
                if status is None:
                    return self.job  # stalled
                self._download(clients, status)
        except CancelledError:
            self._cancelled()
        except ServiceError as error:
            if self.cancel.is_set():  # a connection shut by JobRunner.cancel, not a service problem
                self._cancelled()
            else:
                return self._fail(error)
        except Exception as error:  # a bug must still leave the job in a known state
            log.exception("job %s crashed", job.id)
            return self._fail(ServiceError(f"Unexpected problem: {error}"))
        finally:
            self._open_clients.clear()
        return self.job

    def _cancelled(self) -> None:
        self.refresh()
        if self.runner.stopping(self.job.id):
            note = "Stopped with the app; resumes at the next start"
            self.store.log_event(self.job.id, "stopped", self.job.state, note)
            return
        if not self.job.state.finished:
            note = " The service may still finish it and charge for it." if self.job.has_ids else ""
            self.to(Trigger.CANCEL, f"Cancelled.{note}")

    def _fail(self, error: ServiceError) -> JobRecord:
        self.refresh()
        if not self.job.state.finished:
            self.to(Trigger.FAIL, str(error), error_kind=error.kind, error_message=str(error), finished_at=time.time())
        self.emit(EventKind.ERROR, state=self.job.state, error=error, message=str(error))
        return self.job

    def on_retry(self, error: ServiceError, delay: float, attempt: int) -> None:
        self.emit(EventKind.RETRY, error=error, delay=delay, message=str(error))

    # ---------------------------------------------------------------------------------- download
    def _fetch_take(self, clients, take: TakeResult, position: int) -> DownloadedTake:
        def progress(done: int, total: int | None) -> None:
            self.report_bytes(EventKind.DOWNLOAD, done, total, position)

        service, sent = self.operation.service, self.job.submitted_at
        for url in links_in_order(take, service, sent, time.time()):

            def fetch(_url: str = url) -> DownloadedTake:
                return download_take(
                    clients.http, _url, self.job.out_dir / f"take-{position}",
                    max_bytes=self.settings.max_download_bytes, on_progress=progress, cancel=self.cancel,
                    auth_headers=clients.download_auth, auth_origin=clients.download_auth_origin,
                    service=clients.label,
                )  # fmt: skip

            try:
                return call_with_retry(
                    fetch, policy=self.settings.download_policy, cancel=self.cancel, on_retry=self.on_retry,
                    wait=lambda seconds: self.runner.wait(self.cancel, seconds),
                )  # fmt: skip
            except ExpiredFileError as error:
                self.store.log_event(self.job.id, "link_expired", None, f"take {position}: {error}")
        raise files_gone(service, sent, time.time())

    def _download(self, clients, status: JobStatus) -> None:
        out_dir = self.job.out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        have = {t.idx: t for t in self.store.takes(self.job.id) if t.path.exists()}
        for position, take in enumerate(status.takes, start=1):
            if position in have:
                continue
            got = self._fetch_take(clients, take, position)
            record = TakeRecord(
                idx=position,
                path=got.path,
                conversion_id=take.conversion_id,
                format=got.format,
                duration=got.duration,
                title=take.title,
                lyrics=take.lyrics,
                lyrics_timestamped=[line.__dict__ for line in take.lyrics_timestamped]
                if take.lyrics_timestamped is not None
                else None,
            )
            stored = self.store.add_take(self.job.id, record)
            self.store.log_event(self.job.id, "take", None, got.path.name, {"bytes": got.size})
            self.emit(EventKind.TAKE, take=stored, take_index=position)
        if not status.takes:
            raise DownloadError("The service finished but offered no takes to download.")
        self.job = self.store.update(self.job.id, finished_at=time.time())
        self.to(Trigger.DOWNLOADED, f"Done: {len(status.takes)} take(s) in {out_dir}")
        write_summary(self.job, self.store.takes(self.job.id), self.store.events(self.job.id))


def _interrupted(operation: Operation) -> InterruptedSubmitError:
    looked = (
        "Retake looked for it in MusicGPT's history and did not find it yet. "
        if operation.service == "musicgpt"
        else "It may have been received (and charged): check your account's history. "
    )
    return InterruptedSubmitError(
        "Retake stopped while this job was being sent, before the service confirmed it. "
        f"{looked}Use “Send again” if it is not there."
    )


__all__ = ["JobEvent", "JobRunner", "RunnerSettings"]
