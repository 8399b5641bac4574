"""Every job and take of the open song, newest first; bring takes back as lanes or resend a job's settings.

The rows are services/history_model.py's; this panel draws them and says which job is chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.states import JobState
from desktop_app.services.history_model import HistoryModel


class HistoryPanel(QWidget):
    takes_requested = Signal(str)  # job id
    params_requested = Signal(str)  # job id

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.summary = QLabel("Open a song to see its history.")
        self.summary.setObjectName("hintLabel")
        layout.addWidget(self.summary)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(model)
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
        # Takes and Rating hold a character or two; the room goes to the state (a failure's sentence).
        metrics = self.table.fontMetrics()
        for column, sample in ((2, "Local engine"), (3, "Cancelled by you"), (4, "Takes"), (5, "Rating")):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)
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
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged, model.loaded):
            signal.connect(self._update_summary)
        self._update_summary()

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row >= 0:
            self.table.selectRow(row)

    def selected_job_id(self) -> str | None:
        job = self._selected_job()
        return job.id if job is not None else None

    def _selected_job(self) -> JobRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.job_at(rows[0].row()) if rows else None

    def _emit(self, signal) -> None:
        job_id = self.selected_job_id()
        if job_id:
            signal.emit(job_id)

    def _update_summary(self, *_args: object) -> None:
        song = self.model.song
        if song is None:
            self.summary.setText("Open a song to see its history.")
        elif self.model.loading:
            self.summary.setText(f"Reading the history of {song.name}…")
        elif self.model.problem:
            self.summary.setText(self.model.problem)
        else:
            self.summary.setText(f"{self.model.rowCount()} job(s) on {song.name}")
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        job = self._selected_job()
        self.takes_button.setEnabled(job is not None and job.state is JobState.DONE)
        self.resend_button.setEnabled(job is not None)
