"""The job queue: every job's state, progress, ETA countdown and credits, with cancel and retry."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.jobs.states import JobState
from desktop_app.services.jobs_model import COLUMNS, PROGRESS_ROLE, JobsModel
from desktop_app.services.jobs_service import JobsService


class ProgressDelegate(QStyledItemDelegate):
    """A slim bar; an indeterminate stripe when the job is busy without a figure."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        fraction = index.data(PROGRESS_ROLE)
        rect = option.rect.adjusted(4, option.rect.height() // 2 - 4, -4, -(option.rect.height() // 2 - 4))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 30))
        painter.drawRoundedRect(rect, 3, 3)
        if fraction is not None and fraction >= 0:
            filled = QRect(rect.x(), rect.y(), int(rect.width() * min(1.0, fraction)), rect.height())
            painter.setBrush(QColor("#4fc3f7") if fraction < 1 else QColor("#66bb6a"))
            painter.drawRoundedRect(filled, 3, 3)
        elif fraction is not None:
            painter.setBrush(QColor(79, 195, 247, 110))
            painter.drawRoundedRect(rect, 3, 3)
        painter.restore()


class QueuePanel(QWidget):
    takes_requested = Signal(str)  # job id: show its takes in the results panel
    params_requested = Signal(str)  # job id: send its parameters back to the form

    def __init__(self, service: JobsService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = JobsModel(service, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.table = QTableView()
        self.table.setObjectName("jobQueue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # Rows as tall as their text needs: a small window still shows a job under the header.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.table.setItemDelegateForColumn(COLUMNS.index("Progress"), ProgressDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()  # wide enough for the longest usual texts, whole
        state_width = max(200, metrics.horizontalAdvance("Trying again in 0:00 (download broke off)") + 24)
        eta_width = metrics.horizontalAdvance("any moment") + 24
        for column, width in (
            ("Engine", 110), ("State", state_width), ("Progress", 110), ("ETA", eta_width), ("Credits", 80)
        ):  # fmt: skip
            self.table.setColumnWidth(COLUMNS.index(column), width)
        self.table.doubleClicked.connect(lambda index: self._emit_for(index.row(), self.takes_requested))
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton("Cancel")
        self.retry_button = QPushButton("Retry")
        self.takes_button = QPushButton("Show takes")
        self.reuse_button = QPushButton("Edit and resend")
        self.remove_button = QPushButton("Remove")
        for button in (self.takes_button, self.reuse_button, self.retry_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(lambda: self._act(self.service.cancel))
        self.retry_button.clicked.connect(lambda: self._act(self.service.retry))
        self.remove_button.clicked.connect(lambda: self._act(self.service.delete))
        self.takes_button.clicked.connect(lambda: self._emit_for(self._row(), self.takes_requested))
        self.reuse_button.clicked.connect(lambda: self._emit_for(self._row(), self.params_requested))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.dataChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def select_job(self, job_id: str) -> None:
        row = self.model.row_of(job_id)
        if row >= 0:
            self.table.selectRow(row)

    def selected_job_id(self) -> str | None:
        job = self.model.job_at(self._row())
        return job.id if job else None

    def _row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def _emit_for(self, row: int, signal) -> None:
        job = self.model.job_at(row)
        if job is not None:
            signal.emit(job.id)

    def _act(self, action) -> None:
        job_id = self.selected_job_id()
        if job_id:
            action(job_id)
            self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        job = self.model.job_at(self._row())
        active = job is not None and self.service.is_active(job.id)
        self.cancel_button.setEnabled(active)
        retryable = (
            job is not None and not active and job.state in (JobState.FAILED, JobState.CANCELLED, JobState.STALLED)
        )
        self.retry_button.setEnabled(retryable)
        self.retry_button.setText("Keep waiting" if job is not None and job.state is JobState.STALLED else "Retry")
        self.takes_button.setEnabled(job is not None and job.state is JobState.DONE)
        self.reuse_button.setEnabled(job is not None)
        self.remove_button.setEnabled(job is not None and not active)
