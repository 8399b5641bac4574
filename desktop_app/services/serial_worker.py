"""A background thread that runs tasks one after another (no Qt).

For work the window hands off in bursts (take preparation when jobs finish): one thread in order
instead of a thread per request, so a burst never turns into a crowd of threads competing with the
GUI thread for the CPU and the interpreter.

Not a daemon thread, on purpose: Python joins it before finalizing (``concurrent.futures`` does the
bookkeeping). A daemon thread caught inside scipy's FFT at exit is ended by CPython through the C++
frames, which aborts the whole process ("terminate called without an active exception", seen with a
take still being aligned as a benchmark quit). Owners make queued work cheap to skip when they close.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class SerialWorker:
    def __init__(self, name: str) -> None:
        self._name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def submit(self, task: Callable[[], object]) -> Future:
        """Queue ``task``; an exception it raises is logged (one bad task must not go unnoticed)."""
        future = self._pool.submit(task)
        future.add_done_callback(self._report)
        return future

    def _report(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is not None:
            error = future.exception()
            log.error("background task on %s failed", self._name, exc_info=(type(error), error, error.__traceback__))

    def shutdown(self, *, wait: bool = False) -> None:
        """Drop what has not started; the running task ends on its own (owners make it stop early).
        ``wait`` blocks until it has."""
        self._pool.shutdown(wait=wait, cancel_futures=True)
