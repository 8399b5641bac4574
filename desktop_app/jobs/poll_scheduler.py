"""When to poll: near the service's ETA first, then every few seconds with backoff, all jobs
together under the documented byId limit (200 calls per minute).

:class:`PollBudget` is one sliding-window limiter shared by every job (and thread) of the process;
``reserve()`` books the next free slot and says how long to wait for it, so callers never burst.
:class:`PollSchedule` is the per-job cadence; both take a clock so tests need no sleeping.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

BYID_CALLS_PER_MINUTE = 200  # MusicGPT "Ratelimits" page
DEFAULT_BUDGET = 180  # keep 10 % headroom for the GUI's voice list and clock skew


class PollBudget:
    """At most ``max_calls`` calls in any ``window`` seconds, shared by all jobs."""

    def __init__(
        self, max_calls: int = DEFAULT_BUDGET, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_calls < 1 or window <= 0:
            raise ValueError("a budget needs at least one call per positive window")
        self.max_calls = max_calls
        self.window = window
        self._clock = clock
        self._booked: deque[float] = deque()
        self._not_before = 0.0
        self._lock = threading.Lock()

    def defer(self, seconds: float) -> None:
        """The service said "slow down": no slot is handed out for the next ``seconds``, to any job."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + max(0.0, seconds))

    def reserve(self) -> float:
        """Book the next free slot; returns seconds to wait before using it (0 when free now)."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._not_before, self._booked[-1] if self._booked else now)
            if len(self._booked) >= self.max_calls:
                slot = max(slot, self._booked.popleft() + self.window)
            self._booked.append(slot)
            return slot - now

    def acquire(self, cancel: threading.Event | None = None) -> bool:
        """Wait for a slot; False when ``cancel`` was set meanwhile."""
        delay = self.reserve()
        if delay > 0 and cancel is not None:
            return not cancel.wait(delay)
        if delay > 0:
            time.sleep(delay)
        return not (cancel is not None and cancel.is_set())


_shared_budgets: dict[str, PollBudget] = {}
_shared_lock = threading.Lock()


def shared_budget(name: str = "musicgpt-byId") -> PollBudget:
    """The process-wide budget for ``name`` (one per service limit)."""
    with _shared_lock:
        if name not in _shared_budgets:
            _shared_budgets[name] = PollBudget()
        return _shared_budgets[name]


@dataclass(frozen=True)
class PollSchedule:
    """Per-job polling cadence.

    First poll at ``eta_fraction`` of the ETA (not before ``min_interval``, not after
    ``first_poll_cap``), then ``min_interval`` growing by ``growth`` up to ``max_interval``; the
    backoff restarts whenever the service reports a new status, since things are moving.
    """

    min_interval: float = 3.0
    max_interval: float = 20.0
    growth: float = 1.5
    eta_fraction: float = 0.9
    first_poll_cap: float = 300.0

    def first_delay(self, eta_seconds: float | None) -> float:
        if eta_seconds is None or eta_seconds <= 0:
            return self.min_interval
        return min(self.first_poll_cap, max(self.min_interval, eta_seconds * self.eta_fraction))

    def next_delay(self, polls_since_change: int) -> float:
        """Delay after the ``polls_since_change``-th poll that brought no new status (0-based)."""
        return min(self.max_interval, self.min_interval * self.growth ** max(0, polls_since_change))
