"""Every job and take of the open song, newest first; bring takes back as lanes or resend a job's settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.jobs.records import JobRecord, Rating
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from desktop_app.services.jobs_model import job_title
from desktop_app.services.working_version import is_working_file_of

COLUMNS = ("When", "Job", "Engine", "State", "Takes", "Rating")
RATING_MARKS = {Rating.STAR: "★", Rating.KEEP: "✓", Rating.REJECT: "✗", Rating.NONE: ""}


def best_rating(ratings: list[str]) -> str:
    for rating in (Rating.STAR, Rating.KEEP, Rating.REJECT):
        if rating in ratings:
            return rating
    return ""


class HistoryPanel(QWidget):
    takes_requested = Signal(str)  # job id
    params_requested = Signal(str)  # job id

    def __init__(self, store: JobStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        # Where a job's record is read: the job queue's, once it follows one (a running job's record lives
        # there, and a job just sent is not stored yet), else the store.
        self.job_record: Callable[[str], JobRecord] = store.get
        self.song = None
        self.jobs: list[JobRecord] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("Open a song to see its history.")
        self.summary.setObjectName("hintLabel")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        # Rows as tall as their text needs: a small window still shows a job under the header.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # "When" shows date and time whole (a default-width column cut it to the date).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self._emit(self.takes_requested))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.takes_button = QPushButton("Bring takes back")
        self.resend_button = QPushButton("Edit and resend")
        row.addWidget(self.takes_button)
        row.addWidget(self.resend_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.takes_button.clicked.connect(lambda: self._emit(self.takes_requested))
        self.resend_button.clicked.connect(lambda: self._emit(self.params_requested))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def set_song(self, path) -> None:
        self.song = path
        self.reload()

    def reload(self) -> None:
        """Read the song's whole history again (a new song). Jobs that change later update their own row."""
        jobs = [
            j for j in self.store.list_jobs() if self.song is not None and is_working_file_of(j.input_path, self.song)
        ]
        selected = self.selected_job_id()
        self.jobs = jobs
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            self._fill_row(row, job)
        self._finish_update(selected)

    def update_job(self, job_id: str) -> None:
        """One job was added, changed or removed: touch its row only (a full reload reads every job and
        its takes, which grew with the history and ran on every finished job)."""
        if self.song is None:
            return
        row = next((i for i, job in enumerate(self.jobs) if job.id == job_id), -1)
        selected = self.selected_job_id()
        try:
            job = self.job_record(job_id)
        except KeyError:
            job = None
        if job is None or not is_working_file_of(job.input_path, self.song):
            if row >= 0:
                del self.jobs[row]
                self.table.removeRow(row)
                self._finish_update(selected)
            return
        if row < 0:  # newest first, like the full reload
            row = next((i for i, other in enumerate(self.jobs) if other.created_at < job.created_at), len(self.jobs))
            self.jobs.insert(row, job)
            self.table.insertRow(row)
        else:
            self.jobs[row] = job
        self._fill_row(row, job)
        self._finish_update(selected)

    def _fill_row(self, row: int, job: JobRecord) -> None:
        takes = self.store.takes(job.id)
        ratings = [t.rating for t in takes]
        values = (
            datetime.fromtimestamp(job.created_at).strftime("%Y-%m-%d %H:%M"),
            job_title(job),
            job.engine,
            job.error_message if job.state is JobState.FAILED and job.error_message else job.state.label,
            str(len(takes)) if takes else "",
            RATING_MARKS[best_rating(ratings)],
        )
        for column, value in enumerate(values):
            item = self.table.item(row, column)
            if item is None:
                item = QTableWidgetItem()
                self.table.setItem(row, column, item)
            if item.text() != value:
                item.setText(value)
            item.setData(Qt.ItemDataRole.UserRole, job.id)
            if column == 3:
                item.setToolTip(value)

    def _finish_update(self, selected: str | None) -> None:
        name = self.song.name if self.song is not None else ""
        self.summary.setText(f"{len(self.jobs)} job(s) on {name}" if name else "Open a song to see its history.")
        if selected and selected != self.selected_job_id():
            self.select_job(selected)
        self._update_buttons()

    def select_job(self, job_id: str) -> None:
        for row, job in enumerate(self.jobs):
            if job.id == job_id:
                self.table.selectRow(row)

    def selected_job_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.jobs):
            return None
        return self.jobs[rows[0].row()].id

    def _emit(self, signal) -> None:
        job_id = self.selected_job_id()
        if job_id:
            signal.emit(job_id)

    def _update_buttons(self) -> None:
        job_id = self.selected_job_id()
        job = next((j for j in self.jobs if j.id == job_id), None)
        self.takes_button.setEnabled(job is not None and job.state is JobState.DONE)
        self.resend_button.setEnabled(job is not None)
