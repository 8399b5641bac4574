"""Keeping a take: splice it in, use it whole, go back to the original, export (off the GUI thread)."""

from __future__ import annotations

import contextlib
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox

from desktop_app.audio.errors import AudioError
from desktop_app.audio.export import Provenance, export
from desktop_app.jobs.records import JobRecord
from desktop_app.services.comparison import ORIGINAL, Comparison
from desktop_app.services.serial_worker import SerialWorker
from desktop_app.services.working_version import SpliceSegment, splice_history
from desktop_app.ui.results.export_dialog import ExportDialog

WORKING = "working"


class Keeping(QObject):
    exported = Signal(object)  # Path written
    _export_done = Signal(object, object)  # (Path | None, error message | None), from the export thread

    def __init__(self, window: QMainWindow, comparison: Comparison, engine_label) -> None:
        super().__init__(window)
        self.window, self.comparison, self.document = window, comparison, window.document
        self._engine_label = engine_label
        self.job: JobRecord | None = None
        self._worker = SerialWorker("export")
        self._export_done.connect(self._on_exported)
        self.document.working.replaced.connect(self._replaced)
        self.document.working.failed.connect(lambda message: self._say(message, 10000))

    def close(self) -> None:
        self._worker.shutdown()

    def _say(self, text: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def splice(self, key: str, crossfade_s: float) -> None:
        try:
            spliced = self.comparison.spliced(key, crossfade_s)
        except ValueError as error:
            self._say(str(error))
            return
        self._replace(spliced, f"Use {self._name(key)}", self._segment(key, self.comparison.region))

    def use_whole_take(self, key: str) -> None:
        try:
            samples = self.comparison.whole_take(key)
        except ValueError as error:
            self._say(str(error))
            return
        self._replace(samples, f"Use whole {self._name(key)}", self._segment(key, None))

    def revert(self) -> None:
        self.document.working.back_to_original()

    def _name(self, key: str) -> str:
        lane = self.comparison.lane(key)
        return self.comparison.display_name(lane) if lane is not None else "take"

    def _segment(self, key: str, region) -> SpliceSegment | None:
        """Which take goes where, for the export's sidecar (``region`` None: the whole take)."""
        lane = self.comparison.lane(key)
        if lane is None or lane.job_id is None:
            return None
        job = self.job if self.job is not None and self.job.id == lane.job_id else None
        start, end = region if region else (0.0, self.document.duration)
        return SpliceSegment(
            self._name(key), lane.job_id, lane.engine_label, job.operation if job else "", float(start), float(end)
        )

    def _replace(self, samples, text: str, segment: SpliceSegment | None = None) -> None:
        self._say(f"{text}: saving the working version…", 4000)
        self.document.working.replace(samples, text, segment)

    def _replaced(self, text: str) -> None:
        self._say(f"{text}: the song now plays this version. Ctrl+Z undoes it.", 8000)

    # ----------------------------------------------------------------------------------- export
    def export_dialog(self, selected: str) -> None:
        if self.document.clip is None:
            return
        sources = [(WORKING, "The song as it is now (working version)"), (ORIGINAL, "The original")]
        sources += [(lane.key, self.comparison.display_name(lane)) for lane in self.comparison.shown_lanes()[1:]]
        path = self.document.path or Path("song")
        # After a splice the song as it is now is what a producer bounces; else the lane they chose.
        selected = WORKING if self.document.working.edited or selected == ORIGINAL else selected
        dialog = ExportDialog(sources, selected, path.parent, path.stem + "-retake", self.window, self.window.settings)
        if not dialog.exec():
            return
        self.export_to(dialog.source_key(), dialog.target(), dialog.format_key(), overwrite=dialog.overwrite)

    def export_to(self, key: str, target: Path, format_key: str, *, overwrite: bool = False) -> Future:
        """Write ``key``'s audio on the export thread; the outcome is reported on the GUI thread."""
        lane = None if key == WORKING else self.comparison.lane(key)
        samples = self.document.clip.samples if lane is None else lane.samples
        if samples is None:  # a take still decoding: nothing to write yet
            done: Future = Future()
            done.set_result(None)
            self._say("That take is still being prepared: export it when its lane shows its waveform.")
            return done
        job = self.job
        provenance = Provenance(
            title=target.stem,
            engine=self._engine_label(job.engine) if job else "",
            operation=job.operation if job else "",
            prompt=str(job.params.get("prompt", "")) if job else "",
            source_file=str(self.document.path or ""),
            parameters=dict(job.params) if job else {},
            splices=[segment.as_dict() for segment in splice_history(self.document)] if lane is None else [],
        )
        rate = self.document.sample_rate
        self._say(f"Exporting {target.name}…", 4000)

        def work() -> Path | None:
            try:
                written = export(samples, rate, target, format_key, provenance, overwrite=overwrite)
            except (AudioError, FileExistsError, OSError) as error:
                outcome = (None, str(error))
            else:
                outcome = (written, None)
            with contextlib.suppress(RuntimeError):  # the window was closed meanwhile
                self._export_done.emit(*outcome)
            return outcome[0]

        return self._worker.submit(work)

    def _on_exported(self, written: Path | None, error: str | None) -> None:
        if error is not None:
            QMessageBox.warning(self.window, "Export failed", error)
            return
        self._say(f"Exported {written}", 8000)
        self.exported.emit(written)
