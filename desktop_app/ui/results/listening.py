"""What the player hears while comparing: the lanes as sources, their matched gains, the loop, previews."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMainWindow

from desktop_app.services.comparison import Comparison
from desktop_app.ui.results.keeping import WORKING
from desktop_app.ui.results.results_panel import ResultsPanel

PREVIEW = "preview"


class Listening(QObject):
    def __init__(self, window: QMainWindow, comparison: Comparison, panel: ResultsPanel) -> None:
        super().__init__(window)
        self.window, self.comparison, self.panel = window, comparison, panel
        self.document, self.player = window.document, window.player
        self._preview_of: str | None = None
        self.hear_working = False  # after a splice the producer hears the new song, at the same spot
        self.extra_sources: list = []  # callables returning more {key: samples} to hear (the comp)

    def preview(self, key: str) -> None:
        try:
            spliced = self.comparison.spliced(key, self.panel.crossfade_s)
        except ValueError as error:
            self.window.statusBar().showMessage(str(error), 6000)
            return
        self._preview_of = key
        sources = self.sources()
        sources[PREVIEW] = spliced
        self.player.set_sources(sources, self.comparison.rate, select=PREVIEW)
        self.apply_gains()
        self.window.statusBar().showMessage("Hearing the splice. “Use this take” keeps it; 0–9 switch back.", 8000)

    def sources(self) -> dict:
        """Lane 0 is the untouched original; ``working`` is the edited song, when there is one."""
        sources = self.comparison.sources()
        if self.document.working.edited:
            sources[WORKING] = self.document.clip.samples
        for provide in self.extra_sources:
            sources.update(provide())
        return sources

    def sources_changed(self) -> None:
        if self.document.clip is None or not self.comparison.lanes:
            return
        self._preview_of = None
        sources = self.sources()
        selected = WORKING if self.hear_working and WORKING in sources else self.comparison.selected
        self.player.set_sources(sources, self.document.sample_rate, select=selected)
        self.apply_gains()
        self.apply_loop()

    def selection_changed(self, key: str) -> None:
        self.hear_working = False
        self.player.select_source(key)

    def apply_gains(self) -> None:
        gains = self.comparison.gains()
        for key, gain in gains.items():
            self.player.set_gain(key, gain)
        if self._preview_of:
            self.player.set_gain(PREVIEW, gains.get(self._preview_of, 1.0))

    def apply_loop(self) -> None:
        context = self.panel.loop_context()
        bounds = self.document.region.bounds()
        if context is None or bounds is None:
            return
        pre, post = context
        self.player.set_loop_range(max(0.0, bounds[0] - pre), min(self.document.duration, bounds[1] + post))
        self.player.set_loop_enabled(True)
