"""services/tasks.py: results on the GUI thread, stale results dropped, cancel hooks, one shutdown deadline."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication

from desktop_app.services.tasks import Tasks
from tests.support import WAIT_MS


def test_the_result_comes_back_on_the_gui_thread(qtbot) -> None:
    tasks = Tasks("test")
    worker_threads: list[threading.Thread] = []
    results: list[tuple[int, threading.Thread]] = []

    def work(_task) -> int:
        worker_threads.append(threading.current_thread())
        return 42

    task = tasks.start(work, on_result=lambda value: results.append((value, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(results), timeout=WAIT_MS)
    assert results == [(42, threading.main_thread())]
    assert worker_threads == [task.thread] and not task.thread.daemon
    assert tasks.shutdown(1.0)


def test_a_newer_task_with_the_same_key_makes_the_older_one_stale(qtbot) -> None:
    tasks = Tasks("test")
    release = threading.Event()
    got: list[str] = []

    def slow(task) -> str:
        release.wait(10)
        return "old"

    old = tasks.start(slow, key="song", on_result=got.append)
    new = tasks.start(lambda _task: "new", key="song", on_result=got.append)
    assert old.cancelled and old.stale and not new.stale
    qtbot.waitUntil(lambda: got == ["new"], timeout=WAIT_MS)
    release.set()
    assert old.join(5)
    QCoreApplication.processEvents()  # whatever the old task posted before it ended is delivered (or dropped) now
    assert got == ["new"]
    assert tasks.shutdown(1.0)


def test_errors_go_to_on_error_and_on_finished_always_follows(qtbot) -> None:
    tasks = Tasks("test")
    seen: list[object] = []

    def broken(_task) -> None:
        raise ValueError("bad input")

    tasks.start(broken, on_error=lambda e: seen.append(str(e)), on_finished=lambda: seen.append("finished"))
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT_MS)
    assert seen == ["bad input", "finished"]
    assert tasks.shutdown(1.0)


def test_shutdown_runs_cancel_hooks_and_joins_every_task_under_one_deadline() -> None:
    tasks = Tasks("test")
    blockers = [threading.Event() for _ in range(5)]

    def blocked(task, event: threading.Event) -> None:
        task.on_cancel(event.set)  # stands in for shutting a socket a read is blocked on
        event.wait(60)

    started = [tasks.start(lambda task, e=e: blocked(task, e)) for e in blockers]
    assert tasks.shutdown(5.0)
    assert all(e.is_set() for e in blockers) and not any(t.running for t in started)
    try:
        tasks.start(lambda _task: None)
    except RuntimeError as error:
        assert "shut down" in str(error)
    else:
        raise AssertionError("a shut-down owner accepted a new task")
