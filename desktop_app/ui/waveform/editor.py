"""The waveform editor: ruler, waveform lanes, scrollbar and overview around one timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QScrollBar, QVBoxLayout, QWidget

from desktop_app.audio import PeakPyramid
from desktop_app.audio.snap import BeatGrid
from desktop_app.services.region import Region
from desktop_app.ui.waveform.overview import OverviewStrip
from desktop_app.ui.waveform.ruler import TimeRuler
from desktop_app.ui.waveform.timeline import TimelineView
from desktop_app.ui.waveform.view import WaveformView

_SCROLL_STEPS = 100_000  # the scrollbar works in fractions: pixels overflow int32 at deep zoom
EDITOR_MIN_HEIGHT = 150  # px: ruler, a readable waveform, scrollbar and overview
# Below this height the overview gives its strip to the waveform: in a small window with takes compared
# below, two channels shared 50 px while the overview kept 46.
OVERVIEW_MIN_EDITOR_HEIGHT = 180  # the waveform keeps ~100 px either side of it


class WaveformEditor(QWidget):
    seek_requested = Signal(float)
    hover_changed = Signal(float)
    origin_dragged = Signal(float)

    def __init__(self, timeline: TimelineView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waveformEditor")
        self.setMinimumHeight(EDITOR_MIN_HEIGHT)  # takes arriving below must not squash it to a strip
        self.timeline = timeline or TimelineView(self)
        self.ruler = TimeRuler(self.timeline)
        self.view = WaveformView(self.timeline)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        self.overview = OverviewStrip(self.timeline)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for widget, stretch in ((self.ruler, 0), (self.view, 1), (self.scrollbar, 0), (self.overview, 0)):
            layout.addWidget(widget, stretch)
        self._syncing = False
        self.timeline.changed.connect(self._sync_scrollbar)
        self.scrollbar.valueChanged.connect(self._scrolled)
        self.view.seek_requested.connect(self.seek_requested)
        self.ruler.seek_requested.connect(self.seek_requested)
        self.view.hover_changed.connect(self.hover_changed)
        self.ruler.origin_dragged.connect(self.origin_dragged)

    def add_lane(self, lane: QWidget) -> None:
        """Put a lane on the shared time axis under the ruler (the lyrics lane); same width as the view."""
        self.layout().insertWidget(1, lane)

    # -- inputs -------------------------------------------------------------------------------

    def set_pyramid(self, pyramid: PeakPyramid | None, rate: int, *, loading_fraction: float | None = None) -> None:
        frames = pyramid.frames if pyramid is not None else 0
        if frames != self.timeline.frames or rate != self.timeline.rate:
            self.timeline.set_content(frames, rate)
        self.view.set_pyramid(pyramid, loading_fraction=loading_fraction)
        self.overview.set_pyramid(pyramid)

    def set_region(self, region: Region | None) -> None:
        self.view.set_region(region)
        self.ruler.set_region(region)
        self.overview.set_region(region)

    def set_grid(self, grid: BeatGrid | None) -> None:
        self.view.set_grid(grid)
        self.ruler.set_grid(grid)

    def set_playhead(self, seconds: float, *, follow: bool = False) -> None:
        if follow:
            self.timeline.ensure_visible(seconds)
        self.view.set_playhead(seconds)
        self.ruler.set_playhead(seconds)
        self.overview.set_playhead(seconds)

    # -- zoom actions ---------------------------------------------------------------------------

    def zoom_anchor(self) -> float:
        """Zoom around the mouse when it is over the waveform, else the playhead if visible."""
        if self.view.hover_x is not None:
            return self.view.hover_x
        x = self.timeline.time_to_x(self.view.playhead)
        return x if 0 <= x <= self.timeline.width else self.timeline.width / 2

    def zoom_in(self) -> None:
        self.timeline.zoom_in(self.zoom_anchor())

    def zoom_out(self) -> None:
        self.timeline.zoom_out(self.zoom_anchor())

    def zoom_to_selection(self) -> None:
        bounds = self.view.region.bounds() if self.view.region else None
        if bounds:
            self.timeline.zoom_to(*bounds)

    def zoom_fit(self) -> None:
        self.timeline.fit()

    # -- geometry and scrollbar -----------------------------------------------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        room = self.height() >= OVERVIEW_MIN_EDITOR_HEIGHT
        if room != self.overview.isVisibleTo(self):
            self.overview.setVisible(room)  # (only the parts inside move: the editor's own size stays)
        self.timeline.set_width(self.view.width())

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.timeline.set_width(self.view.width())

    def _sync_scrollbar(self) -> None:
        start, visible = self.timeline.scroll_fraction()
        self._syncing = True
        page = max(1, round(visible * _SCROLL_STEPS))
        self.scrollbar.setRange(0, max(0, _SCROLL_STEPS - page))
        self.scrollbar.setPageStep(page)
        self.scrollbar.setSingleStep(max(1, page // 10))
        self.scrollbar.setValue(round(start * _SCROLL_STEPS))
        self.scrollbar.setEnabled(visible < 1.0)
        self._syncing = False

    def _scrolled(self, value: int) -> None:
        if not self._syncing and self.timeline.frames:
            self.timeline.scroll_to(value / _SCROLL_STEPS * self.timeline.duration)
