"""The overview strip: the whole song, with the visible window as a box you can drag."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from desktop_app.audio import PeakPyramid
from desktop_app.services.region import Region
from desktop_app.ui.waveform.render import Lane, WavePalette, default_palette, render_waveform
from desktop_app.ui.waveform.timeline import TimelineView

WINDOW_FILL = QColor(255, 255, 255, 28)
WINDOW_EDGE = QColor("#c9d3dd")
REGION = QColor(255, 196, 61, 90)
PLAYHEAD = QColor("#ff5f56")


def _overview_palette() -> WavePalette:
    base = default_palette()
    return WavePalette(
        **{**base.__dict__, "background": QColor("#121518"), "wave_centre": QColor("#4f9d8f"),
           "wave_edge": QColor("#2a5f57"), "centre_line": QColor("#121518")}
    )  # fmt: skip


class OverviewStrip(QWidget):
    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.pyramid: PeakPyramid | None = None
        self.region: Region | None = None
        self.playhead = 0.0
        self._palette = _overview_palette()
        self._cache: QPixmap | None = None
        self._cache_key: tuple | None = None
        self._grab: float | None = None  # where inside the window box the mouse holds it (seconds)
        self.setFixedHeight(46)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: drag the box to scroll, click to jump")
        timeline.changed.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(900, 46)

    def set_pyramid(self, pyramid: PeakPyramid | None) -> None:
        self.pyramid = pyramid
        self.update()

    def set_region(self, region: Region | None) -> None:
        self.region = region
        if region is not None:
            region.changed.connect(self.update)

    def set_playhead(self, seconds: float) -> None:
        old, self.playhead = self.playhead, seconds
        for t in (old, seconds):
            x = int(self._x(t))
            self.update(QRect(x - 2, 0, 5, self.height()))

    def _x(self, seconds: float) -> float:
        duration = self.timeline.duration
        return seconds / duration * self.width() if duration else 0.0

    def _time(self, x: float) -> float:
        return x / max(1, self.width()) * self.timeline.duration

    def _layer(self) -> QPixmap:
        dpr = self.devicePixelRatioF()
        w, h = max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))
        pyr = self.pyramid
        # The time axis may reach past the song (an extend take being compared): draw on the axis, not the song.
        span = max(self.timeline.frames, pyr.frames) if pyr else 0
        gain = self.timeline.amplitude_gain  # the lanes' vertical zoom: a quiet song is a shape here too
        key = (pyr, pyr.ready_frames if pyr else 0, span, w, h, dpr, gain)  # pyr, not id(pyr): ids are reused
        if key != self._cache_key or self._cache is None:
            fpp = (span / w) if pyr else 1.0
            channels = tuple(range(pyr.channels)) if pyr else (0,)
            layer = render_waveform(pyr, [Lane(channels, "", 2, h - 4)], 0.0, fpp, w, h, self._palette, gain=gain)
            self._cache = QPixmap.fromImage(layer.image)
            self._cache.setDevicePixelRatio(dpr)
            self._cache_key = key
        return self._cache

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._layer())
        if self.timeline.frames:
            bounds = self.region.bounds() if self.region else None
            if bounds:
                xs, xe = self._x(bounds[0]), self._x(bounds[1])
                painter.fillRect(QRectF(xs, 0, max(2.0, xe - xs), self.height()), REGION)
            t0, t1 = self.timeline.visible_range()
            box = QRectF(self._x(t0), 1, max(4.0, self._x(t1) - self._x(t0)), self.height() - 2)
            painter.fillRect(box, WINDOW_FILL)
            painter.setPen(QPen(WINDOW_EDGE, 1))
            painter.drawRect(box)
            painter.setPen(QPen(PLAYHEAD, 1))
            x = self._x(self.playhead)
            painter.drawLine(int(x), 0, int(x), self.height())
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.timeline.frames:
            return
        t = self._time(event.position().x())
        t0, t1 = self.timeline.visible_range()
        if not t0 <= t <= t1:
            self.timeline.centre_on(t)  # jump, then keep dragging from the centre
            t0, t1 = self.timeline.visible_range()
        self._grab = t - t0

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._grab is not None:
            self.timeline.scroll_to(self._time(event.position().x()) - self._grab)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._grab = None
