"""The history of the open song lists its jobs and takes, survives a restart, and brings takes back."""

from __future__ import annotations

from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.store import JobStore
from desktop_app.services.jobs_service import JobsService
from desktop_app.services.settings import Settings
from tests.support import WAIT_MS


def test_history_lists_the_songs_job(results_window) -> None:
    history = results_window.results.history
    assert history.table.rowCount() == 1
    assert "Inpaint 0:06.000–0:10.000: new fill" in history.table.item(0, 1).text()
    assert history.table.item(0, 4).text() == "2"
    lane = results_window.results.comparison.lanes[2]
    results_window.results.panel.lane_widgets[lane.key].rating_buttons["star"].click()
    assert history.table.item(0, 5).text() == "★"
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
    qtbot.waitUntil(lambda: history.table.rowCount() == 1, timeout=5000)
    history.select_job(job_id)
    assert history.takes_button.isEnabled()
    history.takes_button.click()
    qtbot.waitUntil(lambda: len(win.results.comparison.lanes) == 3, timeout=WAIT_MS)
    win.close()
    reopened.close()


def test_history_rows_follow_single_jobs(results_window, tmp_path) -> None:
    """Jobs added, changed and removed update their own row; other songs' jobs never show."""
    from desktop_app.jobs.states import JobState

    history = results_window.results.history
    store = results_window.results.store
    first = history.jobs[0].id
    history.select_job(first)
    song = results_window.document.path
    newer = store.create_job("remix", "local", {"prompt": "lo-fi"}, out_dir=tmp_path / "t2", input_path=song)
    elsewhere = store.create_job(
        "remix", "local", {"prompt": "x"}, out_dir=tmp_path / "t3", input_path=tmp_path / "b.wav"
    )
    history.update_job(newer.id)
    history.update_job(elsewhere.id)
    assert [job.id for job in history.jobs] == [newer.id, first]  # newest first
    assert history.table.item(0, 1).text() == "Remix: lo-fi"
    assert history.selected_job_id() == first  # the selection stays on its job
    assert history.summary.text().startswith("2 job(s)")

    store.update(newer.id, state=JobState.FAILED, error_message="No credits left.")
    history.update_job(newer.id)
    assert history.table.item(0, 3).text() == "No credits left."
    assert history.table.rowCount() == 2

    store.delete_job(newer.id)
    history.update_job(newer.id)
    assert [job.id for job in history.jobs] == [first]
    assert history.table.rowCount() == 1
    assert history.selected_job_id() == first
