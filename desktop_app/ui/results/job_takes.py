"""Which job's takes the lanes show: the job the producer waits for, opened on the song it was made from."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from desktop_app.api.engines import parse_engine
from desktop_app.api.errors import ServiceError
from desktop_app.api.operations import Operation
from desktop_app.audio import load
from desktop_app.audio.errors import AudioError
from desktop_app.jobs.store import JobRecord, JobStore
from desktop_app.services.comparison import Comparison, TakeSource
from desktop_app.services.jobs_model import job_title
from desktop_app.services.working_version import is_working_file_of


def engine_label(engine: str) -> str:
    try:
        return parse_engine(engine).label
    except ServiceError:
        return engine


class JobTakes(QObject):
    shown = Signal(object)  # JobRecord whose takes are coming into the lanes

    def __init__(self, window: QMainWindow, store: JobStore, comparison: Comparison) -> None:
        super().__init__(window)
        self.window, self.store, self.comparison = window, store, comparison
        self.document = window.document
        self.job: JobRecord | None = None
        self.latest_sent: str | None = None  # the job the producer sent last (their next takes to compare)
        self._pending_job: str | None = None  # to show once its song has opened
        self._input_of: Path | None = None
        self._source_path: Path | None = None

    def _say(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def show_job(self, job_id: str) -> bool:
        """Bring a finished job's takes in as lanes (opening its song first if another is open)."""
        job = self.store.get(job_id)
        takes = [t for t in self.store.takes(job_id) if t.path.exists()]
        if not takes:
            self._say("That job has no takes on disk.", 6000)
            return False
        if self.document.clip is None or not is_working_file_of(job.input_path, self.document.path):
            if job.input_path is None or not job.input_path.exists():
                self._say("The song this job was made from is no longer on disk.")
                return False
            self._pending_job = job_id
            self.window.open_file(job.input_path)
            return True
        region = None
        if Operation(job.operation) is Operation.INPAINT:
            region = (float(job.params["replace_start_at"]), float(job.params["replace_end_at"]))
            self.document.region.set_range(*region, text="Region of the job")
        # An extend job's takes are compared from its point on (it has no region: the take outlasts the song).
        after = float(job.params["extend_after"]) if job.operation == "extend" else None
        compared_from = (self.comparison.region, self.comparison.extend_after)
        stale = len(self.comparison.lanes) <= 1 or compared_from != (region, after)
        with self.comparison.one_change():  # the lanes are rebuilt once, with the new takes in
            if (stale or self._input_of != job.input_path) and not self._reset(job, region, after):
                return False
            self.job = job
            label = engine_label(job.engine)
            title = job_title(job)
            self.comparison.add_takes(
                [TakeSource(job.id, t.idx, t.path, label, t.rating, job.operation, title) for t in takes]
            )
        self.shown.emit(job)
        return True

    def show_job_if_current(self, job_id: str) -> bool:
        """A job just finished: show its takes when it was made from the song that is open and it is the job
        the producer sent last, or nothing of this song is being compared yet. An earlier job of a batch
        finishing late must not replace the takes being auditioned (nor move the selection to its region);
        it says so in the status bar and waits in the queue and the history."""
        job = self.store.get(job_id)
        if self.document.clip is None or not is_working_file_of(job.input_path, self.document.path):
            return False
        comparing = self.job is not None and is_working_file_of(self.job.input_path, self.document.path)
        if job_id == self.latest_sent or not comparing:
            return self.show_job(job_id)
        self._say(f"Takes ready: {job_title(job)}. Double-click it in the queue or the history to compare them.")
        return False

    def _reset(self, job: JobRecord, region, extend_after: float | None = None) -> bool:
        """Lane 0 is what the job was made from: the song as opened, or a working version of it."""
        working = self.document.working
        original = working.source_samples if working.source_samples is not None else self.document.clip.samples
        peaks = working.source_peaks
        if job.input_path is not None and job.input_path != self.document.path:
            try:
                original = load(job.input_path).samples
            except AudioError as error:
                self._say(str(error), 10000)
                return False
            peaks = None
        self._input_of = job.input_path
        self.comparison.set_original(original, self.document.sample_rate, peaks)
        self.comparison.set_region(region)
        self.comparison.set_extend_after(extend_after)
        return True

    def song_changed(self) -> bool:
        """A song was opened (not an edit): a new comparison; then the job that was waiting for it, if any.
        Returns True when the lanes were reset."""
        doc = self.document
        reset = doc.path != self._source_path
        if reset:
            self._source_path = doc.path
            self.job = None
            self._input_of = None
            self.comparison.set_original(doc.clip.samples, doc.sample_rate, doc.peaks)
            self.comparison.set_region(None)
            self.comparison.set_extend_after(None)
        if self._pending_job:
            pending, self._pending_job = self._pending_job, None
            self.show_job(pending)
        return reset
