"""The job queue as a Qt table model: one row per job, newest first, live progress and ETA."""

from __future__ import annotations

import math
import time
from datetime import datetime

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

from desktop_app.api.engines import parse_engine
from desktop_app.api.operations import Operation
from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.states import JobState
from desktop_app.services.jobs_service import JobProgress, JobsService
from desktop_app.timefmt import format_time

COLUMNS = ("Job", "Engine", "State", "Progress", "ETA", "Credits", "Started")
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # float 0..1, or -1 for "busy, no figure"
JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex
# Why a job waits to try again, in the few words the State column has room for (its tooltip has the sentence).
RETRY_WHY = {
    "rate_limit": "rate limited",
    "server": "service error",
    "network": "connection lost",
    "download": "download broke off",
}


def job_title(job: JobRecord) -> str:
    prompt = str(job.params.get("prompt") or job.params.get("voice_id") or "").strip()
    label = job.operation.replace("_", " ").capitalize()
    if Operation(job.operation) is Operation.INPAINT and "replace_start_at" in job.params:
        start, end = float(job.params["replace_start_at"]), float(job.params["replace_end_at"])
        label += f" {format_time(start)}–{format_time(end)}"
    if Operation(job.operation) is Operation.EXTEND and "extend_after" in job.params:
        label += f" from {format_time(float(job.params['extend_after']))}"
    return f"{label}: {prompt}" if prompt else label


def engine_name(job: JobRecord) -> str:
    """The engine a job ran on, as the queue and the history name it ("Local engine", "MusicGPT")."""
    return parse_engine(job.engine).label.split(" (")[0]


class JobsModel(QAbstractTableModel):
    def __init__(self, service: JobsService, parent=None) -> None:
        super().__init__(parent)
        self.service = service
        self._jobs: list[JobRecord] = []
        self.reload()
        service.job_added.connect(self._job_added)
        service.job_changed.connect(self._job_changed)
        # The ETA counts down every second while any job is being followed.
        self._ticker = QTimer(self, interval=1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    def reload(self) -> None:
        self.beginResetModel()
        self._jobs = self.service.jobs()
        self.endResetModel()

    def job_at(self, row: int) -> JobRecord | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def row_of(self, job_id: str) -> int:
        return next((i for i, job in enumerate(self._jobs) if job.id == job_id), -1)

    # ----------------------------------------------------------------------------- Qt model API
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        job = self.job_at(index.row())
        if job is None:
            return None
        if role == JOB_ID_ROLE:
            return job.id
        column = COLUMNS[index.column()]
        if role == PROGRESS_ROLE and column == "Progress":
            return self._fraction(job)
        if role == Qt.ItemDataRole.ToolTipRole:
            return job.error_message or self._live_state(job, whole=True) or job.state.label
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._text(job, column)

    # ---------------------------------------------------------------------------------- helpers
    def _text(self, job: JobRecord, column: str) -> str:
        if column == "Job":
            return job_title(job)
        if column == "Engine":
            return engine_name(job)
        if column == "State":
            if job.state is JobState.FAILED and job.error_message:
                return f"Failed: {job.error_message}"
            return self._live_state(job) or job.state.label
        if column == "Progress":
            fraction = self._fraction(job)
            return "" if fraction < 0 else f"{fraction * 100:.0f}%"
        if column == "ETA":
            return self._eta(job)
        if column == "Credits":
            if job.engine == "local":
                return "free"  # the local engine runs on this computer and charges nothing
            if job.cost is not None:
                return f"{job.cost:g} paid"
            return f"~{job.credit_estimate:g}" if job.credit_estimate is not None else ""
        if column == "Started":
            return datetime.fromtimestamp(job.created_at).strftime("%H:%M:%S")
        return ""

    def _live_state(self, job: JobRecord, *, whole: bool = False) -> str:
        """What a running job is doing now: waiting to try again (with a countdown and why: in a few words
        for the column, the error's whole sentence when ``whole``), or its last message."""
        if not self.service.is_active(job.id):
            return ""
        progress = self.service.progress(job.id)
        if self._retrying(progress):
            waiting = f"Trying again in {_clock(math.ceil((progress.retry_deadline or 0.0) - time.monotonic()))}"
            if whole:
                return f"{waiting}: {progress.retry_reason}" if progress.retry_reason else waiting
            why = RETRY_WHY.get(progress.retry_kind, progress.retry_reason)
            return f"{waiting} ({why})" if why else waiting
        return progress.last_message

    @staticmethod
    def _retrying(progress: JobProgress) -> bool:
        return progress.retry_deadline is not None and progress.retry_deadline > time.monotonic()

    def _fraction(self, job: JobRecord) -> float:
        progress = self.service.progress(job.id)
        if job.state is JobState.DONE:
            return 1.0
        if job.state is JobState.UPLOADING and progress.upload and progress.upload[1]:
            return progress.upload[0] / progress.upload[1]
        if job.state is JobState.DOWNLOADING and progress.download:
            done = sum(d for d, _t in progress.download.values())
            total = sum(t or 0 for _d, t in progress.download.values())
            return done / total if total else -1.0
        if job.state in (JobState.SUBMITTED, JobState.RUNNING) and progress.eta_deadline and job.eta_seconds:
            left = max(0.0, progress.eta_deadline - time.monotonic())
            return max(0.0, min(0.99, 1 - left / job.eta_seconds))
        return -1.0 if self.service.is_active(job.id) else 0.0

    def _eta(self, job: JobRecord) -> str:
        if job.state not in (JobState.SUBMITTED, JobState.RUNNING):
            return ""
        progress = self.service.progress(job.id)
        deadline = progress.eta_deadline
        if deadline is None or self._retrying(progress):  # the State column counts down to the next try
            return ""
        left = deadline - time.monotonic()
        if left <= 0:
            return "any moment"
        return _clock(left)

    def _job_added(self, job_id: str) -> None:
        """A new job goes on top (newest first) without reading the whole queue back."""
        try:
            job = self.service.get(job_id)
        except KeyError:
            return
        if self.row_of(job_id) >= 0:
            return
        row = next((i for i, other in enumerate(self._jobs) if other.created_at < job.created_at), len(self._jobs))
        self.beginInsertRows(QModelIndex(), row, row)
        self._jobs.insert(row, job)
        self.endInsertRows()

    def _job_changed(self, job_id: str) -> None:
        row = self.row_of(job_id)
        try:
            fresh = self.service.get(job_id)
        except Exception:  # deleted
            self.reload()
            return
        if row < 0:
            self.reload()
            return
        self._jobs[row] = fresh
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _tick(self) -> None:
        for row, job in enumerate(self._jobs):
            if self.service.is_active(job.id):
                self.dataChanged.emit(self.index(row, 2), self.index(row, 4))


def _clock(seconds: float) -> str:
    """m:ss, as the queue counts down."""
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"
