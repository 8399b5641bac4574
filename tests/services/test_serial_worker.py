"""The serial worker runs tasks in order on one thread, survives a failing task and ends when idle."""

from __future__ import annotations

import threading

from desktop_app.services.serial_worker import SerialWorker


def test_tasks_run_in_order_on_one_thread() -> None:
    worker = SerialWorker("test-serial")
    seen: list[tuple[int, str]] = []
    done = threading.Event()
    for i in range(20):
        worker.submit(lambda i=i: seen.append((i, threading.current_thread().name)))
    worker.submit(done.set)
    assert done.wait(10)
    assert [i for i, _name in seen] == list(range(20))
    assert {name for _i, name in seen} == {"test-serial"}


def test_a_failing_task_does_not_stop_the_next(caplog) -> None:
    worker = SerialWorker("test-serial")
    done = threading.Event()
    worker.submit(lambda: 1 / 0)
    worker.submit(done.set)
    assert done.wait(10)
    assert "test-serial failed" in caplog.text


def test_the_thread_ends_when_idle_and_comes_back_on_demand() -> None:
    worker = SerialWorker("test-serial-idle", idle_exit_s=0.05)
    first = threading.Event()
    worker.submit(first.set)
    assert first.wait(10)
    threads = [t for t in threading.enumerate() if t.name == "test-serial-idle"]
    for thread in threads:
        thread.join(10)  # idle: it ends by itself
    assert not worker.running
    again = threading.Event()
    worker.submit(again.set)
    assert again.wait(10)
