"""Helpers shared by the reliability tests, the soak and the benchmark (no pytest, no Qt).

- :class:`FaultWorld`: a job store + runner on one running local engine, polling fast, with client
  retries that record their delays instead of sleeping them (a Retry-After of 7 s costs nothing).
- :func:`engine_submits`: how many jobs the local engine *accepted* for a prompt, read from its
  persisted records (``jobs/<task_id>.json``) — the "paid" count: it must never exceed one per job.
- :func:`wait_for`: poll a condition until a deadline (never a fixed sleep).
- :func:`leftover_parts`: ``.part`` files under a folder (a half-written file is a bug).
"""

from __future__ import annotations

import collections
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.events import EventKind, JobEvent
from desktop_app.jobs.poll_scheduler import PollBudget, PollSchedule
from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.runner import JobRunner, RunnerSettings
from desktop_app.jobs.store import JobStore

# Poll the engine every 50–200 ms (the app's local schedule waits 1 s; the engine answers in ~2 ms).
FAST_SCHEDULE = PollSchedule(min_interval=0.05, max_interval=0.2, eta_fraction=0.05, first_poll_cap=0.5)


def fast_settings(work_dir: Path, **overrides: Any) -> RunnerSettings:
    return RunnerSettings(
        schedule=FAST_SCHEDULE, local_schedule=FAST_SCHEDULE, work_dir=work_dir, **{"poll_timeout": 30.0, **overrides}
    )


def unlimited_budget() -> PollBudget:
    """The byId budget (180/min) is for MusicGPT; these tests poll one local engine from many threads."""
    return PollBudget(max_calls=1_000_000, window=1.0)


def wait_for(condition: Callable[[], Any], timeout: float = 60.0, what: str = "condition", step: float = 0.01) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)  # polling a condition with a deadline


def engine_records(data_dir: Path) -> list[dict]:
    records = []
    for path in (Path(data_dir) / "jobs").glob("*.json"):
        try:
            records.append(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError):  # written atomically, so only a vanished file lands here
            continue
    return records


def engine_submits(data_dir: Path, prompt: str) -> int:
    """Jobs the engine accepted whose prompt is ``prompt`` (each test job gets a unique prompt)."""
    return sum(1 for r in engine_records(data_dir) if r.get("params", {}).get("prompt") == prompt)


def leftover_parts(folder: Path) -> list[Path]:
    return sorted(Path(folder).rglob("*.part")) if Path(folder).exists() else []


def short_wait(cancel: threading.Event, seconds: float) -> bool:
    """The runner's own waits (polls, download retries) cut to 0.2 s: a local engine needs no patience."""
    return cancel.wait(min(seconds, 0.2))


class ShortTimeouts(httpx.HTTPTransport):
    """A real HTTP transport whose requests give up after ``read`` seconds (a user's slow network)."""

    def __init__(self, read: float = 0.5) -> None:
        super().__init__()
        self.read = read

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions["timeout"] = {"connect": 2.0, "read": self.read, "write": 5.0, "pool": 2.0}
        return super().handle_request(request)


class FaultWorld:
    """One job store and runner against ``engine`` (a running ``LocalEngine``), recording every event."""

    def __init__(
        self, engine, tmp: Path, *, engine_name: str = "local", transport: httpx.BaseTransport | None = None,
        api_key: str | None = None, keep_events: bool = True, **settings: Any,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.tmp = Path(tmp)
        self.engine_name = engine_name
        self.retry_waits: list[float] = []  # delays the API clients asked for (Retry-After or backoff)
        keys = {engine_name: api_key or engine.api_key} if engine_name != "local" else None
        self.factory = ClientFactory(
            local_engine=engine, api_keys=keys, transport=transport, wait=self._record_wait
        )  # fmt: skip
        self.store = JobStore(self.tmp / "jobs.sqlite3")
        self.loop_waits: list[float] = []  # delays the runner asked for (poll intervals, rate-limited polls)
        self.runner = JobRunner(self.store, self.factory, settings=fast_settings(self.tmp / "work", **settings),
                                budget=unlimited_budget(), wait=self._runner_wait)  # fmt: skip
        self.events: list[JobEvent] = []  # every event, unless keep_events=False (a soak would hoard them)
        self.keep_events = keep_events
        self.counts: collections.Counter[EventKind] = collections.Counter()
        self._lock = threading.Lock()

    def _runner_wait(self, cancel: threading.Event, seconds: float) -> bool:
        with self._lock:
            self.loop_waits.append(seconds)
        return short_wait(cancel, seconds)

    def _record_wait(self, seconds: float) -> bool:
        with self._lock:
            self.retry_waits.append(seconds)
        return False  # time passes at once: nobody sits through a Retry-After in a test

    def create(self, request, *, duration: float | None = None, name: str = "out") -> JobRecord:
        return self.runner.create(request, self.engine_name, out_dir=self.tmp / name, duration=duration)

    def run(self, job_id: str, **kwargs: Any) -> JobRecord:
        on_event = kwargs.pop("on_event", None)

        def record(event: JobEvent) -> None:
            with self._lock:
                self.counts[event.kind] += 1
                if self.keep_events:
                    self.events.append(event)
            if on_event is not None:
                on_event(event)

        return self.runner.run(job_id, kwargs.pop("cancel", None), record, **kwargs)

    def of_kind(self, job_id: str, kind: EventKind) -> list[JobEvent]:
        with self._lock:
            return [e for e in self.events if e.job_id == job_id and e.kind is kind]

    def close(self) -> None:
        self.store.close()
