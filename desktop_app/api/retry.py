"""Retry with the right policy per error: Retry-After when given, else exponential backoff + jitter.

Only errors whose ``retryable`` is True are retried (rate limits, 5xx/455, network trouble, a
truncated download); bad keys, missing credits, validation and malformed answers fail at once.
Waiting goes through ``cancel.wait`` so a cancel interrupts a backoff immediately.

A submit is special: resending a POST the service may already have accepted could charge twice,
so :func:`call_with_retry` takes ``idempotent=False`` for it and then retries only failures that
prove nothing was accepted (an HTTP error answer, or a connection that never opened).
"""

from __future__ import annotations

import email.utils
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from desktop_app.api.errors import CancelledError, NetworkError, RateLimitError, ServiceError

T = TypeVar("T")
Wait = Callable[[float], bool]  # returns True when cancelled during the wait


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 60.0
    jitter: float = 0.3  # ± fraction of the delay, so many clients do not retry in lockstep
    max_retry_after: float = 600.0  # a larger Retry-After is honoured only up to this

    def delay(self, attempt: int, error: ServiceError, rng: random.Random | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        if error.retry_after is not None and error.retry_after >= 0:
            return min(error.retry_after, self.max_retry_after)
        raw = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        spread = raw * self.jitter
        return max(0.0, raw + (rng or random).uniform(-spread, spread))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def nothing_accepted(error: ServiceError) -> bool:
    """True when the service certainly did not take the request: it answered with an error (any
    status, including a 200 that says ``success: false``), or the connection never opened."""
    if isinstance(error, NetworkError):
        return not error.request_sent
    return error.status is not None


def may_retry(error: ServiceError, *, idempotent: bool, rate_limits: bool = True) -> bool:
    if not error.retryable or (isinstance(error, RateLimitError) and not rate_limits):
        return False
    # A submit: only when the service certainly did not take the job.
    return idempotent or nothing_accepted(error)


def call_with_retry(
    fn: Callable[[], T],
    *,
    policy: RetryPolicy | None = None,
    cancel: threading.Event | None = None,
    idempotent: bool = True,
    rate_limits: bool = True,
    on_retry: Callable[[ServiceError, float, int], None] | None = None,
    wait: Wait | None = None,
    rng: random.Random | None = None,
) -> T:
    """Call ``fn`` until it succeeds, a non-retryable error occurs, or attempts run out. With
    ``rate_limits=False`` a rate limit is raised at once, for a caller that waits it out itself (the poll
    loop, so every job's polls wait together and the wait counts against the service's budget)."""
    policy = policy or RetryPolicy()
    cancel = cancel or threading.Event()
    wait = wait or cancel.wait
    attempt = 1
    while True:
        if cancel.is_set():
            raise CancelledError()
        try:
            return fn()
        except ServiceError as error:
            if attempt >= policy.max_attempts or not may_retry(error, idempotent=idempotent, rate_limits=rate_limits):
                raise
            delay = policy.delay(attempt, error, rng)
            if on_retry:
                on_retry(error, delay, attempt)
            if wait(delay):
                raise CancelledError() from error
            attempt += 1
