"""The main window: the waveform editor with its selection and tempo panels, menus and docks.

Seams for later work: :meth:`MainWindow.add_dock` (the jobs and results panels), ``document``
(the open song and its selection), ``player`` (what is heard) and ``editor.timeline`` (the time
axis a results panel can share).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.services.document import Document
from desktop_app.services.jobs_service import JobsService
from desktop_app.services.player import Player
from desktop_app.services.settings import Options, Settings
from desktop_app.ui.main_window.actions import WindowActions
from desktop_app.ui.main_window.controller import EditorController
from desktop_app.ui.main_window.menus import build_menus, build_toolbar, fill_recent_menu
from desktop_app.ui.main_window.status import ElidingStatusBar, StatusPanel
from desktop_app.ui.region_panel import RegionPanel
from desktop_app.ui.tempo_panel import TempoPanel
from desktop_app.ui.theme import apply_theme
from desktop_app.ui.waveform.editor import WaveformEditor
from desktop_app.ui.widgets import guard_wheel

log = logging.getLogger(__name__)
FIRST_RUN_EDITOR_SHARE = 0.42  # of the window's height, for the waveform (ruler, lanes, overview)
DOCK_MIN_HEIGHT = 145  # with the tab bar below: the queue's header, a job's row and its buttons
AUDIO_FILTER = "Audio files (*.wav *.flac *.aif *.aiff *.ogg *.opus *.mp3 *.m4a *.aac);;All files (*)"


class MainWindow(QMainWindow):
    def __init__(
        self, settings: Settings | None = None, player: Player | None = None, jobs_service: JobsService | None = None
    ) -> None:
        super().__init__()
        apply_theme(QApplication.instance())
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.settings = settings or Settings()
        self.document = Document(self)
        self.player = player or Player(self)
        self.editor = WaveformEditor(parent=self)
        self.region_panel = RegionPanel(self.document)
        self.tempo_panel = TempoPanel(self.document.tempo)
        self.setCentralWidget(self._central())
        self.actions = WindowActions(self, self.document)
        self.recent_menu = build_menus(self, self.actions)
        self.toolbar = build_toolbar(self, self.actions)
        self.setStatusBar(ElidingStatusBar())
        self.status = StatusPanel(self.statusBar(), self.document)
        self.controller = EditorController(
            self.document, self.player, self.editor, self.actions, self.status, self.settings, self
        )
        self.actions.open.triggered.connect(self.choose_file)
        self.actions.quit.triggered.connect(self.close)
        self.document.clip_changed.connect(self._song_opened)
        self.document.loading_started.connect(self._loading_started)
        self.document.load_failed.connect(self._show_load_error)
        self._refresh_recent()
        self.last_error: str | None = None
        self.resize(1280, 800)
        self._restore_layout()
        self._install_features(jobs_service)
        guard_wheel(self)  # the wheel scrolls forms; it never changes an unfocused field
        self._in_dialog = False  # the keyboard focus was last in a dialog
        app = QApplication.instance()
        app.focusChanged.connect(self._focus_changed)
        app.focusWindowChanged.connect(self._focus_window_changed)
        self._watching_focus = True
        self.statusBar().showMessage("Open a song: File ▸ Open… (Ctrl+O), or drop a file here.")

    def _central(self) -> QWidget:
        central = QWidget()
        central.setObjectName("centralArea")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 6)
        layout.setSpacing(8)
        layout.addWidget(self.editor, 1)
        inspector = QHBoxLayout()
        inspector.setSpacing(8)
        inspector.addWidget(self.region_panel)
        inspector.addWidget(self.tempo_panel)
        inspector.addStretch(1)
        layout.addLayout(inspector)
        return central

    def _install_features(self, jobs_service: JobsService | None) -> None:
        """The jobs docks (forms, queue) and the results dock (take lanes), tabbed with the queue."""
        from desktop_app.ui.jobs.feature import JobsFeature
        from desktop_app.ui.results.feature import ResultsFeature

        self.jobs = JobsFeature(self, service=jobs_service)
        self.results = ResultsFeature(self, self.jobs.service.store)
        self.tabifyDockWidget(self.jobs.queue_dock, self.results.dock)
        self.jobs.takes_requested.connect(self.results.show_job)
        self.jobs.job_done.connect(self.results.show_job_if_current)
        history = self.results.history
        self.tabifyDockWidget(self.results.dock, self.results.history_dock)
        history.takes_requested.connect(self.results.show_job)
        history.params_requested.connect(self.jobs.send_back_to_form)
        self.results.follow_jobs(self.jobs.service)
        self.results.dock.raise_()
        self.actions.export.triggered.connect(lambda: self.results.keeping.export_dialog("working"))
        from desktop_app.ui.lyrics.feature import LyricsFeature  # the lyrics lane, its dock and the form hook

        self.lyrics = LyricsFeature(self)

    # -- public seams -------------------------------------------------------------------------------

    def open_file(self, path: str | Path) -> None:
        """Open ``path`` in the background; the current song stays until the new one is ready."""
        self.document.open(path)

    def choose_file(self) -> None:
        folder = self.settings.get(Options.last_folder)
        path, _ = QFileDialog.getOpenFileName(self, "Open a song", folder, AUDIO_FILTER)
        self.editor.view.setFocus()  # a native dialog leaves no Qt trace of itself: give the keys back here
        if path:
            self.open_file(path)

    def add_dock(
        self, widget: QWidget, area: Qt.DockWidgetArea = Qt.DockWidgetArea.RightDockWidgetArea, title: str = ""
    ) -> QDockWidget:
        """Add a panel (jobs, results) as a dock; its place is remembered by objectName."""
        dock = QDockWidget(title or widget.windowTitle(), self)
        dock.setObjectName(f"dock_{widget.objectName() or title or type(widget).__name__}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.restoreDockWidget(dock)
        return dock

    # -- reactions ----------------------------------------------------------------------------------

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        if now is not None:
            self._in_dialog = isinstance(now.window(), QDialog)
            if self._in_dialog:
                guard_wheel(now.window())  # any dialog (engine, export…): its fields are safe from the wheel too
        elif self._in_dialog:  # the dialog that had the keys closed
            QTimer.singleShot(0, self._focus_waveform)

    def _focus_window_changed(self, focus_window) -> None:
        """Back from a dialog (export, engine, a question): the waveform gets the keys again, so Space,
        0–9 and the other shortcuts work without a click."""
        if self._in_dialog and focus_window is not None and focus_window is self.windowHandle():
            self._in_dialog = False
            QTimer.singleShot(0, self._focus_waveform)

    def _focus_waveform(self) -> None:
        if not self.isVisible() or QApplication.activeModalWidget() is not None:
            return  # closed, or another dialog is up
        if QApplication.activeWindow() is None:
            self.activateWindow()
        self._in_dialog = False
        self.editor.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _loading_started(self, path: str) -> None:
        self.statusBar().showMessage(f"Opening {Path(path).name}…")

    def _song_opened(self) -> None:
        path = self.document.path
        name = path.name if path else "untitled"
        # "[*]" shows as "*" while the song differs from its file (a take was spliced in).
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        if getattr(self.document, "replacing_audio", False):  # a splice, an undo of one: the same song
            self.setWindowModified(self.document.working.edited)
            return
        self.setWindowModified(False)
        if path is not None and path.exists():
            self.settings.add_recent_file(str(path))
            self.settings.set(Options.last_folder, str(path.parent))
            self._refresh_recent()
        clip = self.document.clip
        self.statusBar().showMessage(
            f"Opened {name} ({clip.duration:.1f} s, {clip.sample_rate} Hz, {clip.channels} ch)",
            8000,
        )

    def _show_load_error(self, path: str, message: str) -> None:
        self.last_error = message
        log.info("open failed: %s", message)
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open this file", message, parent=self)
        box.setObjectName("loadErrorBox")
        kept = self.document.path.name if self.document.path else None
        box.setInformativeText(f"{kept} is still open." if kept else "Choose another file with File ▸ Open…")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal but not blocking: the app keeps running

    def _refresh_recent(self) -> None:
        fill_recent_menu(self.recent_menu, self.settings.get(Options.recent_files), self.open_file)

    # -- window -------------------------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.get(Options.window_geometry)
        if geometry and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = self.settings.get(Options.window_state)
        self._first_run = not (state and not state.isEmpty())
        if not self._first_run:
            self.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._first_run:
            self._first_run = False
            self.first_run_layout()

    def first_run_layout(self) -> None:
        """The waveform gets at least two fifths of the window's height; the docks below share the rest."""
        bottom = [
            d
            for d in self.findChildren(QDockWidget)
            if self.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea
        ]
        if not bottom:
            return
        chrome = self.height() - self.centralWidget().height() - max(d.height() for d in bottom if d.isVisible())
        inspector = self.region_panel.sizeHint().height() + 24  # its row, the margins and the spacing
        wanted_editor = int(self.height() * FIRST_RUN_EDITOR_SHARE)
        dock = max(DOCK_MIN_HEIGHT, self.height() - chrome - inspector - wanted_editor)
        self.resizeDocks(bottom, [dock] * len(bottom), Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._watching_focus:
            self._watching_focus = False
            app = QApplication.instance()
            app.focusChanged.disconnect(self._focus_changed)
            app.focusWindowChanged.disconnect(self._focus_window_changed)
        self.settings.set(Options.window_geometry, self.saveGeometry())
        self.settings.set(Options.window_state, self.saveState())
        self.settings.sync()
        self.player.shutdown()
        self.document.shutdown()
        self.jobs.shutdown()
        self.lyrics.service.shutdown()
        self.results.close()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            self.open_file(files[0])
            event.acceptProposedAction()
