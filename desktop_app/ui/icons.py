"""Transport icons drawn with QPainter: crisp at any DPI and legible on the dark theme.

(The platform's standard media icons are dark grey and vanish on a dark toolbar.)
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

_SIZE = 64
ON = QColor("#dfe6ec")
OFF = QColor("#59636d")


def _draw(name: str, painter: QPainter) -> None:
    s = _SIZE
    if name == "play":
        painter.drawPolygon(QPolygonF([QPointF(18, 12), QPointF(52, 32), QPointF(18, 52)]))
    elif name == "pause":
        painter.drawRoundedRect(QRectF(16, 12, 11, 40), 2, 2)
        painter.drawRoundedRect(QRectF(37, 12, 11, 40), 2, 2)
    elif name == "stop":
        painter.drawRoundedRect(QRectF(15, 15, 34, 34), 3, 3)
    elif name == "start":
        painter.drawRect(QRectF(12, 14, 7, 36))
        painter.drawPolygon(QPolygonF([QPointF(52, 14), QPointF(22, 32), QPointF(52, 50)]))
    elif name == "end":
        painter.drawRect(QRectF(45, 14, 7, 36))
        painter.drawPolygon(QPolygonF([QPointF(12, 14), QPointF(42, 32), QPointF(12, 50)]))
    elif name == "loop":
        pen = QPen(painter.brush().color(), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawArc(QRectF(10, 14, 44, 36), 30 * 16, 300 * 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(pen.color())
        painter.drawPolygon(QPolygonF([QPointF(44, 6), QPointF(58, 20), QPointF(40, 24)]))
    elif name == "seams":
        painter.drawRect(QRectF(30, 8, 4, 48))
        painter.drawPolygon(QPolygonF([QPointF(8, 20), QPointF(24, 32), QPointF(8, 44)]))
        painter.drawPolygon(QPolygonF([QPointF(40, 20), QPointF(56, 32), QPointF(40, 44)]))
    elif name in ("zoom_in", "zoom_out"):
        pen = QPen(painter.brush().color(), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(8, 8, 34, 34))
        painter.drawLine(QPointF(38, 38), QPointF(56, 56))
        painter.drawLine(QPointF(17, 25), QPointF(33, 25))
        if name == "zoom_in":
            painter.drawLine(QPointF(25, 17), QPointF(25, 33))
    elif name == "open":
        path = QPainterPath()
        path.moveTo(6, 16)
        path.lineTo(24, 16)
        path.lineTo(30, 22)
        path.lineTo(58, 22)
        path.lineTo(58, 52)
        path.lineTo(6, 52)
        path.closeSubpath()
        painter.drawPath(path)
    else:
        painter.drawEllipse(QRectF(s / 4, s / 4, s / 2, s / 2))


def icon(name: str) -> QIcon:
    result = QIcon()
    for mode, color in ((QIcon.Mode.Normal, ON), (QIcon.Mode.Disabled, OFF), (QIcon.Mode.Active, ON)):
        pixmap = QPixmap(_SIZE, _SIZE)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        _draw(name, painter)
        painter.end()
        result.addPixmap(pixmap, mode)
    return result
