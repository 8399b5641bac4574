"""The time ruler: minutes:seconds, and bars:beats above it when the tempo is known.

Dragging in the bars row slides the beat grid (moves the first downbeat); clicking in the time
row seeks.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QWidget

from desktop_app.audio.snap import BeatGrid
from desktop_app.services.region import Region
from desktop_app.timefmt import format_time, nice_step
from desktop_app.ui.waveform.timeline import TimelineView

BACKGROUND = QColor("#1f242a")
BAR_ROW = QColor("#232930")
TICK = QColor("#56616d")
TEXT = QColor("#aab4bf")
BAR_TEXT = QColor("#e0c070")
REGION = QColor(255, 196, 61, 70)
PLAYHEAD = QColor("#ff5f56")
BAR_ROW_HEIGHT = 18
TIME_ROW_HEIGHT = 22


class TimeRuler(QWidget):
    seek_requested = Signal(float)
    origin_dragged = Signal(float)  # the new first downbeat, seconds, while dragging

    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.grid: BeatGrid | None = None
        self.region: Region | None = None
        self.playhead = 0.0
        self._drag_from: tuple[float, float] | None = None  # (press time, origin at press)
        self.setFixedHeight(BAR_ROW_HEIGHT + TIME_ROW_HEIGHT)
        self.setMouseTracking(True)
        timeline.changed.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(900, self.height())

    def set_grid(self, grid: BeatGrid | None) -> None:
        self.grid = grid
        self.update()

    def set_region(self, region: Region | None) -> None:
        self.region = region
        if region is not None:
            region.changed.connect(self.update)

    def set_playhead(self, seconds: float) -> None:
        for t in (self.playhead, seconds):
            x = int(self.timeline.time_to_x(t))
            self.update(QRect(x - 7, 0, 15, self.height()))
        self.playhead = seconds

    # -- painting ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        painter.fillRect(QRect(0, 0, self.width(), BAR_ROW_HEIGHT), BAR_ROW)
        painter.setFont(self.label_font())
        if self.timeline.frames:
            self._paint_region(painter)
            self._paint_time_row(painter)
            self._paint_bar_row(painter)
            self._paint_playhead(painter)
        painter.setPen(QPen(QColor("#0e1013"), 1))
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        painter.end()

    def label_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.85))
        return font

    def _paint_region(self, painter: QPainter) -> None:
        bounds = self.region.bounds() if self.region else None
        if bounds:
            xs, xe = self.timeline.time_to_x(bounds[0]), self.timeline.time_to_x(bounds[1])
            painter.fillRect(QRectF(xs, 0, xe - xs, self.height()), REGION)

    def _paint_time_row(self, painter: QPainter) -> None:
        tl = self.timeline
        step, minor, _decimals = self._time_steps()
        t0, t1 = tl.visible_range()
        top = BAR_ROW_HEIGHT
        painter.setPen(TICK)
        k = math.floor(t0 / minor)
        while k * minor <= t1:
            x = tl.time_to_x(k * minor)
            painter.drawLine(QPointF(x, self.height() - 5), QPointF(x, self.height()))
            k += 1
        k = math.floor(t0 / step)
        while k * step <= t1 + step:
            x = tl.time_to_x(k * step)
            painter.drawLine(QPointF(x, top + 2), QPointF(x, self.height()))
            k += 1
        painter.setPen(TEXT)
        for x, text in self.time_labels(painter.fontMetrics()):
            painter.drawText(QPointF(x, top + 14), text)

    def _time_steps(self) -> tuple[float, float, int]:
        spp = self.timeline.seconds_per_pixel
        step = nice_step(spp * 90)  # a label every 90 px or more
        minor = step / 5 if step / 5 / spp >= 8 else step / 2
        decimals = 0 if step >= 1 else (1 if step >= 0.1 else (2 if step >= 0.01 else 3))
        return step, minor, decimals

    def time_labels(self, metrics: QFontMetrics | None = None) -> list[tuple[float, str]]:
        """(left x, text) of each time label: right of its tick, pulled left at the right edge so it stays
        inside the view whole, and left out where that would crowd the one before."""
        metrics = metrics or QFontMetrics(self.label_font())
        tl = self.timeline
        step, _minor, decimals = self._time_steps()
        t0, t1 = tl.visible_range()
        labels: list[tuple[float, str]] = []
        right_of_last = -math.inf
        k = math.floor(t0 / step)
        while k * step <= t1:
            tick = tl.time_to_x(k * step)
            text = format_time(k * step, decimals=decimals)
            width = metrics.horizontalAdvance(text)
            x = min(tick + 4, self.width() - width - 3)
            if 0 <= tick <= self.width() and x >= max(0.0, right_of_last + 8):
                labels.append((x, text))
                right_of_last = x + width
            k += 1
        return labels

    def _paint_bar_row(self, painter: QPainter) -> None:
        grid = self.grid
        if grid is None:
            painter.setPen(TICK)
            painter.drawText(QPointF(6, 13), "no tempo: type or tap one to see bars")
            return
        tl = self.timeline
        bar_px = grid.bar_seconds / tl.seconds_per_pixel
        every = 1
        while bar_px * every < 36:
            every *= 2  # label every 2nd, 4th... bar when zoomed out
        t0, t1 = tl.visible_range()
        for t in grid.beats_between(t0 - grid.bar_seconds, t1):
            x = tl.time_to_x(t)
            bar, beat, _ = grid.bar_beat(t)
            if beat == 1:
                painter.setPen(QPen(BAR_TEXT if bar % every == 0 else TICK, 1))
                painter.drawLine(QPointF(x, 2), QPointF(x, BAR_ROW_HEIGHT))
                fits = x + 4 + painter.fontMetrics().horizontalAdvance(str(bar)) <= self.width() - 2
                if (bar - 1) % every == 0 and fits:  # a number cut at the right edge is left out
                    painter.setPen(BAR_TEXT)
                    painter.drawText(QPointF(x + 4, 13), str(bar))
            elif bar_px / grid.beats_per_bar >= 10:
                painter.setPen(TICK)
                painter.drawLine(QPointF(x, BAR_ROW_HEIGHT - 5), QPointF(x, BAR_ROW_HEIGHT))
                label = f"{bar}.{beat}"
                if (
                    bar_px / grid.beats_per_bar >= 40
                    and x + 3 + painter.fontMetrics().horizontalAdvance(label) <= self.width() - 2
                ):
                    painter.drawText(QPointF(x + 3, 13), label)

    def _paint_playhead(self, painter: QPainter) -> None:
        x = self.timeline.time_to_x(self.playhead)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PLAYHEAD)
        h = self.height()
        painter.drawPolygon(QPolygonF([QPointF(x - 6, h - 9), QPointF(x + 6, h - 9), QPointF(x, h)]))

    # -- mouse --------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.timeline.frames:
            return
        t = self.timeline.x_to_time(event.position().x())
        if event.position().y() < BAR_ROW_HEIGHT and self.grid is not None:
            self._drag_from = (t, self.grid.origin)
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        else:
            self.seek_requested.emit(min(max(0.0, t), self.timeline.duration))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        y = event.position().y()
        if self._drag_from is not None:
            t = self.timeline.x_to_time(event.position().x())
            self.origin_dragged.emit(self._drag_from[1] + (t - self._drag_from[0]))
        elif y < BAR_ROW_HEIGHT and self.grid is not None:
            self.setCursor(Qt.CursorShape.SizeHorCursor)
            self.setToolTip("Drag to move the beat grid")
        else:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setToolTip("Click to move the playhead")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag_from = None
