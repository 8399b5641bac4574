"""The serial worker runs tasks in order on one thread, survives a failing task and drops queued work."""

from __future__ import annotations

import logging
import threading

from desktop_app.services.serial_worker import SerialWorker


def test_tasks_run_in_order_on_one_thread() -> None:
    worker = SerialWorker("test-serial")
    seen: list[tuple[int, str]] = []
    for i in range(20):
        worker.submit(lambda i=i: seen.append((i, threading.current_thread().name)))
    worker.submit(lambda: None).result(10)
    assert [i for i, _name in seen] == list(range(20))
    assert len({name for _i, name in seen}) == 1 and seen[0][1].startswith("test-serial")
    assert not any(t.daemon for t in threading.enumerate() if t.name.startswith("test-serial"))  # joined at exit


def test_a_failing_task_is_logged_and_does_not_stop_the_next(caplog) -> None:
    worker = SerialWorker("test-serial-fail")
    worker.submit(lambda: 1 / 0)
    assert worker.submit(lambda: "next").result(10) == "next"
    assert "test-serial-fail failed" in caplog.text and "ZeroDivisionError" in caplog.text


def test_shutdown_drops_the_queued_tasks() -> None:
    worker = SerialWorker("test-serial-stop")
    started, gate, ran = threading.Event(), threading.Event(), []
    running = worker.submit(lambda: (started.set(), gate.wait(10))[1])
    queued = worker.submit(lambda: ran.append(1))
    assert started.wait(10)
    worker.shutdown()
    gate.set()
    assert running.result(10) is True
    assert queued.cancelled() and ran == []


def test_work_interrupted_at_quit_ends_cleanly_and_is_joined(caplog) -> None:
    """A take still being prepared at quit sees the cancel, stops, and is joined: no error in the log."""
    caplog.set_level(logging.INFO)
    worker = SerialWorker("test-serial-quit")
    started = threading.Event()

    def prepare() -> None:
        started.set()
        while not worker.cancelled:  # the owner's work checks at its next step
            threading.Event().wait(0.01)
        raise RuntimeError("the comparison was deleted")  # what interrupted work may meet on its way out

    running = worker.submit(prepare)
    queued = worker.submit(lambda: None)
    assert started.wait(10)
    worker.shutdown(wait=True)  # what the window does as it closes (and tasks.shutdown_all at exit)
    assert running.done() and isinstance(running.exception(), RuntimeError)
    assert queued.cancelled()
    assert "failed" not in caplog.text and "interrupted at shutdown" in caplog.text
    assert worker.submit(lambda: 1).cancelled()  # nothing new starts after shutdown
