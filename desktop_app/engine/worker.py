"""The job runner: moves jobs queued → processing → completed or failed, and estimates when.

The signal processing runs in a pool of worker *processes*. Threads were measured first: numpy's
FFT and scipy's filters hold the GIL for up to a few hundred milliseconds at a time, and
with 50 jobs in flight ``byId`` answered in 52 ms (p50) / 211 ms (p99). With processes the HTTP
thread only parses requests and reads small records. The runner keeps its own queue and hands at
most ``workers`` jobs to the pool, so "processing" means a process is really working on the job.

The ETA model starts from costs measured on a 2-core machine (seconds of work per second of audio)
and learns from every finished job, so the countdown follows the machine it runs on.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import logging
import math
import multiprocessing
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from desktop_app.engine import operations, worker_boot
from desktop_app.engine.store import COMPLETED, FAILED, PROCESSING, QUEUED, STUCK, Job, JobStore

log = logging.getLogger(__name__)

WORKERS = 2
INITIAL_COST = {"INPAINT": 0.012, "EXTEND": 0.012, "REMIX": 0.06, "COVER": 0.09, "SING_OVER_INSTRUMENTAL": 0.06,
                "ADD_VOCALS": 0.06}  # fmt: skip
FIXED_COST = 0.5  # decoding, MP3 encoding start-up, bookkeeping
# Job faults that happen after the audio is made: the job completes and its record reports the fault.
DELIVERED_FAULTS = ("CALLBACK_EXCEPTION",)


def api_failure_status(api: str, generic: str) -> str:
    """Map FAILED/ERROR to the API's own failure names (sunoapi statuses pass through)."""
    if api == "sunoapi":
        return {"FAILED": "GENERATE_AUDIO_FAILED", "ERROR": "CREATE_TASK_FAILED"}.get(generic, generic)
    return generic if generic in ("FAILED", "ERROR") else "FAILED"


def eta_int(seconds: float) -> int:
    """The documented ``eta`` is an integer number of seconds; never promise less than one."""
    return max(1, math.ceil(seconds))


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Block SIGINT in this thread meanwhile. A process spawned now inherits the block, so Ctrl+C in the
    terminal (sent to the whole process group) waits until ``worker_init`` has set the worker to ignore it,
    instead of interrupting its start-up imports with a KeyboardInterrupt traceback."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: Ctrl+C reaches console processes otherwise
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class JobRunner:
    def __init__(self, store: JobStore, workers: int = WORKERS) -> None:
        self.store = store
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._cost = dict(INITIAL_COST)
        self._lock = threading.RLock()
        self._waiting: collections.deque[str] = collections.deque()
        self._running: dict[str, float] = {}  # task_id -> perf_counter at dispatch

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            self._pool = self._new_pool()
            for job in self.store.unfinished():  # jobs cut off by the last shutdown resume here
                if job.fault != STUCK:
                    self.store.update(job.task_id, status=QUEUED, started_at=None)
                self.submit(job)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the parent has live threads (uvicorn, Qt) that a fork would copy mid-state.
        pool = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=worker_boot.worker_init
        )
        with _sigint_held():  # a worker is spawned by a submit: it must not die of a Ctrl+C while it boots
            for _ in range(self.workers):
                pool.submit(operations.warm_up)  # start the processes now, not on the first job
        return pool

    def stop(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            self._waiting.clear()
            self._running.clear()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, job: Job) -> None:
        if job.fault == STUCK:
            self.store.update(job.task_id, status=PROCESSING, started_at=time.time())
            return  # never scheduled: it stays in processing forever, as a stuck service job does
        with self._lock:
            self._waiting.append(job.task_id)
            self._dispatch()

    def _dispatch(self) -> None:
        while self._pool is not None and self._waiting and len(self._running) < self.workers:
            task_id = self._waiting.popleft()
            job = self.store.update(task_id, status=PROCESSING, started_at=time.time())
            if job.fault and job.fault not in DELIVERED_FAULTS:
                self._finish(job, ("fault", job.fault))
                continue
            self._running[task_id] = time.perf_counter()
            future = self._pool.submit(operations.run_job, job, self.store.input_path(job), self.store.conversions_dir)
            future.add_done_callback(functools.partial(self._done, task_id))

    def _done(self, task_id: str, future: Future) -> None:
        with self._lock:
            began = self._running.pop(task_id, None)
            if began is None:
                return  # stopped meanwhile: the record stays unfinished and resumes on the next start
            job = self.store.get(task_id)
            try:
                outcome = future.result()
            except BrokenProcessPool as exc:
                log.error("local engine worker process died on %s: %s", task_id, exc)
                outcome = ("error", "Local engine worker process stopped unexpectedly (out of memory?)")
                self._pool = self._new_pool()
            except Exception as exc:  # cancelled or unpicklable: report it, never lose the job silently
                outcome = ("error", f"Local engine internal error: {exc}")
            if job is not None:
                if outcome[0] == "ok":
                    self._learn(job, time.perf_counter() - began)
                self._finish(job, outcome, time.perf_counter() - began)
            self._dispatch()

    def _finish(self, job: Job, outcome: tuple, seconds: float = 0.0) -> None:
        kind, value = outcome
        if kind == "ok":
            # A callback fault still delivers the audio: the record says CALLBACK_EXCEPTION beside it.
            self.store.update(job.task_id, takes=value, status=COMPLETED, finished_at=time.time(), eta_seconds=0.0,
                              message=f"Made by the Retake local engine in {seconds:.1f} s",
                              failure_status=job.fault if job.fault in DELIVERED_FAULTS else "")  # fmt: skip
            return
        if kind == "fault":  # the fault plan asked for this job to fail with this status
            generic, message = value, "Simulated failure requested by the engine's fault plan."
        else:
            generic, message = ("FAILED" if kind == "failed" else "ERROR"), value
        self.store.update(job.task_id, status=FAILED, failure_status=api_failure_status(job.api, generic),
                          message=message, finished_at=time.time(), eta_seconds=0.0)  # fmt: skip

    # -- ETA -----------------------------------------------------------------------------------

    def work_seconds(self, job: Job) -> float:
        with self._lock:
            cost = self._cost.get(job.kind, 0.05)
        return FIXED_COST + cost * float(job.input_info.get("duration", 0.0))

    def eta(self, job: Job) -> float:
        """Seconds until ``job`` completes: the work ahead of it shared by the workers, plus its own."""
        if job.status in (COMPLETED, FAILED):
            return 0.0
        with self._lock:
            if job.task_id in self._running:
                return max(0.5, self.work_seconds(job) - (time.perf_counter() - self._running[job.task_id]))
            ahead = sum(max(0.0, self.work_seconds(j) - (time.perf_counter() - began))
                        for j, began in ((self.store.get(t), b) for t, b in self._running.items()) if j)  # fmt: skip
            for task_id in self._waiting:
                if task_id == job.task_id:
                    break
                other = self.store.get(task_id)
                ahead += self.work_seconds(other) if other else 0.0
        return ahead / self.workers + self.work_seconds(job)

    def _learn(self, job: Job, seconds: float) -> None:
        duration = float(job.input_info.get("duration", 0.0))
        if duration <= 1.0:
            return
        observed = max(0.0, seconds - FIXED_COST) / duration
        with self._lock:
            self._cost[job.kind] = 0.7 * self._cost.get(job.kind, observed) + 0.3 * observed
