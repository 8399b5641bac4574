"""The poll step of a run: ask the service about the job until it finishes, fails or the wait runs out.

Polls follow the engine's :class:`~desktop_app.jobs.poll_scheduler.PollSchedule` (eager for the engine on
this computer, patient for a paid service) and draw on the service's shared budget, so twenty jobs do
not spend MusicGPT's 200 calls a minute each on their own. A rate limit is waited out here rather than
in the client, so every job's polls wait with it and each new try takes a slot of the budget: the
first refusals are retried as the client would retry any error; a longer streak does not fail the
paid job but leaves it STALLED with a countdown until the service answers again. A job still running
when ``poll_timeout`` passes is left STALLED ("keep waiting?").
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from desktop_app.api.engines import EngineKind, parse_engine
from desktop_app.api.errors import (
    CancelledError,
    JobFailedError,
    MalformedResponseError,
    RateLimitError,
    ServiceError,
)
from desktop_app.api.results import JobStatus, Progress
from desktop_app.jobs.events import EventKind
from desktop_app.jobs.poll_scheduler import PollBudget
from desktop_app.jobs.states import JobState, Trigger

if TYPE_CHECKING:
    from desktop_app.jobs.clients import EngineClients
    from desktop_app.jobs.runner import JobRun

# A finished sunoapi.org record may list a track before its audioUrl is filled: poll it this many
# more times before saying so.
MAX_POLLS_WITHOUT_AUDIO = 20
# After a poll's own retries run out on a rate limit the job waits (STALLED) and polls again.
RATE_LIMIT_WAIT = (15.0, 300.0)  # first wait, longest wait (when the service gives no Retry-After)


def poll_until_finished(run: JobRun, clients: EngineClients) -> JobStatus | None:
    """Poll until the service reports the job completed (its status, takes listed) or the wait runs out
    (None, the job STALLED). Raises :class:`JobFailedError` when the service gave up on it."""
    local = _is_local(run)
    schedule = run.settings.local_schedule if local else run.settings.schedule
    clock = run.runner.clock
    deadline = clock() + run.settings.poll_timeout
    eta_left = None
    if run.job.eta_seconds is not None and run.job.submitted_at is not None:
        eta_left = run.job.eta_seconds - (time.time() - run.job.submitted_at)
    delay = schedule.first_delay(eta_left) if run.job.state is JobState.SUBMITTED else schedule.min_interval
    delay = min(delay, max(0.0, deadline - clock()))
    last_status, unchanged = run.job.service_status, 0
    limited, without_audio = 0, 0
    while True:
        if run.runner.wait(run.cancel, delay) or run.cancel.is_set():
            raise CancelledError()
        try:
            status = _status(run, clients)
        except RateLimitError as error:
            limited += 1
            _wait_out_rate_limit(run, clients, error, limited)
            delay = 0.0
            continue
        limited = 0
        if run.job.state is JobState.STALLED:  # stalled by a streak of rate limits, which has ended
            run.to(Trigger.KEEP_WAITING, "The service answers again")
        if status.cost is not None and status.cost != run.job.cost:
            run.job = run.store.update(run.job.id, cost=status.cost)
            run.emit(EventKind.CREDITS, cost=status.cost, credit_estimate=run.job.credit_estimate)
        if status.raw_status != last_status:
            run.job = run.store.update(run.job.id, service_status=status.raw_status)
            run.store.log_event(run.job.id, "service_status", None, status.raw_status)
            run.emit(EventKind.STATUS, message=status.raw_status)
            last_status, unchanged = status.raw_status, 0
        else:
            unchanged += 1
        if status.progress is Progress.FAILED:
            reason = status.message or f"status {status.raw_status}"
            raise JobFailedError(f"The service could not finish this job: {reason}", detail=status.message)
        if status.progress is Progress.COMPLETED:
            run.to(Trigger.POLL_COMPLETED, "Finished; downloading the takes")
            return status
        if status.extra.get("audio_missing"):
            without_audio += 1
            if without_audio > MAX_POLLS_WITHOUT_AUDIO:
                raise MalformedResponseError(
                    f"The service reported this job finished but sent no audio link after {without_audio} "
                    "asks. Try again later: the job is kept and will only be polled, never paid again."
                )
        if run.job.state is not JobState.RUNNING:
            run.to(Trigger.POLL_PENDING, "The service is working on it")
        if clock() >= deadline:
            minutes = run.settings.poll_timeout / 60
            run.to(Trigger.TIMEOUT, f"Still running after {minutes:.0f} min — keep waiting?")
            return None
        delay = min(schedule.next_delay(unchanged), max(0.0, deadline - clock()))


def _budget(run: JobRun) -> PollBudget | None:
    """The shared budget this job's polls draw on (none for the engine on this computer)."""
    if _is_local(run):
        return None
    return run.runner.sunoapi_budget if run.operation.service == "sunoapi" else run.runner.budget


def _status(run: JobRun, clients: EngineClients) -> JobStatus:
    budget = _budget(run)
    if budget is not None and not budget.acquire(run.cancel):
        raise CancelledError()
    task_id = run.job.task_id
    if not task_id:  # the submit step (or finding a lost submit) records the ids before any poll
        raise ServiceError("This job has no task id from the service, so there is nothing to ask about.")
    if run.operation.service == "sunoapi":
        return clients.sunoapi.status(task_id, cancel=run.cancel, on_retry=run.on_retry)
    return clients.musicgpt.status(
        run.operation, task_id, run.job.conversion_ids, cancel=run.cancel, on_retry=run.on_retry
    )


def _is_local(run: JobRun) -> bool:
    return parse_engine(run.job.engine).kind is EngineKind.LOCAL


def _wait_out_rate_limit(run: JobRun, clients: EngineClients, error: RateLimitError, streak: int) -> None:
    """A poll was refused for its rate: wait as the service asks (its Retry-After, else a backoff), and every
    other job's polls wait with it (the shared budget); the next try takes a slot of the budget again.

    The first refusals of a streak are retried like any other error, as the client's policy would (it hands
    rate limits back here). A streak past the policy's attempts leaves the paid job STALLED with a countdown,
    never FAILED, waiting longer each time, until the service answers again."""
    policy = (clients.sunoapi if run.operation.service == "sunoapi" else clients.musicgpt).policy
    stalled = streak >= policy.max_attempts
    if not stalled:
        delay = policy.delay(streak, error)
    else:
        low, high = RATE_LIMIT_WAIT
        backoff = min(high, low * 2 ** (streak - policy.max_attempts))
        delay = min(max(error.retry_after if error.retry_after is not None else backoff, 0.0), high)
    budget = _budget(run)
    if budget is not None:
        budget.defer(delay)
    message = f"{error.service or 'The service'} is limiting requests; asking again in {delay:.0f} s"
    if stalled and run.job.state is JobState.STALLED:
        run.store.log_event(run.job.id, "rate_limited", None, message)
    elif stalled:
        run.to(Trigger.TIMEOUT, message)
    run.emit(EventKind.RETRY, error=error, delay=delay, message=message)
    if run.runner.wait(run.cancel, delay) or run.cancel.is_set():
        raise CancelledError()
