"""The queue's model inserts new jobs on top and updates changed ones in place, never re-reading the queue."""

from __future__ import annotations

from PySide6.QtCore import Qt

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


def test_a_running_jobs_events_are_shown_without_reading_the_database(qtbot, service, jobs_song) -> None:
    """Each event brings the record its run stored: the queue follows the job without a query on the GUI thread."""
    import threading

    from desktop_app.api.models import RemixRequest

    model = JobsModel(service)
    gui = threading.get_ident()
    gui_reads: list[str] = []
    read = service.store.get

    def counting_get(job_id: str):
        if threading.get_ident() == gui:
            gui_reads.append(job_id)
        return read(job_id)

    service.store.get = counting_get  # type: ignore[method-assign]
    seen: list[JobState] = []
    reads_by_running_events: list[int] = []

    submitting = [True]

    def on_changed(job_id: str) -> None:
        before = len(gui_reads)
        seen.append(service.get(job_id).state)
        if service.is_active(job_id) and not submitting[0]:  # an event of the run, not the start inside submit
            reads_by_running_events.append(len(gui_reads) - before)

    service.job_changed.connect(on_changed)
    with qtbot.waitSignal(service.job_finished, timeout=60_000):
        job = service.submit(RemixRequest(audio_file=jobs_song, prompt="lo-fi"), "local", duration=24.0)
        submitting[0] = False
    assert {JobState.UPLOADING, JobState.DONE} <= set(seen)  # every state went by
    assert len(reads_by_running_events) >= 3 and set(reads_by_running_events) == {0}, reads_by_running_events
    assert model.job_at(model.row_of(job.id)).state is JobState.DONE
    assert service.get(job.id) == read(job.id)  # once finished, the store's record


def test_a_job_waiting_to_try_again_counts_down_in_the_queue(qtbot, service, engine, jobs_song) -> None:
    """A rate-limited poll waits the service's Retry-After: the State column says so, with the time left,
    and goes back to what the job does once the service answers."""
    from desktop_app.api.models import RemixRequest

    model = JobsModel(service)
    engine.set_faults("byid:429@2x1")  # the first poll is refused: "try again in 2 s"
    states: list[str] = []
    tips: list[str] = []

    def on_changed(job_id: str) -> None:
        row = model.row_of(job_id)
        if row >= 0:
            cell = model.index(row, COLUMNS.index("State"))
            states.append(cell.data())
            tips.append(cell.data(Qt.ItemDataRole.ToolTipRole))

    model.dataChanged.connect(lambda *_: [on_changed(job.id) for job in model._jobs])
    job = service.submit(RemixRequest(audio_file=jobs_song, prompt="lo-fi"), "local", duration=24.0)
    qtbot.waitUntil(lambda: any(s.startswith("Trying again in 0:0") for s in states), timeout=30_000)
    countdown = next(s for s in states if s.startswith("Trying again in"))
    assert countdown in ("Trying again in 0:02 (rate limited)", "Trying again in 0:01 (rate limited)")
    tip = tips[states.index(countdown)]  # the whole sentence, where the column has a few words
    assert tip.startswith("Trying again in") and "asked Retake to slow down" in tip
    qtbot.waitUntil(lambda: service.get(job.id).state is JobState.DONE, timeout=60_000)
    after = states[states.index(countdown) + 1 :]
    assert after and not after[-1].startswith("Trying again")
