"""A background thread that runs tasks one after another (no Qt).

For work the window hands off in bursts (take preparation when jobs finish): one thread in order
instead of a thread per request, so a burst never turns into a crowd of threads competing with the
GUI thread for the CPU and the interpreter.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

IDLE_EXIT_S = 5.0  # an idle worker thread ends; the next task starts a new one


class SerialWorker:
    """One daemon thread running tasks in order, started on demand and ended when idle. Daemon: a
    preparation still running when the app quits must not hold the exit up; its result is thrown away."""

    def __init__(self, name: str, idle_exit_s: float = IDLE_EXIT_S) -> None:
        self._name = name
        self._idle_exit_s = idle_exit_s
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, task: Callable[[], None]) -> None:
        self._tasks.put(task)
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    @property
    def running(self) -> bool:
        """True while its thread exists (busy, or idle and not yet ended)."""
        with self._lock:
            return self._thread is not None

    def _run(self) -> None:
        while True:
            try:
                task = self._tasks.get(timeout=self._idle_exit_s)
            except queue.Empty:
                with self._lock:  # submit() puts before it takes the lock: nothing can slip in unseen
                    if self._tasks.empty():
                        self._thread = None
                        return
                continue
            try:
                task()
            except Exception:  # one bad task must not stop the ones behind it
                log.exception("background task on %s failed", self._name)
