"""The waveform widget: paints a peak pyramid through a shared :class:`TimelineView`.

The waveform (with beat lines and lane labels) is rendered into a cached layer keyed on everything
that changes its pixels; the selection, hover line, snap guide and playhead are overlays drawn over
it, and a playhead move only repaints two narrow strips. So playing never re-renders the waveform.
The layer is rendered at device pixels (HiDPI sharp): here when the producer zooms or scrolls, in the
background (``layers.py``) when samples, beats or a new size arrive.

Reusable for the results panel: give several views one timeline; ``region`` may be shown
read-only (``editable=False``) or not at all."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.audio import PeakPyramid
from desktop_app.audio.snap import BeatGrid
from desktop_app.services.region import Region
from desktop_app.ui.waveform.layers import LABEL, LayerSpec, layer_renderer, render_layer
from desktop_app.ui.waveform.region_drag import RegionDrag, SnapSettings
from desktop_app.ui.waveform.render import RenderedLayer, default_palette, lane_layout
from desktop_app.ui.waveform.timeline import AMPLITUDE_ZOOM_STEP_DB, TimelineView

REGION_FILL = QColor(255, 196, 61, 46)
REGION_EDGE = QColor("#ffc43d")
PLAYHEAD = QColor("#ff5f56")
HOVER = QColor(255, 255, 255, 70)
GUIDE = QColor("#5cc8ff")
LOADING_SHADE = QColor(22, 25, 29, 170)


class WaveformView(QWidget):
    # Off for a one-shot picture (``retake screenshot``): there every layer is rendered before the grab.
    background_rendering = True

    seek_requested = Signal(float)
    hover_changed = Signal(float)  # seconds under the mouse, -1 when it leaves
    resized = Signal()  # what is laid over the waveform (seam marks) follows its size

    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.palette_ = default_palette()
        self.pyramid: PeakPyramid | None = None
        self.grid: BeatGrid | None = None
        self.region: Region | None = None
        self.editable = False
        self.snap = SnapSettings()
        self.playhead = 0.0
        self.hover_x: float | None = None
        self.loading_fraction: float | None = None
        self._drag: RegionDrag | None = None
        self._cache: RenderedLayer | None = None
        self._cache_key: tuple | None = None
        self.wanted_key: tuple | None = None  # the layer asked for last (rendered here or on its way)
        self.render_count = 0  # how many times the waveform layer was rendered (tests, benchmarks)
        # Sees each press, move and release first; True when it used the event (no seek, no region drag).
        # The comping drags use it: a Qt event filter would enter Python for every event the view gets
        # (paint, layout, show, …), each a wait for the interpreter while jobs run on other threads.
        self.mouse_interceptor: Callable[[WaveformView, QMouseEvent], bool] | None = None
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(80)  # two channels of 40 px: room left for the take lanes on a laptop screen
        timeline.changed.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(900, 360)

    # -- inputs ------------------------------------------------------------------------------

    def set_pyramid(self, pyramid: PeakPyramid | None, *, loading_fraction: float | None = None) -> None:
        self.pyramid = pyramid
        self.loading_fraction = loading_fraction
        self.update()

    def set_grid(self, grid: BeatGrid | None) -> None:
        self.grid = grid
        self.update()

    def set_region(self, region: Region | None, *, editable: bool = True) -> None:
        if self.region is not None:
            self.region.changed.disconnect(self.update)
        self.region = region
        self.editable = editable and region is not None
        self._drag = None
        if region is not None:
            region.changed.connect(self.update)
            if editable:
                self._drag = RegionDrag(self.timeline, region, lambda: self.grid, self._samples, self.snap)

    def set_playhead(self, seconds: float) -> None:
        old = self.timeline.time_to_x(self.playhead)
        self.playhead = seconds
        new = self.timeline.time_to_x(seconds)
        # Only the strips under the old and the new line need repainting.
        for x in (old, new):
            self.update(QRect(int(x) - 3, 0, 7, self.height()))

    @property
    def snap_guide(self):
        return self._drag.guide if self._drag else None

    def _samples(self):
        return self.pyramid.samples if self.pyramid is not None else None

    # -- painting ----------------------------------------------------------------------------------

    def _lanes(self, height: int):
        channels = self.pyramid.channels if self.pyramid is not None else 2
        return lane_layout(channels, height)

    def _waveform_layer(self) -> QImage | None:
        """The layer to draw now: the current one, one rendered here, or (while the worker renders the
        current one) the previous one; None before the first arrives.

        What the producer does (zoom, scroll, vertical zoom) is rendered here, at once: the picture must
        follow the hand. What arrives from elsewhere (a take's samples, more of a decoding song, the beat
        grid, a new size from the layout) is rendered in the background, the previous layer standing in.
        """
        dpr = self.devicePixelRatioF()
        width, height = max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))
        tl = self.timeline
        pyr = self.pyramid
        grid_key = (self.grid.bpm, self.grid.origin, self.grid.beats_per_bar) if self.grid else None
        mapping = (tl.start_frame, tl.frames_per_pixel, tl.amplitude_zoom_db, dpr)
        # The pyramid itself, not its id(): a new one may be allocated where a freed one was.
        key = (pyr, pyr.ready_frames if pyr else 0, grid_key, width, height, mapping)
        if key == self._cache_key:
            self.wanted_key = key  # back to what shows (a size bounced back): a layer on its way is stale
        elif key != self.wanted_key:  # neither shown nor on its way: ask for it
            self.wanted_key = key
            beat_xs, bar_xs = self._grid_lines(dpr)
            spec = LayerSpec(
                pyr, self._lanes(height), tl.start_frame, tl.frames_per_pixel / dpr, width, height, dpr,
                self.palette_, beat_xs, bar_xs, tl.amplitude_gain, tl.amplitude_zoom_db, QFont(self.font()),
            )  # fmt: skip
            moved = self._cache_key is not None and self._cache_key[-1] != mapping
            if moved or not WaveformView.background_rendering:
                self._install(key, render_layer(spec))
            else:
                layer_renderer().request(self, key, spec)
        return self._cache.image if self._cache is not None else None

    @property
    def layer_pending(self) -> bool:
        """A layer is being rendered in the background: what shows is the previous one (or nothing yet)."""
        return self.wanted_key is not None and self.wanted_key != self._cache_key

    def layer_arrived(self, key: tuple, layer: RenderedLayer) -> None:
        """A layer rendered in the background (on the GUI thread, by the renderer)."""
        if key == self.wanted_key:  # else a newer one was asked for meanwhile
            self._install(key, layer)
            self.update()

    def _install(self, key: tuple, layer: RenderedLayer) -> None:
        self._cache, self._cache_key = layer, key
        self.render_count += 1

    def _grid_lines(self, dpr: float) -> tuple[np.ndarray | None, np.ndarray | None]:
        if self.grid is None or not self.timeline.frames:
            return None, None
        t0, t1 = self.timeline.visible_range()
        beats = self.grid.beats_between(t0, t1)
        bar_px = self.grid.bar_seconds / self.timeline.seconds_per_pixel
        if bar_px < 6:
            return None, None  # lines closer than that are noise
        xs = np.array([self.timeline.time_to_x(t) * dpr for t in beats])
        bars = np.array([self.grid.is_downbeat(t) for t in beats], bool)
        beat_px = bar_px / self.grid.beats_per_bar
        return (xs[~bars] if beat_px >= 8 else None), xs[bars]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        exposed = event.rect()
        layer = self._waveform_layer()
        dpr = layer.devicePixelRatio() if layer is not None else 1.0
        if layer is not None and layer.size() == QSize(round(self.width() * dpr), round(self.height() * dpr)):
            source = QRectF(exposed.x() * dpr, exposed.y() * dpr, exposed.width() * dpr, exposed.height() * dpr)
            painter.drawImage(QRectF(exposed), layer, source)
        else:
            painter.fillRect(exposed, self.palette_.background)
            if layer is not None:  # the previous size's layer while this size's renders: same mapping, new height
                painter.drawImage(QRectF(0, 0, layer.width() / dpr, self.height()), layer, QRectF(layer.rect()))
        if self.loading_fraction is not None:
            self._paint_loading(painter)
        self._paint_region(painter)
        self._paint_guide(painter)
        if self.hover_x is not None:
            painter.setPen(QPen(HOVER, 1))
            painter.drawLine(QPointF(self.hover_x + 0.5, 0), QPointF(self.hover_x + 0.5, self.height()))
        x = self.timeline.time_to_x(self.playhead)
        if -2 <= x <= self.width() + 2 and self.timeline.frames:
            painter.setPen(QPen(PLAYHEAD, 1.5))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def _paint_loading(self, painter: QPainter) -> None:
        ready = self.pyramid.ready_frames / self.timeline.rate if self.pyramid else 0.0
        x = max(0.0, self.timeline.time_to_x(ready))
        painter.fillRect(QRectF(x, 0, self.width() - x, self.height()), LOADING_SHADE)
        painter.setPen(LABEL)
        painter.drawText(
            QRectF(x, 0, self.width() - x, self.height()),
            Qt.AlignmentFlag.AlignCenter,
            f"Loading… {self.loading_fraction * 100:.0f} %",
        )

    def _paint_region(self, painter: QPainter) -> None:
        bounds = self.region.bounds() if self.region else None
        if bounds is None:
            return
        xs, xe = self.timeline.time_to_x(bounds[0]), self.timeline.time_to_x(bounds[1])
        if xe < -2 or xs > self.width() + 2:
            return
        painter.fillRect(QRectF(xs, 0, xe - xs, self.height()), REGION_FILL)
        painter.setPen(QPen(REGION_EDGE, 1.5))
        for x in (xs, xe):
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        if self.editable:
            # Grab handles: small tabs at the top and bottom of each edge.
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(REGION_EDGE)
            for x in (xs, xe):
                painter.drawRoundedRect(QRectF(x - 4, 0, 8, 14), 2, 2)
                painter.drawRoundedRect(QRectF(x - 4, self.height() - 14, 8, 14), 2, 2)

    def _paint_guide(self, painter: QPainter) -> None:
        guide = self.snap_guide
        if guide is None:
            return
        x = self.timeline.time_to_x(guide.time)
        pen = QPen(GUIDE, 1, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        label = guide.kind.replace("+", " + ").replace("zero", "zero crossing")
        if self.grid is not None and ("beat" in guide.kind or "bar" in guide.kind):
            label += f" {self.grid.format_position(guide.time)}"
        painter.setPen(GUIDE)
        painter.drawText(QPointF(x + 5, self.height() - 20), f"snap: {label}")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    # -- mouse --------------------------------------------------------------------------------------

    def _intercepted(self, event: QMouseEvent) -> bool:
        return self.mouse_interceptor is not None and self.mouse_interceptor(self, event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._intercepted(event):
            return
        if event.button() != Qt.MouseButton.LeftButton or not self.timeline.frames:
            return super().mousePressEvent(event)
        self.setFocus()
        if self._drag is not None:
            self._drag.press(event.position().x())
            self.setCursor(self._drag.cursor_for(event.position().x()))
        else:
            self.seek_requested.emit(self._time_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._intercepted(event):
            return
        x = event.position().x()
        old_hover = self.hover_x
        self.hover_x = x
        self.hover_changed.emit(self._time_at(x))
        if self._drag is not None:
            if self._drag.mode is not None and event.buttons() & Qt.MouseButton.LeftButton:
                self._drag.move(x, event.modifiers())
                self.update()
            self.setCursor(self._drag.cursor_for(x))
        for hx in (old_hover, x):
            if hx is not None:
                self.update(QRect(int(hx) - 2, 0, 5, self.height()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._intercepted(event):
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mouseReleaseEvent(event)
        if self._drag is not None:
            if self._drag.release():
                self.seek_requested.emit(self._time_at(event.position().x()))
            self.setCursor(self._drag.cursor_for(event.position().x()))
            self.update()

    def leaveEvent(self, event) -> None:
        if self.hover_x is not None:
            x = self.hover_x
            self.hover_x = None
            self.update(QRect(int(x) - 2, 0, 5, self.height()))
            self.hover_changed.emit(-1.0)
        super().leaveEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        steps = (delta.y() or delta.x()) / 120
        if not steps or not self.timeline.frames:
            return
        if event.modifiers() & Qt.KeyboardModifier.AltModifier:  # vertical zoom, every view on this timeline
            self.timeline.set_amplitude_zoom_db(self.timeline.amplitude_zoom_db + AMPLITUDE_ZOOM_STEP_DB * steps)
        elif event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.timeline.zoom(1.25**steps, event.position().x())
        else:
            self.timeline.scroll_by_pixels(-steps * self.width() * 0.15)
        event.accept()

    def _time_at(self, x: float) -> float:
        return min(max(0.0, self.timeline.x_to_time(x)), self.timeline.duration)
