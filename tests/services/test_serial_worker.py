"""The serial worker runs tasks in order on one thread, survives a failing task and drops queued work."""

from __future__ import annotations

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
    gate, ran = threading.Event(), []
    running = worker.submit(lambda: gate.wait(10))
    queued = worker.submit(lambda: ran.append(1))
    worker.shutdown()
    gate.set()
    assert running.result(10) is True
    assert queued.cancelled() and ran == []
