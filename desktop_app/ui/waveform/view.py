"""The waveform widget: paints a peak pyramid through a shared :class:`TimelineView`.

The waveform (with beat lines and lane labels) is rendered once into a cached pixmap keyed on
everything that changes its pixels; the selection, hover line, snap guide and playhead are
overlays drawn over it, and a playhead move only repaints two narrow strips. So playing never
re-renders the waveform. The pixmap is rendered at device pixels (HiDPI sharp).

Reusable for the results panel: give several views one timeline; ``region`` may be shown
read-only (``editable=False``) or not at all.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.audio import PeakPyramid
from desktop_app.audio.snap import BeatGrid
from desktop_app.services.region import Region
from desktop_app.ui.waveform.region_drag import RegionDrag, SnapSettings
from desktop_app.ui.waveform.render import RenderedLayer, default_palette, lane_layout, render_waveform
from desktop_app.ui.waveform.timeline import TimelineView

REGION_FILL = QColor(255, 196, 61, 46)
REGION_EDGE = QColor("#ffc43d")
PLAYHEAD = QColor("#ff5f56")
HOVER = QColor(255, 255, 255, 70)
GUIDE = QColor("#5cc8ff")
LABEL = QColor("#8a96a3")
LOADING_SHADE = QColor(22, 25, 29, 170)
TAG_BACKGROUND = QColor(14, 16, 19, 190)


class WaveformView(QWidget):
    seek_requested = Signal(float)
    hover_changed = Signal(float)  # seconds under the mouse, -1 when it leaves

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
        self.render_count = 0  # how many times the waveform layer was rendered (tests, benchmarks)
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

    def _waveform_layer(self) -> QImage:
        dpr = self.devicePixelRatioF()
        width, height = max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))
        tl = self.timeline
        pyr = self.pyramid
        grid_key = (self.grid.bpm, self.grid.origin, self.grid.beats_per_bar) if self.grid else None
        ready = pyr.ready_frames if pyr else 0
        key = (id(pyr), ready, tl.start_frame, tl.frames_per_pixel, width, height, dpr, grid_key, tl.amplitude_zoom_db)
        if key == self._cache_key and self._cache is not None:
            return self._cache.image
        beat_xs, bar_xs = self._grid_lines(dpr)
        lanes = self._lanes(height)
        layer = render_waveform(
            pyr, lanes, tl.start_frame, tl.frames_per_pixel / dpr, width, height, self.palette_,
            beat_xs=beat_xs, bar_xs=bar_xs, gain=tl.amplitude_gain,
        )  # fmt: skip
        # Painted from the QImage itself (no QPixmap conversion): on the raster engine a
        # premultiplied ARGB32 image blits as fast as a pixmap, and it saves a 3 MB copy.
        layer.image.setDevicePixelRatio(dpr)
        self._label_lanes(layer.image, lanes, dpr)
        self._cache, self._cache_key = layer, key
        self.render_count += 1
        return layer.image

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

    def _label_lanes(self, image: QImage, lanes, dpr: float) -> None:
        painter = QPainter(image)
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        metrics = painter.fontMetrics()
        for lane in lanes:
            top, height = lane.top / dpr, lane.height / dpr
            if lane.label:
                self._tag(painter, metrics, QPointF(4, top + 4), lane.label)
            if height >= 80:
                # Amplitude scale: the level at the lane edges and at half height (vertical zoom moves both).
                edge = -self.timeline.amplitude_zoom_db
                edge_text = "0 dB" if edge == 0 else f"{edge:.0f} dB".replace("-", "−")
                half_text = f"{edge - 6:.0f}".replace("-", "−")
                for value, text in ((1.0, edge_text), (0.5, half_text), (-0.5, half_text)):
                    y = top + (height - 1) / 2 * (1 - value)
                    w = metrics.horizontalAdvance(text) + 6
                    self._tag(
                        painter,
                        metrics,
                        QPointF(self.width() - w - 4, min(max(y - 7, top + 2), top + height - 16)),
                        text,
                    )
        painter.end()

    def _tag(self, painter: QPainter, metrics, at: QPointF, text: str) -> None:
        w, h = metrics.horizontalAdvance(text) + 6, metrics.height() + 1
        painter.fillRect(QRectF(at.x(), at.y(), w, h), TAG_BACKGROUND)
        painter.setPen(LABEL)
        painter.drawText(QRectF(at.x(), at.y(), w, h), Qt.AlignmentFlag.AlignCenter, text)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        exposed = event.rect()
        layer = self._waveform_layer()
        dpr = layer.devicePixelRatio()
        source = QRectF(exposed.x() * dpr, exposed.y() * dpr, exposed.width() * dpr, exposed.height() * dpr)
        painter.drawImage(QRectF(exposed), layer, source)
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

    # -- mouse --------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.timeline.frames:
            return super().mousePressEvent(event)
        self.setFocus()
        if self._drag is not None:
            self._drag.press(event.position().x())
            self.setCursor(self._drag.cursor_for(event.position().x()))
        else:
            self.seek_requested.emit(self._time_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
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
            self.timeline.set_amplitude_zoom_db(self.timeline.amplitude_zoom_db + 3.0 * steps)
        elif event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.timeline.zoom(1.25**steps, event.position().x())
        else:
            self.timeline.scroll_by_pixels(-steps * self.width() * 0.15)
        event.accept()

    def _time_at(self, x: float) -> float:
        return min(max(0.0, self.timeline.x_to_time(x)), self.timeline.duration)
