"""What a running job reports: one :class:`JobEvent` type, so a Qt worker can forward it as a signal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.api.errors import ServiceError
from desktop_app.jobs.records import JobRecord, TakeRecord
from desktop_app.jobs.states import JobState


class EventKind(StrEnum):
    STATE = "state"  # state changed (``state``, ``message`` for the user)
    UPLOAD = "upload"  # bytes sent (``done``, ``total``)
    DOWNLOAD = "download"  # bytes received for take ``take_index`` (``done``, ``total`` may be None)
    ETA = "eta"  # the service's estimate (``eta_seconds``, counted from now)
    CREDITS = "credits"  # ``credit_estimate`` at submit, ``cost`` when the service reports it
    STATUS = "status"  # the service's own status word changed (``message``)
    RETRY = "retry"  # a request failed and will be retried after ``delay`` seconds (``error``)
    TAKE = "take"  # a take is downloaded, checked and stored (``take``)
    ERROR = "error"  # the job failed (``error``: a typed ServiceError with a user-facing message)


@dataclass(frozen=True)
class JobEvent:
    job_id: str
    kind: EventKind
    state: JobState | None = None
    message: str | None = None
    done: int | None = None
    total: int | None = None
    eta_seconds: float | None = None
    credit_estimate: float | None = None
    cost: float | None = None
    delay: float | None = None
    error: ServiceError | None = None
    take: TakeRecord | None = None
    take_index: int | None = None
    # The job as its run last stored it: the queue shows this instead of reading the database on the GUI
    # thread for every event (twenty running jobs send hundreds a second).
    record: JobRecord | None = None


EventCallback = Callable[[JobEvent], None]
