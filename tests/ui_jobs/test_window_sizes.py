"""Every size works: at 1024x640, 1280x800 and 1920x1080 every visible label and button gets the width it
needs (or shortens itself with "…" and a tooltip), the window is not wider than the screen size asked, and
the first-run layout gives the waveform at least two fifths of the height."""

from __future__ import annotations

import contextlib

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from pytestqt.exceptions import TimeoutError as WaitTimeout

from desktop_app.api.operations import Operation
from desktop_app.services.settings import Settings
from desktop_app.ui.jobs.specs import OPERATION_ORDER
from desktop_app.ui.widgets import ElidedLabel
from tests.support import WAIT_MS

SIZES = [(1024, 640), (1280, 800), (1920, 1080)]


def _shown(widget: QWidget, window: QWidget) -> bool:
    if not widget.isVisibleTo(window) or widget.width() <= 0:
        return False
    # Inside a tabbed dock that is not in front, or scrolled out of a scroll area: not on screen now.
    return not widget.visibleRegion().isEmpty()


def clipped_widgets(window: QWidget) -> list[str]:
    """Labels and buttons narrower than their text needs (word-wrapped and self-eliding ones excepted)."""
    out = []
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window):
            continue
        if isinstance(widget, QLabel):
            if widget.wordWrap() or isinstance(widget, ElidedLabel) or not widget.text():
                continue
            need = (
                widget.fontMetrics().horizontalAdvance(widget.text().replace("&", ""))
                if "<" not in widget.text()
                else widget.sizeHint().width()
            )
            need = min(need, widget.sizeHint().width())
        elif isinstance(widget, QAbstractButton):
            if not widget.text():
                continue
            need = widget.minimumSizeHint().width()
        else:
            continue
        if widget.width() + 1 < need:
            out.append(f"{type(widget).__name__} {widget.objectName()!r} “{widget.text()}”: {widget.width()} < {need}")
    return out


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_form_fits_at_every_size(qtbot, tmp_path, jobs_song, service, width, height) -> None:
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(settings=Settings(str(tmp_path / "retake.ini")), jobs_service=service)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.document.clip_changed, timeout=WAIT_MS):
        window.open_file(jobs_song)
    window.document.region.set_range(4.5, 8.5)
    qtbot.waitUntil(lambda: window.width() == width and window.height() == height, timeout=3000)
    assert window.editor.height() >= 0.4 * height, (window.editor.height(), height)
    panel = window.jobs.panel
    for op in OPERATION_ORDER:
        panel.set_operation(Operation(op))
        picker = panel.forms[op].voice_picker
        if picker is not None:  # the cover form with the engine's voices listed
            qtbot.waitUntil(lambda p=picker: p.list.count() > 0, timeout=15000)
        # Lanes lay themselves out a moment after a song opens: wait for a settled window, then judge it.
        with contextlib.suppress(WaitTimeout):  # the assertion below names what is clipped
            qtbot.waitUntil(lambda: clipped_widgets(window) == [], timeout=3000)
        assert clipped_widgets(window) == [], op
    for dock in (window.jobs.queue_dock, window.results.history_dock, window.results.dock):
        dock.raise_()  # the tabbed panels below: the queue, the history, the compare view
        qtbot.waitUntil(lambda d=dock: d.widget().isVisible(), timeout=3000)
        assert clipped_widgets(window) == [], dock.windowTitle()
    window.close()


def test_the_queue_shows_a_whole_job_at_the_smallest_size(qtbot, open_jobs_window, jobs_song, service) -> None:
    """At 1024x640 the first-run layout leaves the queue room for its header and a whole row (it showed the
    header and a sliver of the job)."""
    from PySide6.QtWidgets import QTableView

    from desktop_app.api.models import RemixRequest
    from desktop_app.jobs.states import JobState

    window = open_jobs_window(jobs_song, size=(1024, 640))
    job = service.submit(RemixRequest(audio_file=jobs_song, prompt="lo-fi"), "local", duration=24.0)
    window.jobs.queue_dock.raise_()
    table = window.jobs.queue_dock.findChild(QTableView, "jobQueue")
    qtbot.waitUntil(lambda: table.isVisible() and table.model().rowCount() == 1, timeout=WAIT_MS)
    row = table.visualRect(table.model().index(0, 0))
    assert row.top() >= 0 and row.bottom() < table.viewport().height(), (row, table.viewport().height())
    assert window.editor.height() >= 0.4 * 640
    qtbot.waitUntil(lambda: service.get(job.id).state.finished, timeout=60_000)
    assert service.get(job.id).state is JobState.DONE
