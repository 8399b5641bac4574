"""Wire lyrics into the main window: the lane under the ruler, the Lyrics dock, the inpaint form."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtWidgets import QMainWindow

from desktop_app.api.operations import Operation
from desktop_app.lyrics import LyricsEdit
from desktop_app.services.lyrics import SongLyrics
from desktop_app.ui.lyrics.lane import LyricsLane
from desktop_app.ui.lyrics.panel import LyricsPanel
from desktop_app.ui.lyrics.take_words import attach_take_words
from desktop_app.ui.widgets import scrollable


class LyricsFeature(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.service = SongLyrics(window.document, window.player, parent=self)
        self._filled = False  # the inpaint form's lyrics fields hold words from here
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
        results = getattr(window, "results", None)
        self._pending_take: str | None = None  # a take asked to be spliced in, until its audio is in place
        if results is not None:
            results.panel.splice_requested.connect(self._take_requested)
            window.document.working.replaced.connect(self._audio_in_place)
            window.document.working.failed.connect(self._splice_failed)
            attach_take_words(results.panel, results.comparison, results.store, window.editor.timeline)

    def fill_form(self, edit: LyricsEdit | None) -> None:
        """The new words of the picked lines → the inpaint form's ``lyrics`` and section fields.

        Picking lines alone leaves the form alone; the first real change of words fills it, and
        from then on it follows every change (back to the old words too) so it never goes stale.
        """
        if edit is None or (not self._filled and edit.lyrics == self.service.lyrics.text()):
            return
        self._filled = True
        panel = self.window.jobs.panel
        panel.set_operation(Operation.INPAINT)
        panel.forms[Operation.INPAINT].set_values({"lyrics": edit.lyrics, "lyrics_section_to_replace": edit.section})
        panel.validate()

    def _take_requested(self, key: str) -> None:
        self._pending_take = key  # the splice is saved off the GUI thread; its words follow once it is in place

    def _splice_failed(self, _message: str) -> None:
        self._pending_take = None

    def _audio_in_place(self, _text: str) -> None:
        key, self._pending_take = self._pending_take, None
        if key is not None:
            self._take_used(key)

    def _take_used(self, key: str) -> None:
        """“Use this take” on an inpaint whose lyrics were edited: the song's lyrics take its words."""
        job_id, _, index = key.partition(":")
        if not index.isdigit():
            return
        store = self.window.results.store
        try:
            job = store.get(job_id)
        except KeyError:
            return
        params = job.params or {}
        if job.operation != Operation.INPAINT.value or not params.get("lyrics"):
            return
        take = next((t for t in store.takes(job_id) if t.idx == int(index)), None)
        region = (float(params["replace_start_at"]), float(params["replace_end_at"]))
        self.service.adopt_take(params["lyrics"], take.lyrics_timestamped if take else None, region)

    def _tapping(self, on: bool) -> None:
        if on:
            self.lane.setFocus()

    def _song_opened(self) -> None:
        self._filled = False
        if self.service.lyrics.lines:
            self.dock.raise_()
