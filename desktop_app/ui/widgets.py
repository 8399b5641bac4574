"""Small widget helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QLabel,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QWidget,
)

_VALUE_WIDGETS = (QAbstractSpinBox, QComboBox, QAbstractSlider)


def _is_value_widget(obj: QObject) -> bool:
    # Scroll bars are sliders too, and the wheel is exactly what they are for.
    return isinstance(obj, _VALUE_WIDGETS) and not isinstance(obj, QScrollBar)


class WheelGuard(QObject):
    """The wheel over a spin box, combo box or slider scrolls the form around it unless that field has
    the keyboard focus, so scrolling a form never changes a value (a pitch, a bit depth) unseen.

    Installed on each value widget (:func:`guard_wheel`), not on the application: an app-wide Python
    filter would run for every event of the window and wait for the GIL while job threads run."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or obj.hasFocus():
            return False
        area = _scroll_area_around(obj)
        if area is None:
            event.ignore()  # Qt offers a real wheel event to the parents next
            return True
        viewport = area.viewport()
        pos = viewport.mapFromGlobal(event.globalPosition().toPoint()).toPointF()
        forwarded = QWheelEvent(
            pos, event.globalPosition(), event.pixelDelta(), event.angleDelta(), event.buttons(),
            event.modifiers(), event.phase(), event.inverted(),
        )  # fmt: skip
        QApplication.sendEvent(viewport, forwarded)
        return True


def guard_wheel(root: QWidget) -> int:
    """Guard every spin box, combo box and slider under ``root`` (and ``root`` itself); returns how many.

    They take focus by click or Tab only, no longer by the wheel. Call it again after adding fields."""
    guard = _guard()
    widgets = [root, *root.findChildren(QWidget)]
    count = 0
    for widget in widgets:
        if not _is_value_widget(widget) or widget.property("wheelGuarded"):
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(guard)
        widget.setProperty("wheelGuarded", True)
        count += 1
    return count


def _guard() -> WheelGuard:
    app = QApplication.instance()
    guard = app.findChild(WheelGuard, "wheelGuard")
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheelGuard")
    return guard


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def scrollable(widget: QWidget) -> QScrollArea:
    """Wrap a dock's panel so a narrow window scrolls it instead of growing its minimum size."""
    area = QScrollArea()
    area.setObjectName(f"{widget.objectName() or type(widget).__name__}Scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    area.setMinimumSize(200, 80)
    return area


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to the width it gets (full text in the tooltip),
    so a long title shares a row with controls instead of taking a row of its own."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(80)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, self.width()))
        super().setText(shown)
