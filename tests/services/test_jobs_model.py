"""The queue's model inserts new jobs on top and updates changed ones in place, never re-reading the queue."""

from __future__ import annotations

from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from desktop_app.services.jobs_model import COLUMNS, JobsModel
from desktop_app.services.jobs_service import JobsService


def test_new_and_changed_jobs_touch_only_their_row(qtbot, tmp_path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    older = store.create_job("remix", "local", {"prompt": "old"}, out_dir=tmp_path / "a", input_path=tmp_path / "s.wav")
    service = JobsService(store=store, factory=ClientFactory())
    model = JobsModel(service)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    newer = store.create_job("remix", "local", {"prompt": "new"}, out_dir=tmp_path / "b", input_path=tmp_path / "s.wav")
    with qtbot.waitSignal(model.rowsInserted, timeout=1000) as inserted:
        service.job_added.emit(newer.id)
    assert inserted.args[1:] == [0, 0]  # on top: newest first
    assert [model.job_at(row).id for row in range(model.rowCount())] == [newer.id, older.id]

    store.update(older.id, state=JobState.FAILED, error_message="No credits left.")
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as changed:
        service.job_changed.emit(older.id)
    assert changed.args[0].row() == 1
    assert model.index(1, COLUMNS.index("State")).data() == "Failed: No credits left."
    service.job_added.emit(newer.id)  # a repeat changes nothing
    assert model.rowCount() == 2 and resets == []
    store.close()
