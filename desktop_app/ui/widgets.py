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
    """App-wide: the wheel over a spin box, combo box or slider scrolls the form around it unless that
    field has the keyboard focus, so scrolling a form never changes a value (a pitch, a bit depth) unseen.

    Such fields take focus by click or Tab only (not by the wheel); an unfocused field hands the wheel
    to the scroll area around it (or, with none, lets it go to its parents)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and _is_value_widget(obj):
            if obj.focusPolicy() == Qt.FocusPolicy.WheelFocus:
                obj.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        elif kind == QEvent.Type.Wheel and _is_value_widget(obj) and not obj.hasFocus():
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
        return False


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def install_wheel_guard(app: QApplication | None = None) -> WheelGuard:
    """Install the one :class:`WheelGuard` on the application (idempotent)."""
    app = app or QApplication.instance()
    guard = app.findChild(WheelGuard, "wheelGuard")
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName("wheelGuard")
        app.installEventFilter(guard)
    return guard


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
