"""The shared byId budget and the per-job cadence, on a fake clock (nothing sleeps)."""

from __future__ import annotations

import threading

import pytest

from desktop_app.jobs.poll_scheduler import BYID_CALLS_PER_MINUTE, PollBudget, PollSchedule, shared_budget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_budget_never_exceeds_its_calls_per_window_under_load() -> None:
    clock = Clock()
    budget = PollBudget(max_calls=200, window=60.0, clock=clock)
    slots = []
    for i in range(1000):  # 1000 polls asked for, by many jobs, at a steady 0.05 s apart
        clock.now = 1000.0 + i * 0.05
        slots.append(clock.now + budget.reserve())
    slots.sort()
    for i in range(len(slots) - 200):
        assert slots[i + 200] - slots[i] >= 60.0 - 1e-9  # any 201 calls span more than a minute
    assert slots[199] == pytest.approx(1000.0 + 199 * 0.05)  # the first 200 go without waiting


def test_default_budget_stays_under_the_documented_limit() -> None:
    assert shared_budget().max_calls < BYID_CALLS_PER_MINUTE
    assert shared_budget() is shared_budget()


def test_budget_is_shared_safely_between_threads() -> None:
    clock = Clock()
    budget = PollBudget(max_calls=10, window=60.0, clock=clock)
    delays: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            d = budget.reserve()
            with lock:
                delays.append(d)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    delays.sort()
    assert delays[:10] == [0.0] * 10 and delays[10:20] == [60.0] * 10 and delays[20:] == [120.0] * 10


def test_acquire_gives_up_when_cancelled() -> None:
    clock = Clock()
    budget = PollBudget(max_calls=1, window=60.0, clock=clock)
    cancel = threading.Event()
    assert budget.acquire(cancel)
    cancel.set()
    assert not budget.acquire(cancel)


def test_first_poll_near_the_eta_then_backoff() -> None:
    schedule = PollSchedule(min_interval=3.0, max_interval=20.0, growth=1.5, eta_fraction=0.9, first_poll_cap=300)
    assert schedule.first_delay(40) == pytest.approx(36.0)
    assert schedule.first_delay(None) == 3.0
    assert schedule.first_delay(1) == 3.0
    assert schedule.first_delay(10_000) == 300
    assert [schedule.next_delay(n) for n in range(6)] == [3.0, 4.5, 6.75, 10.125, 15.1875, 20.0]
