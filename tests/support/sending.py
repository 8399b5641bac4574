"""Send the job the operation panel holds, as a user would, and wait for it to end (GUI tests)."""

from __future__ import annotations

from desktop_app.jobs.records import JobRecord


def send_from_panel(window, qtbot) -> str:
    """Click the panel's send button; returns the new job's id."""
    from PySide6.QtCore import Qt  # here, so core tests in a module that imports this stay Qt-free

    panel, service = window.jobs.panel, window.jobs.service
    assert panel.submit_button.isEnabled(), panel.problem_label.text()
    with qtbot.waitSignal(service.job_added, timeout=5000) as added:
        qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    return added.args[0]


def send_and_wait(window, qtbot, timeout: int = 120000) -> JobRecord:
    """Send, then wait until the job has ended and its thread is gone; returns its final record."""
    service = window.jobs.service
    job_id = send_from_panel(window, qtbot)
    qtbot.waitUntil(lambda: service.get(job_id).state.finished and not service.is_active(job_id), timeout=timeout)
    return service.get(job_id)
