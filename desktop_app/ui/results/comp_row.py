"""The comp row above the lanes: which source plays where (one colour per take), and the comp's buttons.

The strip is drawn on the lanes' own time axis: it reads the x offset of a lane's waveform so a
range sits exactly above the waveform it was dragged on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QToolButton, QWidget

from desktop_app.ui.waveform.timeline import TimelineView

if TYPE_CHECKING:
    from desktop_app.services.comp_session import CompSession

# One colour per take, in lane order; the original is the strip's background.
TAKE_COLOURS = ("#4c9aff", "#f0883e", "#a371f7", "#3fb9a0", "#e85aad", "#c9b32f", "#79c0ff", "#ff7b72")
STRIP_BACKGROUND = "#2b3138"
ROW_HEIGHT = 26  # the top row's height: buttons keep their padding
COMP_HELP = (
    "Comp: drag across a take's lane to play that take over that range (Shift+drag works without this "
    "button). Edges snap to beats and zero crossings; hold Alt for free edges. Drag on the original to clear. "
    "Ctrl+Z undoes; Shift+C hears the comp."
)


def take_colour(index: int) -> str:
    return TAKE_COLOURS[index % len(TAKE_COLOURS)]


class CompStrip(QWidget):
    """Coloured ranges of the comp; seam marks are laid over it by its owner."""

    resized = Signal()  # the seam marks follow its size

    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compStrip")
        self.timeline = timeline
        self.session: CompSession | None = None
        self.colours: dict[str, str] = {}
        self.names: dict[str, str] = {}
        self.reference: Callable[[], QWidget | None] = lambda: None  # a lane's waveform: the time axis
        self.setMinimumHeight(ROW_HEIGHT - 4)
        self.setToolTip(COMP_HELP)
        timeline.changed.connect(self.update)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def x_offset(self) -> int:
        """Where the lanes' x = 0 is in this strip (their waveforms sit inside frames and margins)."""
        view = self.reference()
        if view is None or not view.isVisible():
            return 0
        return self.mapFromGlobal(view.mapToGlobal(QPoint(0, 0))).x()

    def x_of(self, seconds: float) -> float:
        return self.timeline.time_to_x(seconds) + self.x_offset()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(STRIP_BACKGROUND))
        session = self.session
        if session is None:
            return
        if not session.ranges:
            painter.setPen(QColor("#8a96a3"))
            painter.drawText(self.rect().adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "original throughout")
            return
        rate = session.rate
        for r in session.ranges:
            x0, x1 = self.x_of(r.start / rate), self.x_of(r.end / rate)
            rect = QRectF(x0, 1, max(1.0, x1 - x0), self.height() - 2)
            painter.fillRect(rect, QColor(self.colours.get(r.source, "#8a96a3")))
            painter.setPen(QColor("#0d1117"))
            if rect.width() > 40:  # room for a name beside the seam marks
                painter.drawText(
                    rect.adjusted(12, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter, self.names.get(r.source, "")
                )


class CompRow(QWidget):
    """[strip] [Hear comp] [Use comp] [Clear]: one line, shown while comping; ``mode_button`` lives elsewhere."""

    hear_requested = Signal()
    use_requested = Signal()
    clear_requested = Signal()

    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compRow")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.mode_button = QToolButton()
        self.mode_button.setObjectName("compMode")
        self.mode_button.setText("Comp")
        self.mode_button.setCheckable(True)
        self.mode_button.setToolTip(COMP_HELP)
        self.strip = CompStrip(timeline)
        self.hear_button = QPushButton("Hear comp")
        self.hear_button.setToolTip("Hear the comp (Shift+C); 0–9 switch back to a lane")
        self.use_button = QPushButton("Use comp")
        self.use_button.setObjectName("useComp")
        self.use_button.setToolTip("Make the comp the song's working version (one undo step)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Back to the original throughout (undoable)")
        layout.addWidget(self.strip, 1)  # the mode button goes in the panel's top row (see comping.py)
        for button in (self.hear_button, self.use_button, self.clear_button):
            button.setMaximumHeight(ROW_HEIGHT)
            layout.addWidget(button)
        self.mode_button.setMaximumHeight(ROW_HEIGHT)
        self.setFixedHeight(ROW_HEIGHT)
        self.hear_button.clicked.connect(self.hear_requested)
        self.use_button.clicked.connect(self.use_requested)
        self.clear_button.clicked.connect(self.clear_requested)

    def set_session(self, session: CompSession | None, colours: dict[str, str], names: dict[str, str]) -> None:
        self.strip.session, self.strip.colours, self.strip.names = session, colours, names
        self.refresh()

    def refresh(self) -> None:
        session = self.strip.session
        has_comp = session is not None and bool(session.ranges)
        for button in (self.hear_button, self.use_button, self.clear_button):
            button.setEnabled(has_comp)
        self.strip.update()
