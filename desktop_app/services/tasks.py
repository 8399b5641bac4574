"""The one way to run work off the GUI thread (like napari's ``create_worker`` or Picard's ``run_task``).

``tasks.start(work, key=..., on_result=..., on_error=..., on_finished=...)`` runs ``work(task)`` on its
own thread; what it returns (or raises) comes back on the GUI thread, and ``task.post(fn, *args)``
sends progress the same way. Every task carries a generation:

- A task is *stale* once a newer task with the same ``key`` starts, ``tasks.forget(key)`` is called or
  its owner shuts down. Whatever a stale task still posts is dropped, so a late answer can never
  overwrite a newer one (open song B while A is still decoding: A's waveform never shows).
- ``task.cancel()`` asks the work to stop: it sets ``task.cancel_event`` (which the work checks or
  waits on) and runs the hooks the work registered with ``task.on_cancel`` — e.g. shutting the
  sockets of a blocked HTTP read — from the cancelling thread, at once. A cancelled task that is not
  stale still delivers what it posts (a job's final CANCELLED state).
- ``tasks.shutdown(timeout)`` cancels every task and joins them all under one deadline.

The threads are not daemons, on purpose: Python joins them before finalizing, so no task is cut off
inside numpy, scipy or a C++ frame as the interpreter exits (which aborts the process).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)
_registry: weakref.WeakSet[Tasks] = weakref.WeakSet()
_numbers = itertools.count(1)


class Task:
    """One piece of background work; made by :meth:`Tasks.start`."""

    def __init__(self, owner: Tasks, key: Hashable | None, generation: int, name: str) -> None:
        self._owner = owner
        self.key = key
        self.generation = generation
        self.name = name
        self.cancel_event = threading.Event()
        self._hooks: list[Callable[[], object]] = []
        self._lock = threading.Lock()
        self.thread: threading.Thread | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def stale(self) -> bool:
        """Superseded by a newer task with the same key, forgotten, or its owner shut down."""
        return self._owner._is_stale(self)

    def cancel(self) -> None:
        """Ask the work to stop (thread-safe, idempotent): set the event, run the cancel hooks now."""
        with self._lock:
            if self.cancel_event.is_set():
                return
            self.cancel_event.set()
            hooks = list(self._hooks)
        for hook in hooks:
            try:
                hook()
            except Exception:  # one failing hook must not keep the others (or the shutdown) from running
                log.exception("cancel hook of task %s failed", self.name)

    def on_cancel(self, hook: Callable[[], object]) -> None:
        """Run ``hook`` when the task is cancelled (at once if it already is), from the cancelling thread."""
        with self._lock:
            if not self.cancel_event.is_set():
                self._hooks.append(hook)
                return
        hook()

    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on the GUI thread, unless the task is stale by the time it gets there."""
        self._owner._post(self, fn, args)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the work to end; True when it has."""
        if self.thread is not None:
            self.thread.join(timeout)
            return not self.thread.is_alive()
        return True

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()


class Tasks(QObject):
    """The background tasks of one owner (a service); results arrive on the thread this lives in."""

    _deliver = Signal(object)  # (task, fn, args): emitted from a worker thread, queued to this thread

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._generations: dict[Hashable | None, int] = {}
        self._running: set[Task] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._deliver.connect(self._on_deliver, Qt.ConnectionType.QueuedConnection)
        _registry.add(self)

    # ------------------------------------------------------------------------------------ starting
    def start(
        self,
        work: Callable[[Task], Any],
        *,
        key: Hashable | None = None,
        name: str | None = None,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> Task:
        """Run ``work(task)`` on a new thread. A task with the same ``key`` that is still running is
        cancelled and becomes stale. ``on_result(value)`` or ``on_error(exception)`` and then
        ``on_finished()`` are called on this object's thread (not for a stale task). An error with no
        ``on_error`` is logged."""
        with self._lock:
            if self._closed:
                raise RuntimeError(f"{self.name}: tasks were shut down")
            generation = self._generations.get(key, 0) + 1
            self._generations[key] = generation
            previous = [t for t in self._running if key is not None and t.key == key]
            task = Task(self, key, generation, name or f"{self.name}-{next(_numbers)}")
            self._running.add(task)
        for old in previous:
            old.cancel()
        task.thread = threading.Thread(
            target=self._main, args=(task, work, on_result, on_error, on_finished), name=task.name
        )
        task.thread.start()
        return task

    def forget(self, key: Hashable | None) -> None:
        """Cancel the task running under ``key`` and drop anything it still posts."""
        with self._lock:
            self._generations[key] = self._generations.get(key, 0) + 1
            current = [t for t in self._running if t.key == key]
        for task in current:
            task.cancel()

    def generation(self, key: Hashable | None) -> int:
        """The generation of the newest task started under ``key`` (moved on by ``forget``)."""
        return self._generations.get(key, 0)

    def current(self, key: Hashable | None) -> Task | None:
        """The running task under ``key`` that is not stale, if any."""
        with self._lock:
            found = [t for t in self._running if t.key == key and self._generations.get(key) == t.generation]
        return found[0] if found else None

    def running(self) -> list[Task]:
        with self._lock:
            return [t for t in self._running if t.running]

    # ----------------------------------------------------------------------------------- stopping
    def shutdown(self, timeout: float = 5.0) -> bool:
        """Cancel every task and join them all under one deadline; True when all have ended."""
        with self._lock:
            self._closed = True
            tasks = list(self._running)
        return _cancel_and_join(tasks, timeout)

    def wait(self, timeout: float = 10.0) -> bool:
        """Join the running tasks without cancelling them (tests, or work that must finish)."""
        deadline = time.monotonic() + timeout
        return all(t.join(max(0.0, deadline - time.monotonic())) for t in self.running())

    # ----------------------------------------------------------------------------------- internals
    def _main(self, task: Task, work, on_result, on_error, on_finished) -> None:
        try:
            result = work(task)
        except Exception as error:
            if on_error is not None:
                task.post(on_error, error)
            else:
                log.exception("background task %s failed", task.name)
        else:
            if on_result is not None:
                task.post(on_result, result)
        finally:
            if on_finished is not None:
                task.post(on_finished)
            with self._lock:
                self._running.discard(task)

    def _is_stale(self, task: Task) -> bool:
        return self._closed or self._generations.get(task.key) != task.generation

    def _post(self, task: Task, fn, args: tuple) -> None:
        if self._is_stale(task):
            return
        # RuntimeError: the owner (and this object) was deleted while the task ran; nobody is listening.
        with contextlib.suppress(RuntimeError):
            self._deliver.emit((task, fn, args))

    @Slot(object)
    def _on_deliver(self, payload: tuple) -> None:
        task, fn, args = payload
        if not self._is_stale(task):  # checked again here: it may have become stale on the way
            fn(*args)


def _cancel_and_join(tasks: list[Task], timeout: float) -> bool:
    for task in tasks:
        task.cancel()
    deadline = time.monotonic() + timeout
    return all(task.join(max(0.0, deadline - time.monotonic())) for task in tasks)


def shutdown_all(timeout: float = 5.0) -> bool:
    """At application exit: cancel and join every task of every owner, under one deadline."""
    tasks: list[Task] = []
    for owner in list(_registry):
        with owner._lock:
            owner._closed = True
            tasks += owner._running
    return _cancel_and_join(tasks, timeout)
