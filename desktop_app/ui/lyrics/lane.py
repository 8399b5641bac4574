"""The lyrics lane under the ruler: each timed line as a box on the editor's time axis.

Click picks a line (its sung span becomes the region), Shift+click extends the pick; dragging
the boundary between two boxes moves the later line's start (a line ends where the next
begins, so one boundary is both edges); ←/→ nudge the picked line by 50 ms (Shift: 10 ms);
in tap mode Enter times the next line at the playhead and Esc stops.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from desktop_app.services.lyrics import SongLyrics
from desktop_app.ui.waveform.timeline import TimelineView

BACKGROUND = QColor("#191d22")
LINE_FILL = QColor("#2b3540")
LINE_EDGE = QColor("#4d6173")
PICKED_FILL = QColor(255, 196, 61, 150)
PICKED_EDGE = QColor("#ffc43d")
TEXT = QColor("#d5dde5")
PICKED_TEXT = QColor("#1a1a1a")
SECTION = QColor("#8fb3d9")
HINT = QColor("#7d8893")
TAP = QColor("#ff8a5c")
PLAYHEAD = QColor("#ff5f56")
WORD_TICK = QColor("#9fb4c7")
LANE_HEIGHT = 22
EDGE_GRAB_PX = 4
NUDGE_S, FINE_NUDGE_S = 0.05, 0.01


def draw_line_box(painter: QPainter, metrics: QFontMetrics, rect: QRectF, text: str, *, chosen: bool = False) -> None:
    """One sung line as a rounded box with its (elided) words: the lyrics lane and the take lanes."""
    painter.setPen(QPen(PICKED_EDGE if chosen else LINE_EDGE, 1))
    painter.setBrush(PICKED_FILL if chosen else LINE_FILL)
    painter.drawRoundedRect(rect, 3, 3)
    painter.setPen(PICKED_TEXT if chosen else TEXT)
    elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, int(rect.width()) - 8))
    painter.drawText(rect.adjusted(5, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter, elided)


class LyricsLane(QWidget):
    def __init__(self, timeline: TimelineView, lyrics: SongLyrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lyricsLane")
        self.timeline = timeline
        self.lyrics = lyrics
        self.playhead = 0.0
        self._anchor: int | None = None  # the line a Shift+click extends from
        self._dragging: int | None = None  # index into lyrics.lines of the start being dragged
        self.setFixedHeight(LANE_HEIGHT)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        timeline.changed.connect(self.update)
        for signal in (lyrics.changed, lyrics.selection_changed, lyrics.tapping_changed):
            signal.connect(self.update)
        # Shown only for a song with lyrics: without them the row would take room from the takes below.
        lyrics.changed.connect(self._show_if_any)
        self._show_if_any()

    def _show_if_any(self) -> None:
        self.setVisible(bool(self.lyrics.lyrics.lines))

    def sizeHint(self) -> QSize:
        return QSize(900, LANE_HEIGHT)

    def set_playhead(self, seconds: float) -> None:
        self.playhead = seconds
        self.update()

    # -- geometry ---------------------------------------------------------------------------------

    def boxes(self) -> list[tuple[int, int, QRectF]]:
        """(line number, index into lines, rectangle) of every timed sung line."""
        model = self.lyrics.lyrics
        ends = model.line_ends(self.lyrics.duration)
        out = []
        for number, index in enumerate(model.sung_indices(), start=1):
            line, end = model.lines[index], ends[index]
            if line.start is None or end is None:
                continue
            x0, x1 = self.timeline.time_to_x(line.start), self.timeline.time_to_x(end)
            out.append((number, index, QRectF(x0, 2, max(2.0, x1 - x0 - 1), LANE_HEIGHT - 5)))
        return out

    def edge_at(self, x: float) -> int | None:
        """The index of the timed line whose start (the previous line's end too) is under ``x``."""
        for index, line in enumerate(self.lyrics.lyrics.lines):
            if line.start is not None and abs(self.timeline.time_to_x(line.start) - x) <= EDGE_GRAB_PX:
                return index
        return None

    def number_at(self, x: float) -> int | None:
        return self.lyrics.sung_line_at(self.timeline.x_to_time(x))

    # -- painting ---------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        font = QFont(self.font())
        font.setPointSizeF(max(7.5, font.pointSizeF() * 0.9))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        model = self.lyrics.lyrics
        picked = self.lyrics.selection or (0, -1)
        for number, index, rect in self.boxes():
            if rect.right() < 0 or rect.left() > self.width():
                continue
            chosen = picked[0] <= number <= picked[1]
            draw_line_box(painter, metrics, rect, f"{number}  {model.lines[index].text}", chosen=chosen)
            self._paint_word_ticks(painter, model.lines[index].words, rect)
        painter.setPen(SECTION)
        for line in model.lines:
            if line.is_section and line.start is not None:
                painter.drawText(QPointF(self.timeline.time_to_x(line.start) + 3, 10), line.text)
        self._paint_hint(painter, metrics)
        x = self.timeline.time_to_x(self.playhead)
        painter.setPen(QPen(PLAYHEAD, 1))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.setPen(QPen(QColor("#0e1013"), 1))
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        painter.end()

    def _paint_word_ticks(self, painter: QPainter, words, rect: QRectF) -> None:
        """Enhanced LRC's word starts as short ticks along the box's bottom edge."""
        painter.setPen(QPen(WORD_TICK, 1))
        for word in words:
            if word.start is not None:
                x = self.timeline.time_to_x(word.start)
                if rect.left() < x < rect.right():
                    painter.drawLine(QPointF(x, rect.bottom() - 4), QPointF(x, rect.bottom()))

    def _paint_hint(self, painter: QPainter, metrics: QFontMetrics) -> None:
        model = self.lyrics.lyrics
        untimed = sum(1 for i in model.sung_indices() if model.lines[i].start is None)
        if self.lyrics.tap_next is not None:
            line = model.lines[model.index_of(self.lyrics.tap_next)]
            hint, colour = f"TAP ⏎ at the start of line {self.lyrics.tap_next}: “{line.text}”   (Esc stops)", TAP
        elif not model.lines:
            hint, colour = (
                "Lyrics: paste or import them in the Lyrics panel, then tap them in while the song plays",
                HINT,
            )
        elif untimed:
            hint, colour = (
                f"{untimed} line{'s' if untimed != 1 else ''} not timed yet: Tap timing in the Lyrics panel",
                HINT,
            )
        else:
            return
        width = metrics.horizontalAdvance(hint) + 12
        rect = QRectF(self.width() - width - 4, 2, width, LANE_HEIGHT - 5)
        if not model.is_timed:
            rect.moveLeft(6)
        painter.fillRect(rect, BACKGROUND)
        painter.setPen(colour)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, hint)

    # -- mouse ------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.timeline.frames:
            return
        x = event.position().x()
        edge = self.edge_at(x)
        if edge is not None:
            self._dragging = edge
            return
        number = self.number_at(x)
        if number is None:
            return
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if shift and self._anchor is not None:
            self.lyrics.select_lines(self._anchor, number)
        else:
            self._anchor = number
            self.lyrics.select_lines(number, number)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._dragging is not None:
            self.lyrics.set_line_start(self._dragging, self._clamped(self._dragging, self.timeline.x_to_time(x)))
            return
        near_edge = self.edge_at(x) is not None
        self.setCursor(Qt.CursorShape.SizeHorCursor if near_edge else Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Drag to move where this line starts" if near_edge else
                        "Click to pick a line (Shift+click: several); ←/→ nudge")  # fmt: skip

    def _clamped(self, index: int, t: float) -> float:
        """A dragged start stops a hundredth short of its neighbours' starts: it cannot pass them."""
        lines = self.lyrics.lyrics.lines
        before = [line.start for line in lines[:index] if line.start is not None]
        after = [line.start for line in lines[index + 1 :] if line.start is not None]
        low = before[-1] + 0.01 if before else 0.0
        high = after[0] - 0.01 if after else (self.lyrics.duration or t)
        return min(max(t, low), high)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = None

    # -- keys -------------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # The window's ←/→ (nudge the region) and Enter shortcuts must not steal the lane's own keys.
        if event.type() == QEvent.Type.ShortcutOverride and self._owns_key(event):
            event.accept()
            return True
        return super().event(event)

    def _owns_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
            return self.lyrics.tap_next is not None
        return key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self.lyrics.selection is not None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.lyrics.tap_next is not None:
            self.lyrics.tap()
        elif key == Qt.Key.Key_Escape and self.lyrics.tap_next is not None:
            self.lyrics.stop_tapping()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and self.lyrics.selection is not None:
            step = FINE_NUDGE_S if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else NUDGE_S
            index = self.lyrics.lyrics.index_of(self.lyrics.selection[0])
            if self.lyrics.nudge(index, step if key == Qt.Key.Key_Right else -step) is None:
                self.lyrics.select_lines(*self.lyrics.selection)  # the region follows the nudged line
        else:
            super().keyPressEvent(event)
            return
        event.accept()
