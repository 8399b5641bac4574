"""The job runner: a small thread pool (numpy, pedalboard and ffmpeg release the GIL, so the HTTP
thread stays responsive) that moves jobs queued → processing → completed or failed, and an ETA
model that learns each operation's real speed on this machine.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from desktop_app.audio import AudioError
from desktop_app.engine import operations
from desktop_app.engine.dsp.inpaint import NothingToBorrowError
from desktop_app.engine.store import COMPLETED, FAILED, PROCESSING, QUEUED, STUCK, Job, JobStore

log = logging.getLogger(__name__)

WORKERS = 2
# Seconds of work per second of input audio, measured on a 2-core laptop-class machine (benchmarks);
# updated from every finished job so the ETA follows this machine.
INITIAL_COST = {"INPAINT": 0.02, "REMIX": 0.05, "COVER": 0.09, "SING_OVER_INSTRUMENTAL": 0.06, "ADD_VOCALS": 0.06}
FIXED_COST = 0.4  # decoding, file writes, bookkeeping


def api_failure_status(api: str, generic: str) -> str:
    """Map FAILED/ERROR to the API's own failure names (sunoapi statuses pass through)."""
    if api == "sunoapi":
        return {"FAILED": "GENERATE_AUDIO_FAILED", "ERROR": "CREATE_TASK_FAILED"}.get(generic, generic)
    return generic if generic in ("FAILED", "ERROR") else "FAILED"


class JobRunner:
    def __init__(self, store: JobStore, workers: int = WORKERS) -> None:
        self.store = store
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._cost = dict(INITIAL_COST)
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping.clear()
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="engine-job")
        for job in self.store.unfinished():  # jobs cut off by the last shutdown resume here
            if job.fault != STUCK:
                self.store.update(job.task_id, status=QUEUED, started_at=None)
            self.submit(job)

    def stop(self) -> None:
        self._stopping.set()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def submit(self, job: Job) -> None:
        job.eta_seconds = self.eta(job)
        if job.fault == STUCK:
            self.store.update(job.task_id, status=PROCESSING, started_at=time.time())
            return  # never scheduled: it stays in processing forever, as a stuck service job does
        assert self._pool is not None, "the runner is not started"
        self._pool.submit(self._run, job.task_id)

    # -- ETA -----------------------------------------------------------------------------------

    def work_seconds(self, job: Job) -> float:
        with self._lock:
            cost = self._cost.get(job.kind, 0.05)
        return FIXED_COST + cost * float(job.input_info.get("duration", 0.0))

    def eta(self, job: Job) -> float:
        """Seconds until ``job`` completes: the work queued ahead of it shared by the workers, plus its own."""
        now = time.time()
        if job.status in (COMPLETED, FAILED):
            return 0.0
        if job.status == PROCESSING and job.started_at:
            return max(0.5, self.work_seconds(job) - (now - job.started_at))
        ahead = 0.0
        for other in self.store.unfinished():
            if other.task_id == job.task_id or other.fault == STUCK:
                continue
            if other.created_at <= job.created_at:
                ahead += self.eta(other) if other.status == PROCESSING else self.work_seconds(other)
        return ahead / self.workers + self.work_seconds(job)

    def _learn(self, job: Job, seconds: float) -> None:
        duration = float(job.input_info.get("duration", 0.0))
        if duration <= 1.0:
            return
        observed = max(0.0, seconds - FIXED_COST) / duration
        with self._lock:
            self._cost[job.kind] = 0.7 * self._cost.get(job.kind, observed) + 0.3 * observed

    # -- running -------------------------------------------------------------------------------

    def _run(self, task_id: str) -> None:
        if self._stopping.is_set():
            return  # stays queued on disk; the next start resumes it
        job = self.store.update(task_id, status=PROCESSING, started_at=time.time())
        if job.fault and job.fault != STUCK:
            self._fail(job, job.fault, "Simulated failure requested by the engine's fault plan.")
            return
        began = time.perf_counter()
        try:
            operations.run(job, self.store)
        except (AudioError, NothingToBorrowError, ValueError) as exc:
            self._fail(job, "FAILED", f"Local engine could not process the audio: {exc}")
            return
        except Exception as exc:
            log.exception("local engine job %s failed", task_id)
            self._fail(job, "ERROR", f"Local engine internal error: {exc}")
            return
        elapsed = time.perf_counter() - began
        self._learn(job, elapsed)
        self.store.update(task_id, status=COMPLETED, finished_at=time.time(), eta_seconds=0.0,
                          message=f"Made by the Retake local engine in {elapsed:.1f} s")  # fmt: skip

    def _fail(self, job: Job, generic: str, message: str) -> None:
        self.store.update(job.task_id, status=FAILED, failure_status=api_failure_status(job.api, generic),
                          message=message, finished_at=time.time(), eta_seconds=0.0)  # fmt: skip


def eta_int(seconds: float) -> int:
    """The documented ``eta`` is an integer number of seconds; never promise less than one."""
    return max(1, math.ceil(seconds))
