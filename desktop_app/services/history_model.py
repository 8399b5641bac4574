"""The open song's history as a Qt table model: its jobs newest first, each with its takes' count and best mark.

A song's whole history is read off the GUI thread when the song opens: every job in the store is read and
those of this song (or of its working versions) kept, with their takes' ratings in one query. With two
thousand jobs in the store that took 0.3–0.5 s of the window's time, and filling a table widget with six
items a row cost as much again; a view draws only the rows it shows. A job that changes later (added,
finished, rated, deleted) updates its own row on the GUI thread: one job and its takes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from desktop_app.jobs.records import JobRecord, Rating
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from desktop_app.services.jobs_model import engine_name, job_title
from desktop_app.services.tasks import Tasks
from desktop_app.services.working_version import is_working_file_of

COLUMNS = ("When", "Job", "Engine", "State", "Takes", "Rating")
RATING_MARKS = {Rating.STAR: "★", Rating.KEEP: "✓", Rating.REJECT: "✗", Rating.NONE: ""}
_Index = QModelIndex | QPersistentModelIndex


def best_rating(ratings: Collection[str]) -> Rating:
    """The best mark among a job's takes (a star over a keep over a reject), or none."""
    for rating in (Rating.STAR, Rating.KEEP, Rating.REJECT):
        if rating in ratings:
            return rating
    return Rating.NONE


@dataclass(frozen=True)
class HistoryRow:
    job: JobRecord
    ratings: tuple[str, ...]  # one per take, in take order

    def text(self, column: str) -> str:
        job = self.job
        if column == "When":
            return datetime.fromtimestamp(job.created_at).strftime("%Y-%m-%d %H:%M")
        if column == "Job":
            return job_title(job)
        if column == "Engine":
            return engine_name(job)
        if column == "State":
            return job.error_message if job.state is JobState.FAILED and job.error_message else job.state.label
        if column == "Takes":
            return str(len(self.ratings)) if self.ratings else ""
        return RATING_MARKS[best_rating(self.ratings)]


def read_history(store: JobStore, song: Path) -> list[HistoryRow]:
    """The song's jobs, newest first, with their takes' ratings (off the GUI thread)."""
    jobs = [job for job in store.list_jobs() if is_working_file_of(job.input_path, song)]
    ratings = store.take_ratings([job.id for job in jobs])
    return [HistoryRow(job, tuple(ratings.get(job.id, ()))) for job in jobs]


class HistoryModel(QAbstractTableModel):
    loaded = Signal()  # the song's whole history is in (after set_song)

    def __init__(self, store: JobStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        # Where a job's record is read: the job queue's, once it follows one (a running job's record lives
        # there, and a job just sent is not stored yet), else the store.
        self.job_record: Callable[[str], JobRecord] = store.get
        self.song: Path | None = None
        self.rows: list[HistoryRow] = []
        self.loading = False
        self.problem = ""  # why the history could not be read, as the panel says it
        self._changed_while_loading: set[str] = set()
        self._tasks = Tasks("history", self)

    @property
    def jobs(self) -> list[JobRecord]:
        return [row.job for row in self.rows]

    def set_song(self, song: Path | None) -> None:
        """Show ``song``'s history: emptied at once, filled when it has been read."""
        self.song, self.loading, self.problem = song, song is not None, ""
        self._changed_while_loading.clear()
        self.beginResetModel()
        self.rows = []
        self.endResetModel()
        if song is None:
            self._tasks.forget("read")
            self.loaded.emit()
            return
        self._tasks.start(
            lambda _task: read_history(self.store, song), key="read", on_result=self._read, on_error=self._not_read
        )

    def _not_read(self, error: Exception) -> None:
        self.loading = False
        self.problem = f"The history could not be read ({error}). Jobs sent now still show here."
        self._read_meanwhile()
        self.loaded.emit()

    def _read(self, rows: list[HistoryRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        self.loading = False
        self._read_meanwhile()
        self.loaded.emit()

    def _read_meanwhile(self) -> None:
        """A job that changed while the history was read may be older in what was read: its own row wins."""
        changed, self._changed_while_loading = self._changed_while_loading, set()
        for job_id in sorted(changed):
            self.update_job(job_id)

    def update_job(self, job_id: str) -> None:
        """One job was added, changed or removed: its row only."""
        if self.song is None:
            return
        if self.loading:
            self._changed_while_loading.add(job_id)
            return
        row = self.row_of(job_id)
        try:
            job: JobRecord | None = self.job_record(job_id)
        except KeyError:
            job = None
        if job is None or not is_working_file_of(job.input_path, self.song):
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self.rows[row]
                self.endRemoveRows()
            return
        entry = HistoryRow(job, tuple(take.rating for take in self.store.takes(job_id)))
        if row >= 0:
            self.rows[row] = entry
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        created = job.created_at  # newest first, like the whole read
        row = next((i for i, other in enumerate(self.rows) if other.job.created_at < created), len(self.rows))
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.insert(row, entry)
        self.endInsertRows()

    def row_of(self, job_id: str) -> int:
        return next((i for i, row in enumerate(self.rows) if row.job.id == job_id), -1)

    def job_at(self, row: int) -> JobRecord | None:
        return self.rows[row].job if 0 <= row < len(self.rows) else None

    # ----------------------------------------------------------------------------- Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole or (role == Qt.ItemDataRole.ToolTipRole and column == "State"):
            return row.text(column)
        return None
