"""Wire the results panel into the main window: docks, shortcuts, and which part answers which signal.

The parts: :class:`~desktop_app.ui.results.job_takes.JobTakes` decides which job's takes are shown,
:class:`~desktop_app.ui.results.listening.Listening` feeds the player, :class:`~desktop_app.ui.results.keeping.Keeping`
splices and exports; the comparison and the working version (services) own the state.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow

from desktop_app.jobs.records import JobRecord
from desktop_app.jobs.store import JobStore
from desktop_app.services.comparison import Comparison
from desktop_app.services.history_model import HistoryModel
from desktop_app.ui.results.comping import Comping
from desktop_app.ui.results.history_panel import HistoryPanel
from desktop_app.ui.results.job_takes import JobTakes, engine_label
from desktop_app.ui.results.keeping import WORKING, Keeping
from desktop_app.ui.results.listening import Listening
from desktop_app.ui.results.results_panel import ResultsPanel
from desktop_app.ui.widgets import scrollable

__all__ = ["ResultsFeature", "engine_label"]
LANES_MIN_HEIGHT = 260  # px of dock: the two rows of controls, the original and a take


class ResultsFeature(QObject):
    def __init__(self, window: QMainWindow, store: JobStore) -> None:
        super().__init__(window)
        self.window, self.store = window, store
        self.document, self.player = window.document, window.player
        self.comparison = Comparison(self)
        self.panel = ResultsPanel(self.comparison, window.editor.timeline, self.document.region, window.settings)
        self.dock = window.add_dock(scrollable(self.panel), Qt.DockWidgetArea.BottomDockWidgetArea, "Compare takes")
        self.history_model = HistoryModel(store, self)
        self.history = HistoryPanel(self.history_model)
        self.history.setObjectName("historyPanel")
        self.history_dock = window.add_dock(scrollable(self.history), Qt.DockWidgetArea.BottomDockWidgetArea, "History")
        self.takes = JobTakes(window, store, self.comparison)
        self.listening = Listening(window, self.comparison, self.panel)
        self.keeping = Keeping(window, self.comparison, engine_label)
        self.comping = Comping(window, self.comparison, self.panel, self.listening)
        self._wire()

    def _wire(self) -> None:
        comparison, panel, listening, keeping = self.comparison, self.panel, self.listening, self.keeping
        self.document.clip_changed.connect(self._clip_changed)
        comparison.lanes_changed.connect(listening.sources_changed)
        comparison.lanes_changed.connect(self._reach_longest_lane)
        comparison.selection_changed.connect(listening.selection_changed)
        comparison.options_changed.connect(listening.apply_gains)
        comparison.rating_changed.connect(self._rated)
        comparison.failed.connect(lambda message: self.window.statusBar().showMessage(message, 10000))
        self.player.position_changed.connect(panel.set_playhead)
        panel.seek_requested.connect(self.player.seek)
        panel.splice_requested.connect(lambda key: keeping.splice(key, panel.crossfade_s))
        panel.preview_requested.connect(listening.preview)
        panel.whole_take_requested.connect(keeping.use_whole_take)
        panel.revert_requested.connect(keeping.revert)
        panel.export_requested.connect(keeping.export_dialog)
        panel.loop_context_changed.connect(listening.apply_loop)
        self.document.region.changed.connect(listening.apply_loop)
        self.document.working.replaced.connect(self._replaced)
        self.takes.shown.connect(self._job_shown)
        self._shortcuts = []
        for digit in range(10):
            shortcut = QShortcut(QKeySequence(str(digit)), self.window)
            shortcut.activated.connect(lambda d=digit: self.comparison.select_index(d))
            self._shortcuts.append(shortcut)

    def close(self) -> None:
        self.comparison.close()
        self.keeping.close()

    # ------------------------------------------------------------------------------------- jobs
    def follow_jobs(self, service) -> None:
        """Listen to the job queue: which job the producer waits for, and the history's rows.

        The history updates only the rows of jobs that changed: at once when a job is added or ends, at
        most twice a second for progress (every upload/download chunk emits job_changed).
        """
        service.job_sent.connect(self.note_sent)
        self.history_model.job_record = service.get
        service.job_added.connect(self.history_model.update_job)
        service.job_finished.connect(self.history_model.update_job)
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
                self.history_model.update_job(job_id)

    def show_job(self, job_id: str) -> bool:
        """Bring a finished job's takes in as lanes (opening its song first if another is open)."""
        return self.takes.show_job(job_id)

    def show_job_if_current(self, job_id: str) -> None:
        self.takes.show_job_if_current(job_id)

    def _job_shown(self, job: JobRecord) -> None:
        """Takes are coming in (now, or once the job's song has opened): make room for them."""
        self.keeping.job = job
        self.dock.raise_()
        self._make_room()

    def note_sent(self, job_id: str) -> None:
        """The producer just sent this job: it is the one they wait for."""
        self.takes.latest_sent = job_id

    @property
    def latest_sent(self) -> str | None:
        return self.takes.latest_sent

    @property
    def job(self) -> JobRecord | None:
        return self.takes.job

    def _make_room(self) -> None:
        """Give the lanes about 40 % of the window (the original and two takes fit at 1280×800), and leave the
        editor above them a usable height."""
        height = self.window.height()
        wanted = max(LANES_MIN_HEIGHT, int(height * 0.4))
        wanted = min(wanted, max(120, height - self.window.editor.minimumHeight() - 120))
        self.window.resizeDocks([self.dock], [wanted], Qt.Orientation.Vertical)

    # ---------------------------------------------------------------------------------- keeping
    def use_whole_take(self, key: str) -> None:
        self.keeping.use_whole_take(key)

    def export_to(self, key: str, target: Path, format_key: str, *, overwrite: bool = False) -> Future:
        return self.keeping.export_to(key, target, format_key, overwrite=overwrite)

    # -------------------------------------------------------------------------------- reactions
    def _clip_changed(self) -> None:
        if self.document.replacing_audio:
            self.listening.sources_changed()  # an edit of the same song: keep the lanes, refresh the player
            self._reach_longest_lane()
            return
        if self.document.path != self.takes._source_path:
            self.history_model.set_song(self.document.path)
        self.takes.song_changed()

    def _reach_longest_lane(self) -> None:
        """The shared time axis reaches the end of the longest lane: an extend take outlasts the song, and its
        continuation must be seen and clicked (the original's lane is silent there). Back to the song's own
        length once no lane is longer."""
        clip = self.document.clip
        if clip is None or self.document.is_loading:
            return
        frames = max(clip.samples.shape[0], self.comparison.longest_frames())
        timeline = self.window.editor.timeline
        if frames != timeline.frames:
            timeline.set_content(frames, self.document.sample_rate)

    def _replaced(self, _text: str) -> None:
        """After a splice the producer hears the new song at the same spot; after "back", the original."""
        self.listening.hear_working = self.document.working.edited
        if self.listening.hear_working:
            self.player.select_source(WORKING)

    def _rated(self, key: str, rating: str) -> None:
        lane = self.comparison.lane(key)
        if lane is not None and lane.job_id and lane.take_index is not None:
            self.store.set_rating(lane.job_id, lane.take_index, rating)
            self.history_model.update_job(lane.job_id)
