"""Run callables one after another in the background: a thin queue over services/tasks.py.

For work handed off in bursts (take preparation when jobs finish, exports, the working version, the
lyrics store): one thread in order instead of a thread per request, so a burst never turns into a
crowd of threads competing with the GUI thread for the CPU and the interpreter.

There is one background mechanism, :class:`~desktop_app.services.tasks.Tasks`; this only adds the
queue. The queue is drained by one task at a time (started when work arrives, ended when the queue is
empty), so it is generation-tagged, cancellable and joined by ``tasks.shutdown_all`` at quit like
every other task: a take still being prepared when the window closes is cancelled (its owner's work
checks ``cancelled`` or its own generation) and finishes before the interpreter does, and what was
still queued is dropped. A callable that fails after the worker was shut down is the expected end
of interrupted work and is logged as such, not as an error.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from desktop_app.services.tasks import Task, Tasks

log = logging.getLogger(__name__)


class SerialWorker:
    def __init__(self, name: str) -> None:
        self._name = name
        self._tasks = Tasks(name)
        self._queue: deque[tuple[Future, Callable[[], Any]]] = deque()
        self._lock = threading.Lock()
        self._task: Task | None = None
        self._closed = False

    @property
    def cancelled(self) -> bool:
        """True once the worker was shut down (by its owner or at quit): running work may stop early."""
        with self._lock:
            task = self._task
        return self._closed or (task is not None and task.cancelled)

    def submit(self, fn: Callable[[], Any]) -> Future:
        """Queue ``fn``; an exception it raises is logged (one bad task must not go unnoticed).
        After shutdown the returned future is already cancelled."""
        future: Future = Future()
        with self._lock:
            if not self._closed:
                self._queue.append((future, fn))
                if self._task is None:
                    try:
                        self._task = self._tasks.start(self._drain, name=self._name)
                    except RuntimeError:  # every task was shut down at quit: nothing new starts
                        self._queue.pop()
                        self._closed = True
        if self._closed and not future.running() and not future.done():
            future.cancel()
        return future

    def shutdown(self, *, wait: bool = False) -> None:
        """Drop what has not started and cancel what is running (it ends at its next check).
        ``wait`` blocks until it has ended."""
        with self._lock:
            self._closed = True
            dropped = list(self._queue)
            self._queue.clear()
            task = self._task
        for future, _fn in dropped:
            future.cancel()
        if task is not None:
            task.cancel()
            if wait:
                task.join()

    def _drain(self, task: Task) -> None:
        while True:
            with self._lock:
                if not self._queue or task.cancelled:
                    dropped = list(self._queue)
                    self._queue.clear()
                    self._task = None
                    break
                future, fn = self._queue.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn()
            except BaseException as error:
                future.set_exception(error)
                if task.cancelled:
                    log.info("%s: work interrupted at shutdown ended with %r", self._name, error)
                else:
                    log.error("background task on %s failed", self._name, exc_info=error)
            else:
                future.set_result(result)
        for future, _fn in dropped:
            future.cancel()
