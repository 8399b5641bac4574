"""Wire lyrics into the main window: the lane under the ruler, the Lyrics dock, the inpaint form."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QMainWindow

from desktop_app.api.models import Operation
from desktop_app.lyrics import LyricsEdit
from desktop_app.services.lyrics import SongLyrics
from desktop_app.ui.lyrics.lane import LyricsLane
from desktop_app.ui.lyrics.panel import LyricsPanel
from desktop_app.ui.widgets import scrollable


class LyricsFeature(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.service = SongLyrics(window.document, window.player, parent=self)
        self.lane = LyricsLane(window.editor.timeline, self.service)
        window.editor.add_lane(self.lane)
        self.panel = LyricsPanel(self.service)
        # Scrollable: in a short window the diff scrolls into view instead of being cut off.
        self.dock = window.add_dock(scrollable(self.panel), Qt.DockWidgetArea.BottomDockWidgetArea, "Lyrics")
        window.tabifyDockWidget(window.jobs.queue_dock, self.dock)
        if getattr(window, "results", None) is not None:
            window.results.dock.raise_()  # tabifying raised the new tab; the takes stay in front
        window.player.position_changed.connect(self.lane.set_playhead)
        self.service.edit_changed.connect(self.fill_form)
        self.service.message.connect(lambda text: window.statusBar().showMessage(text, 6000))
        self.service.tapping_changed.connect(self._tapping)
        window.document.clip_changed.connect(self._song_opened)
        self.service.loaded.connect(self._song_opened)
        QCoreApplication.instance().aboutToQuit.connect(self.service.shutdown)

    def fill_form(self, edit: LyricsEdit | None) -> None:
        """The new words of the picked lines → the inpaint form's ``lyrics`` and section fields."""
        if edit is None:
            return
        panel = self.window.jobs.panel
        panel.set_operation(Operation.INPAINT)
        panel.forms[Operation.INPAINT].set_values({"lyrics": edit.lyrics, "lyrics_section_to_replace": edit.section})
        panel.validate()

    def _tapping(self, on: bool) -> None:
        if on:
            self.lane.setFocus()

    def _song_opened(self) -> None:
        if self.service.lyrics.lines:
            self.dock.raise_()
