"""The job state machine, pure (no I/O): which trigger moves a job from which state to which.

::

    draft ──begin_upload──▶ uploading ──submitted──▶ submitted ──poll_pending──▶ running
                                                        │                          │   ▲
                                                        └──────poll_completed──────┤   │ keep_waiting
                                                                                   ▼   │
                                          done ◀──downloaded── downloading     stalled (timeout:
                                                                               "still running —
    any unfinished state ──fail──▶ failed,  ──cancel──▶ cancelled               keep waiting?")

:func:`resume_action` decides what a restart does with a job: a job that has service ids is
polled, never submitted again; a job that died while its paid submit was in flight (no ids yet)
is held for the user to decide, because the service may have taken it.
"""

from __future__ import annotations

from enum import StrEnum


class JobState(StrEnum):
    DRAFT = "draft"
    UPLOADING = "uploading"
    SUBMITTED = "submitted"
    RUNNING = "running"
    STALLED = "stalled"  # timed out while the service still works on it: keep waiting?
    DOWNLOADING = "downloading"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    JobState.DRAFT: "Ready to send",
    JobState.UPLOADING: "Uploading",
    JobState.SUBMITTED: "Sent",
    JobState.RUNNING: "Working",
    JobState.STALLED: "Still running — keep waiting?",
    JobState.DOWNLOADING: "Downloading",
    JobState.DONE: "Done",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}


class Trigger(StrEnum):
    BEGIN_UPLOAD = "begin_upload"
    SUBMITTED = "submitted"
    POLL_PENDING = "poll_pending"
    POLL_COMPLETED = "poll_completed"
    DOWNLOADED = "downloaded"
    TIMEOUT = "timeout"
    KEEP_WAITING = "keep_waiting"
    FAIL = "fail"
    CANCEL = "cancel"
    RETRY = "retry"


class InvalidTransition(ValueError):
    pass


_POLLING = frozenset({JobState.SUBMITTED, JobState.RUNNING, JobState.STALLED})
_TABLE: dict[Trigger, dict[JobState, JobState]] = {
    # From uploading too: a job killed mid-upload, before its paid request was complete, starts over.
    Trigger.BEGIN_UPLOAD: {JobState.DRAFT: JobState.UPLOADING, JobState.UPLOADING: JobState.UPLOADING},
    Trigger.SUBMITTED: {JobState.UPLOADING: JobState.SUBMITTED},
    Trigger.POLL_PENDING: {s: JobState.RUNNING for s in _POLLING},
    Trigger.POLL_COMPLETED: {s: JobState.DOWNLOADING for s in (*_POLLING, JobState.DOWNLOADING)},
    Trigger.DOWNLOADED: {JobState.DOWNLOADING: JobState.DONE},
    Trigger.TIMEOUT: {JobState.SUBMITTED: JobState.STALLED, JobState.RUNNING: JobState.STALLED},
    Trigger.KEEP_WAITING: {JobState.STALLED: JobState.RUNNING},
    Trigger.FAIL: {s: JobState.FAILED for s in JobState if not s.finished},
    Trigger.CANCEL: {s: JobState.CANCELLED for s in JobState if not s.finished},
}


def next_state(state: JobState, trigger: Trigger, *, has_ids: bool = False) -> JobState:
    """The state after ``trigger``; raises :class:`InvalidTransition` when it does not apply.

    ``RETRY`` on a failed or cancelled job goes back to polling when the service already has the
    job (``has_ids``) and back to draft otherwise: retrying never pays twice.
    """
    if trigger is Trigger.RETRY:
        if state in (JobState.FAILED, JobState.CANCELLED):
            return JobState.RUNNING if has_ids else JobState.DRAFT
        raise InvalidTransition(f"cannot retry a job that is {state.value}")
    try:
        return _TABLE[trigger][state]
    except KeyError:
        raise InvalidTransition(f"{trigger.value} does not apply to a job that is {state.value}") from None


class ResumeAction(StrEnum):
    SUBMIT = "submit"  # never reached the service: send it
    POLL = "poll"  # the service has it: follow it (also refreshes download URLs)
    HOLD = "hold"  # a paid submit may have gone through without us hearing back: ask the user
    NOTHING = "nothing"  # finished


def resume_action(state: JobState, *, has_ids: bool, submit_started: bool) -> ResumeAction:
    if state.finished:
        return ResumeAction.NOTHING
    if has_ids:
        return ResumeAction.POLL
    if state is JobState.DRAFT or not submit_started:
        return ResumeAction.SUBMIT
    return ResumeAction.HOLD
