"""The history of the open song lists its jobs and takes, survives a restart, and brings takes back."""

from __future__ import annotations

from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.store import JobStore
from desktop_app.services.jobs_service import JobsService
from desktop_app.services.settings import Settings
from tests.support import WAIT_MS


def cell(history, row: int, column: int) -> str:
    """What the history's table shows in a cell."""
    return history.table.model().index(row, column).data()


def test_history_lists_the_songs_job(qtbot, results_window) -> None:
    history = results_window.results.history
    qtbot.waitUntil(lambda: not history.model.loading, timeout=WAIT_MS)
    assert history.model.rowCount() == 1
    assert "Inpaint 0:06.000–0:10.000: new fill" in cell(history, 0, 1)
    assert cell(history, 0, 2) == "Local engine"  # named as the queue names it
    assert cell(history, 0, 4) == "2"
    assert history.summary.text().startswith("1 job(s) on ")
    lane = results_window.results.comparison.lanes[2]
    results_window.results.panel.lane_widgets[lane.key].rating_buttons["star"].click()
    assert cell(history, 0, 5) == "★"
    assert results_window.results.store.takes(lane.job_id)[1].rating == "star"


def test_history_survives_a_restart_and_brings_takes_back(qtbot, tmp_path, finished_job) -> None:
    from desktop_app.ui.main_window import MainWindow

    store, job_id, song, _original = finished_job
    reopened = JobStore(store.path)  # a new process would open the same database file
    service = JobsService(store=reopened, factory=ClientFactory())
    win = MainWindow(settings=Settings(str(tmp_path / "again.ini")), jobs_service=service)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.document.clip_changed, timeout=WAIT_MS):
        win.open_file(song)
    history = win.results.history
    qtbot.waitUntil(lambda: history.model.rowCount() == 1, timeout=5000)
    history.select_job(job_id)
    assert history.takes_button.isEnabled()
    history.takes_button.click()
    qtbot.waitUntil(lambda: len(win.results.comparison.lanes) == 3, timeout=WAIT_MS)
    win.close()
    reopened.close()


def test_a_double_click_on_a_history_row_brings_its_takes_back(qtbot, finished_job_window, finished_job) -> None:
    """As a producer does it: the History tab, a double-click on the job's row, its takes in the lanes."""
    from PySide6.QtCore import Qt

    win, job_id = finished_job_window, finished_job[1]
    win.results.history_dock.raise_()
    history = win.results.history
    qtbot.waitUntil(lambda: history.model.rowCount() == 1 and history.table.isVisible(), timeout=WAIT_MS)
    row = history.table.visualRect(history.model.index(0, 1))
    assert not row.isEmpty()
    viewport = history.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=row.center())
    assert history.selected_job_id() == job_id and history.takes_button.isEnabled()
    with qtbot.waitSignal(win.results.comparison.lanes_changed, timeout=WAIT_MS):
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=row.center())
    qtbot.waitUntil(lambda: len(win.results.comparison.lanes) == 3, timeout=WAIT_MS)


def test_history_rows_follow_single_jobs(qtbot, results_window, tmp_path) -> None:
    """Jobs added, changed and removed update their own row; other songs' jobs never show."""
    from desktop_app.jobs.states import JobState

    history = results_window.results.history
    model = history.model
    qtbot.waitUntil(lambda: not model.loading, timeout=WAIT_MS)
    store = results_window.results.store
    first = model.jobs[0].id
    history.select_job(first)
    song = results_window.document.path
    newer = store.create_job("remix", "local", {"prompt": "lo-fi"}, out_dir=tmp_path / "t2", input_path=song)
    elsewhere = store.create_job(
        "remix", "local", {"prompt": "x"}, out_dir=tmp_path / "t3", input_path=tmp_path / "b.wav"
    )
    model.update_job(newer.id)
    model.update_job(elsewhere.id)
    assert [job.id for job in model.jobs] == [newer.id, first]  # newest first
    assert cell(history, 0, 1) == "Remix: lo-fi"
    assert history.selected_job_id() == first  # the selection stays on its job
    assert history.summary.text().startswith("2 job(s)")

    store.update(newer.id, state=JobState.FAILED, error_message="No credits left.")
    model.update_job(newer.id)
    assert cell(history, 0, 3) == "No credits left."
    assert model.rowCount() == 2

    store.delete_job(newer.id)
    model.update_job(newer.id)
    assert [job.id for job in model.jobs] == [first]
    assert model.rowCount() == 1
    assert history.selected_job_id() == first


def test_a_long_history_is_read_off_the_gui_thread_and_changes_meanwhile_keep_their_row(qtbot, tmp_path) -> None:
    """Opening a song reads its history in the background (the panel says so); a job that changes while it is
    read shows as it is now, not as it was read."""
    import threading

    from desktop_app.jobs.records import TakeRecord
    from desktop_app.jobs.states import JobState
    from desktop_app.services.history_model import HistoryModel
    from desktop_app.ui.results.history_panel import HistoryPanel

    song, other = tmp_path / "song.wav", tmp_path / "other.wav"
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        jobs = [
            store.create_job("remix", "local", {"prompt": f"p{i}"}, out_dir=tmp_path,
                             input_path=song if i % 2 else other, created_at=1000.0 + i)
            for i in range(600)
        ]  # fmt: skip
        store.add_take(jobs[599].id, TakeRecord(idx=0, path=tmp_path / "t0.wav"))
        store.add_take(jobs[599].id, TakeRecord(idx=1, path=tmp_path / "t1.wav", rating="keep"))
        store.set_rating(jobs[599].id, 1, "keep")
        model = HistoryModel(store)
        panel = HistoryPanel(model)
        qtbot.addWidget(panel)
        release, reading_threads = threading.Event(), []
        list_jobs = store.list_jobs

        def held_list_jobs(**kwargs):
            reading_threads.append(threading.current_thread())
            release.wait(WAIT_MS / 1000)
            return list_jobs(**kwargs)

        store.list_jobs = held_list_jobs
        model.set_song(song)
        assert model.loading and model.rowCount() == 0
        assert panel.summary.text() == "Reading the history of song.wav…"
        store.update(jobs[1].id, state=JobState.FAILED, error_message="No credits left.")
        model.update_job(jobs[1].id)  # changed while the history is read: applied once it is in
        with qtbot.waitSignal(model.loaded, timeout=WAIT_MS):
            release.set()
        assert reading_threads and reading_threads[0] is not threading.main_thread()
        assert model.rowCount() == 300 and panel.summary.text() == "300 job(s) on song.wav"
        assert model.jobs[0].id == jobs[599].id and model.jobs[-1].id == jobs[1].id  # newest first
        assert [cell(panel, 0, column) for column in (4, 5)] == ["2", "✓"]
        assert cell(panel, 299, 3) == "No credits left."
        panel.select_job(jobs[599].id)
        assert panel.takes_button.isEnabled() is False  # not done: nothing to bring back
        assert panel.resend_button.isEnabled()


def test_a_history_that_cannot_be_read_says_so_and_still_follows_new_jobs(qtbot, tmp_path) -> None:
    import sqlite3

    from desktop_app.services.history_model import HistoryModel
    from desktop_app.ui.results.history_panel import HistoryPanel

    song = tmp_path / "song.wav"
    with JobStore(tmp_path / "jobs.sqlite3") as store:
        model = HistoryModel(store)
        panel = HistoryPanel(model)
        qtbot.addWidget(panel)
        list_jobs = store.list_jobs

        def broken(**_kwargs):
            raise sqlite3.DatabaseError("database disk image is malformed")

        store.list_jobs = broken
        with qtbot.waitSignal(model.loaded, timeout=WAIT_MS):
            model.set_song(song)
        assert not model.loading
        assert panel.summary.text() == (
            "The history could not be read (database disk image is malformed). Jobs sent now still show here."
        )
        store.list_jobs = list_jobs
        job = store.create_job("remix", "local", {"prompt": "lo-fi"}, out_dir=tmp_path, input_path=song)
        model.update_job(job.id)
        assert cell(panel, 0, 1) == "Remix: lo-fi"
