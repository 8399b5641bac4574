"""Which job's takes the lanes show: the job the producer waits for, opened on the song it was made from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from desktop_app.api.engines import parse_engine
from desktop_app.api.errors import ServiceError
from desktop_app.api.operations import Operation
from desktop_app.audio import PeakPyramid, load
from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.store import JobStore
from desktop_app.services.comparison import Comparison, TakeSource
from desktop_app.services.jobs_model import job_title
from desktop_app.services.tasks import Tasks
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
        self._decoded_input: tuple[Path, np.ndarray] | None = None  # the earlier working version read last
        self._tasks = Tasks("job-takes", self)
        self._source_path: Path | None = None

    def _say(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def show_job(self, job_id: str) -> bool:
        """Bring a finished job's takes in as lanes (opening its song first if another is open)."""
        self._tasks.forget("input")  # a version still being read for another job is no longer wanted
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
        after = float(job.params["extend_after"]) if Operation(job.operation) is Operation.EXTEND else None
        compared_from = (self.comparison.region, self.comparison.extend_after)
        stale = len(self.comparison.lanes) <= 1 or compared_from != (region, after)
        reset = stale or self._input_of != job.input_path
        if reset and self._original_of(job) is None:
            self._decode_input(job)  # an earlier working version: read in the background, then shown
            return True
        with self.comparison.one_change():  # the lanes are rebuilt once, with the new takes in
            if reset:
                self._reset(job, region, after)
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

    def _original_of(self, job: JobRecord) -> tuple[np.ndarray, PeakPyramid | None] | None:
        """The audio ``job`` was made from when it is in memory (None when it must be read from disk): the
        song as opened, a working version the editor or its undo history holds, or one read before."""
        working = self.document.working
        if job.input_path is None or job.input_path == self.document.path:
            if working.source_samples is not None:
                return working.source_samples, working.source_peaks
            return self.document.clip.samples, self.document.peaks
        kept = working.version_at(job.input_path)  # the usual loop: splice, send, compare again
        if kept is not None:
            return kept
        if self._decoded_input is not None and self._decoded_input[0] == job.input_path:
            return self._decoded_input[1], None
        return None

    def _decode_input(self, job: JobRecord) -> None:
        """Read an earlier working version off the GUI thread (a long song takes seconds), then show the job."""
        path, job_id = job.input_path, job.id
        assert path is not None  # _original_of answers for a job without an input file
        if not path.exists():  # a working version in the cache, cleared since
            self._say(f"The version of the song “{job_title(job)}” was made from is no longer on disk, so its "
                      "takes cannot be compared with it.", 10000)  # fmt: skip
            return
        self._say(f"Reading the version of the song “{job_title(job)}” was made from…", 0)

        def decoded(samples: np.ndarray) -> None:
            self._decoded_input = (path, samples)
            self.window.statusBar().clearMessage()
            self.show_job(job_id)

        self._tasks.start(
            lambda _task: load(path).samples, key="input", name="job-input",
            on_result=decoded, on_error=lambda error: self._say(str(error), 10000),
        )  # fmt: skip

    def _reset(self, job: JobRecord, region, extend_after: float | None = None) -> None:
        """Lane 0 is what the job was made from: the song as opened, or a working version of it."""
        original = self._original_of(job)
        assert original is not None  # show_job reads it first when it is not in memory
        self._input_of = job.input_path
        self.comparison.set_original(original[0], self.document.sample_rate, original[1])
        self.comparison.set_region(region)
        self.comparison.set_extend_after(extend_after)

    def song_changed(self) -> bool:
        """A song was opened (not an edit): a new comparison; then the job that was waiting for it, if any.
        Returns True when the lanes were reset."""
        doc = self.document
        reset = doc.path != self._source_path
        if reset:
            self._source_path = doc.path
            self.job = None
            self._input_of = None
            self._decoded_input = None
            self._tasks.forget("input")
            self.comparison.set_original(doc.clip.samples, doc.sample_rate, doc.peaks)
            self.comparison.set_region(None)
            self.comparison.set_extend_after(None)
        if self._pending_job:
            pending, self._pending_job = self._pending_job, None
            self.show_job(pending)
        return reset
