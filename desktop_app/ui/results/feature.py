"""Wire the results panel into the main window: bring a job's takes in, listen, splice, export."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox

from desktop_app.api.engines import parse_engine
from desktop_app.api.errors import ServiceError
from desktop_app.audio import load
from desktop_app.audio.errors import AudioError
from desktop_app.audio.export import Provenance, export
from desktop_app.jobs.store import JobRecord, JobStore
from desktop_app.services.comparison import ORIGINAL, Comparison, TakeSource
from desktop_app.services.jobs_model import job_title
from desktop_app.services.working_version import ReplaceAudioCommand, is_working_file_of
from desktop_app.ui.results.export_dialog import ExportDialog
from desktop_app.ui.results.history_panel import HistoryPanel
from desktop_app.ui.results.results_panel import ResultsPanel
from desktop_app.ui.widgets import scrollable

log = logging.getLogger(__name__)
PREVIEW = "preview"
WORKING = "working"


def engine_label(engine: str) -> str:
    try:
        return parse_engine(engine).label
    except ServiceError:
        return engine


class ResultsFeature(QObject):
    def __init__(self, window: QMainWindow, store: JobStore) -> None:
        super().__init__(window)
        self.window, self.store = window, store
        self.document, self.player = window.document, window.player
        self.comparison = Comparison(self)
        self.panel = ResultsPanel(self.comparison, window.editor.timeline, self.document.region)
        self.dock = window.add_dock(scrollable(self.panel), Qt.DockWidgetArea.BottomDockWidgetArea, "Compare takes")
        self.history = HistoryPanel(store)
        self.history.setObjectName("historyPanel")
        self.history_dock = window.add_dock(scrollable(self.history), Qt.DockWidgetArea.BottomDockWidgetArea, "History")
        self.job: JobRecord | None = None
        self._source_path: Path | None = None
        self._preview_of: str | None = None
        self._hear_working = False
        self._input_of: Path | None = None
        self._latest_sent: str | None = None
        self.document.clip_changed.connect(self._clip_changed)
        self.comparison.lanes_changed.connect(self._sources_changed)
        self.comparison.selection_changed.connect(self._selection_changed)
        self.comparison.options_changed.connect(self._apply_gains)
        self.comparison.rating_changed.connect(self._rated)
        self.comparison.failed.connect(lambda message: window.statusBar().showMessage(message, 10000))
        self.player.position_changed.connect(self.panel.set_playhead)
        self.panel.seek_requested.connect(self.player.seek)
        self.panel.splice_requested.connect(self.splice)
        self.panel.preview_requested.connect(self.preview)
        self.panel.whole_take_requested.connect(self.use_whole_take)
        self.panel.revert_requested.connect(self.revert)
        self.panel.export_requested.connect(self.export_dialog)
        self.panel.loop_context_changed.connect(self._apply_loop)
        self.document.region.changed.connect(self._apply_loop)
        self._shortcuts = []
        for digit in range(10):
            shortcut = QShortcut(QKeySequence(str(digit)), window)
            shortcut.activated.connect(lambda d=digit: self.comparison.select_index(d))
            self._shortcuts.append(shortcut)

    # ------------------------------------------------------------------------------------- jobs
    def follow_jobs(self, service) -> None:
        """Listen to the job queue: which job the producer waits for, and the history's rows.

        The history updates only the rows of jobs that changed: at once when a job is added or ends, at
        most twice a second for progress (every upload/download chunk emits job_changed).
        """
        service.job_sent.connect(self.note_sent)
        service.job_added.connect(self.history.update_job)
        service.job_finished.connect(self.history.update_job)
        self._history_changed: set[str] = set()
        self._history_timer = QTimer(self, singleShot=True, interval=500)
        self._history_timer.timeout.connect(self._update_history)
        service.job_changed.connect(self._job_changed)

    def _job_changed(self, job_id: str) -> None:
        self._history_changed.add(job_id)
        if not self._history_timer.isActive():
            self._history_timer.start()

    def _update_history(self) -> None:
        changed, self._history_changed = self._history_changed, set()
        if self.window.isVisible():  # not after close
            for job_id in sorted(changed):
                self.history.update_job(job_id)

    def show_job(self, job_id: str) -> bool:
        """Bring a finished job's takes in as lanes (opening its song first if another is open)."""
        job = self.store.get(job_id)
        takes = self.store.takes(job_id)
        if not takes:
            self.window.statusBar().showMessage("That job has no takes on disk.", 6000)
            return False
        if self.document.clip is None or not is_working_file_of(job.input_path, self.document.path):
            if job.input_path is None or not job.input_path.exists():
                self.window.statusBar().showMessage("The song this job was made from is no longer on disk.", 8000)
                return False
            self._pending_job = job_id
            self.window.open_file(job.input_path)
            return True
        self.job = job
        region = None
        if job.operation == "inpaint":
            region = (float(job.params["replace_start_at"]), float(job.params["replace_end_at"]))
            self.document.region.set_range(*region, text="Region of the job")
        stale = len(self.comparison.lanes) <= 1 or self.comparison.region != region
        if (stale or self._input_of != job.input_path) and not self._reset_comparison(job, region):
            return False
        label = engine_label(job.engine)
        self.comparison.add_takes(
            [TakeSource(job.id, t.idx, t.path, label, t.rating) for t in takes if t.path.exists()]
        )
        prompt = job.params.get("prompt") or job.params.get("voice_id") or ""
        self.panel.set_title(f"{job.operation.replace('_', ' ').capitalize()} · {prompt} · made by {label}")
        self.dock.raise_()
        self._make_room()
        return True

    def _make_room(self) -> None:
        """Give the lanes about half the window so the original and both takes are visible together."""
        wanted = max(self.dock.height(), int(self.window.height() * 0.5))
        self.window.resizeDocks([self.dock], [wanted], Qt.Orientation.Vertical)

    @property
    def latest_sent(self) -> str | None:
        """The job the producer sent last (their next takes to compare)."""
        return self._latest_sent

    def note_sent(self, job_id: str) -> None:
        """The producer just sent this job: it is the one they wait for."""
        self._latest_sent = job_id

    def show_job_if_current(self, job_id: str) -> None:
        """A job just finished: show its takes when it was made from the song that is open and it is the job
        the producer sent last, or nothing of this song is being compared yet. An earlier job of a batch
        finishing late must not replace the takes being auditioned (nor move the selection to its region);
        it says so in the status bar and waits in the queue and the history."""
        job = self.store.get(job_id)
        if self.document.clip is None or not is_working_file_of(job.input_path, self.document.path):
            return
        comparing = self.job is not None and is_working_file_of(self.job.input_path, self.document.path)
        if job_id == self._latest_sent or not comparing:
            self.show_job(job_id)
            return
        self.window.statusBar().showMessage(
            f"Takes ready: {job_title(job)}. Double-click it in the queue or the history to compare them.", 8000
        )

    def _reset_comparison(self, job: JobRecord, region) -> bool:
        """Lane 0 is what the job was made from: the song as opened, or a working version of it."""
        source = getattr(self.document, "source_samples", None)
        original = source if source is not None else self.document.clip.samples
        if job.input_path is not None and job.input_path != self.document.path:
            try:
                original = load(job.input_path).samples
            except AudioError as error:
                self.window.statusBar().showMessage(str(error), 10000)
                return False
        self._input_of = job.input_path
        # The open song's own pyramid serves lane 0 when lane 0 is that very audio.
        peaks = self.document.peaks if original is self.document.clip.samples else None
        self.comparison.set_original(original, self.document.sample_rate, peaks)
        self.comparison.set_region(region)
        return True

    # ---------------------------------------------------------------------------------- keeping
    def preview(self, key: str) -> None:
        try:
            spliced = self.comparison.spliced(key, self.panel.crossfade_s)
        except ValueError as error:
            self.window.statusBar().showMessage(str(error), 6000)
            return
        self._preview_of = key
        sources = self._sources()
        sources[PREVIEW] = spliced
        self.player.set_sources(sources, self.comparison.rate, select=PREVIEW)
        self._apply_gains()
        self.window.statusBar().showMessage("Hearing the splice. “Use this take” keeps it; 0–9 switch back.", 8000)

    def splice(self, key: str) -> None:
        try:
            spliced = self.comparison.spliced(key, self.panel.crossfade_s)
        except ValueError as error:
            self.window.statusBar().showMessage(str(error), 6000)
            return
        lane = self.comparison.lane(key)
        self._replace(spliced, f"Use {lane.label if lane else 'take'}")

    def use_whole_take(self, key: str) -> None:
        try:
            samples = self.comparison.whole_take(key)
        except ValueError as error:
            self.window.statusBar().showMessage(str(error), 6000)
            return
        lane = self.comparison.lane(key)
        self._replace(samples.copy(), f"Use whole {lane.label if lane else 'take'}")

    def revert(self) -> None:
        source = getattr(self.document, "source_samples", None)
        if source is not None and self.document.clip is not None and self.document.clip.samples is not source:
            self._replace(source, "Back to original")

    def _replace(self, samples, text: str) -> None:
        self._hear_working = True  # after a splice the producer hears the new song, at the same spot
        self.document.undo_stack.push(ReplaceAudioCommand(self.document, samples, text))
        self.window.statusBar().showMessage(f"{text}: the song now plays this version. Ctrl+Z undoes it.", 8000)

    # ----------------------------------------------------------------------------------- export
    def export_dialog(self, selected: str) -> None:
        if self.document.clip is None:
            return
        sources = [("working", "The song as it is now (working version)"), (ORIGINAL, "The original")]
        sources += [(lane.key, self.comparison.display_name(lane)) for lane in self.comparison.shown_lanes()[1:]]
        path = self.document.path or Path("song")
        dialog = ExportDialog(
            sources, selected if selected != ORIGINAL else "working", path.parent, path.stem + "-retake"
        )
        if not dialog.exec():
            return
        self.export_to(dialog.source_key(), dialog.target(), dialog.format_key(), overwrite=dialog.overwrite)

    def export_to(self, key: str, target: Path, format_key: str, *, overwrite: bool = False) -> Path | None:
        samples = self.document.clip.samples if key == "working" else self.comparison.lane(key).samples
        job = self.job
        provenance = Provenance(
            title=target.stem,
            engine=engine_label(job.engine) if job else "",
            operation=job.operation if job else "",
            prompt=str(job.params.get("prompt", "")) if job else "",
            source_file=str(self.document.path or ""),
            parameters=dict(job.params) if job else {},
        )
        try:
            written = export(samples, self.document.sample_rate, target, format_key, provenance, overwrite=overwrite)
        except (AudioError, FileExistsError, OSError) as error:
            QMessageBox.warning(self.window, "Export failed", str(error))
            return None
        self.window.statusBar().showMessage(f"Exported {written}", 8000)
        return written

    # -------------------------------------------------------------------------------- reactions
    def _clip_changed(self) -> None:
        doc = self.document
        if getattr(doc, "replacing_audio", False):
            self._sources_changed()  # an edit of the same song: keep the lanes, refresh the player
            return
        doc.source_samples = doc.clip.samples
        doc.working_path = None
        if doc.path != self._source_path:
            self._source_path = doc.path
            self.history.set_song(doc.path)
            self.job = None
            self.comparison.set_original(doc.clip.samples, doc.sample_rate, doc.peaks)
            self.panel.set_title("No takes yet. When a job finishes, its takes appear here next to the original.")
        pending = getattr(self, "_pending_job", None)
        if pending:
            self._pending_job = None
            self.show_job(pending)

    def _edited(self) -> bool:
        source = getattr(self.document, "source_samples", None)
        return self.document.clip is not None and source is not None and self.document.clip.samples is not source

    def _sources(self) -> dict:
        """Lane 0 is the untouched original; ``working`` is the edited song, when there is one."""
        sources = {lane.key: lane.samples for lane in self.comparison.lanes}
        if self._edited():
            sources[WORKING] = self.document.clip.samples
        return sources

    def _sources_changed(self) -> None:
        if self.document.clip is None or not self.comparison.lanes:
            return
        self._preview_of = None
        sources = self._sources()
        selected = WORKING if self._hear_working and WORKING in sources else self.comparison.selected
        self.player.set_sources(sources, self.document.sample_rate, select=selected)
        self._apply_gains()
        self._apply_loop()

    def _rated(self, key: str, rating: str) -> None:
        lane = self.comparison.lane(key)
        if lane is not None and lane.job_id and lane.take_index is not None:
            self.store.set_rating(lane.job_id, lane.take_index, rating)
            self.history.update_job(lane.job_id)

    def _selection_changed(self, key: str) -> None:
        self._hear_working = False
        self.player.select_source(key)

    def _apply_gains(self) -> None:
        for key, gain in self.comparison.gains().items():
            self.player.set_gain(key, gain)
        if self._preview_of:
            self.player.set_gain(PREVIEW, self.comparison.gains().get(self._preview_of, 1.0))

    def _apply_loop(self) -> None:
        context = self.panel.loop_context()
        bounds = self.document.region.bounds()
        if context is None or bounds is None:
            return
        pre, post = context
        self.player.set_loop_range(max(0.0, bounds[0] - pre), min(self.document.duration, bounds[1] + post))
        self.player.set_loop_enabled(True)
