"""Real mouse and wheel events delivered through Qt's event system (editor tests)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget


def mouse(widget: QWidget, kind: QEvent.Type, x: float, buttons, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Deliver a real QMouseEvent through the event system (QTest.mouseMove cannot carry modifiers)."""
    pos = QPointF(x, widget.height() / 2)
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, widget.mapToGlobal(pos), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, x0: float, x1: float, modifiers=Qt.KeyboardModifier.NoModifier, steps: int = 8) -> None:
    held = Qt.MouseButton.LeftButton
    mouse(widget, QEvent.Type.MouseButtonPress, x0, held, modifiers)
    for i in range(1, steps + 1):
        mouse(widget, QEvent.Type.MouseMove, x0 + (x1 - x0) * i / steps, held, modifiers)
    mouse(widget, QEvent.Type.MouseButtonRelease, x1, Qt.MouseButton.NoButton, modifiers)


def wheel(widget: QWidget, x: float, steps: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    pos = QPointF(x, widget.height() / 2)
    event = QWheelEvent(
        pos, widget.mapToGlobal(pos), QPoint(), QPoint(0, 120 * steps), Qt.MouseButton.NoButton, modifiers,
        Qt.ScrollPhase.NoScrollPhase, False,
    )  # fmt: skip
    QApplication.sendEvent(widget, event)
