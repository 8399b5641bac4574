"""A rate-limited poll is waited out by the poll loop, not inside the client: each new try takes a slot of
the shared budget (so every job's polls slow down together), a short streak is an ordinary retry, and a
long one leaves the paid job STALLED with a countdown until the service answers again."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.api.models import RemixRequest
from desktop_app.jobs.events import EventKind
from desktop_app.jobs.states import JobState
from tests.support.jobs_world import World


@pytest.fixture
def world(tmp_path: Path) -> World:
    w = World(tmp_path)
    yield w
    w.store.close()


def _count_slots(world: World) -> list[int]:
    taken = [0]
    acquire = world.runner.budget.acquire

    def counting(cancel=None) -> bool:
        taken[0] += 1
        return acquire(cancel)

    world.runner.budget.acquire = counting  # type: ignore[method-assign]
    return taken


def test_a_short_streak_is_retried_after_retry_after_each_try_taking_a_budget_slot(world: World) -> None:
    slots = _count_slots(world)
    world.fake.fail_next("/byId", 429, {"message": "slow down"}, headers={"Retry-After": "7"}, times=2)
    job = world.run(world.create(RemixRequest(audio_file=world.song, prompt="lofi")).id)
    assert job.state is JobState.DONE, job.error_message
    retries = [e for e in world.events if e.kind is EventKind.RETRY]
    assert [e.delay for e in retries] == [7.0, 7.0] and "asking again in 7 s" in retries[0].message
    assert JobState.STALLED not in world.states()  # two refusals are an ordinary retry, not a stalled job
    assert slots[0] == len(world.fake.calls("/byId"))  # every poll, retries included, went through the budget
    assert world.clock.waits.count(7.0) == 2


def test_a_long_streak_stalls_the_job_with_a_countdown_then_it_finishes(world: World) -> None:
    world.fake.fail_next("/byId", 429, {"message": "slow down"}, headers={"Retry-After": "30"}, times=6)
    job = world.run(world.create(RemixRequest(audio_file=world.song, prompt="lofi")).id)
    assert job.state is JobState.DONE, job.error_message
    states = world.states()
    stalled = states.index(JobState.STALLED)  # at the fifth refusal: the client policy's five attempts
    assert states[stalled + 1] is JobState.RUNNING  # "The service answers again"
    assert [e.delay for e in world.events if e.kind is EventKind.RETRY] == [30.0] * 6
    limited = [e for e in world.store.events(job.id) if e.kind == "rate_limited"]
    assert len(limited) == 1  # the sixth, while already stalled, is logged without a new state


def test_a_streak_without_retry_after_backs_off_then_waits_longer_once_stalled(world: World) -> None:
    world.fake.fail_next("/byId", 429, {"message": "slow down"}, times=6)
    job = world.run(world.create(RemixRequest(audio_file=world.song, prompt="lofi")).id)
    assert job.state is JobState.DONE, job.error_message
    delays = [e.delay for e in world.events if e.kind is EventKind.RETRY]
    assert len(delays) == 6 and all(d < 15 for d in delays[:4])  # the client policy's backoff: 1, 2, 4, 8 s ± 30 %
    assert delays[4:] == [15.0, 30.0]  # stalled: 15 s, then doubling
