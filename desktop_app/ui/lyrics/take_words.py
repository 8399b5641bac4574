"""Takes bring their words: a take's timed lyrics (MusicGPT's ``lyrics_timestamped``) on its lane.

The results panel builds its lanes; this adds a thin strip of the take's sung lines under a
take's waveform when the job store holds timed lyrics for it, on the same time axis.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from desktop_app.jobs.store import JobStore
from desktop_app.lyrics import Lyrics
from desktop_app.lyrics.takes import from_timestamped
from desktop_app.ui.lyrics.lane import draw_line_box
from desktop_app.ui.waveform.timeline import TimelineView

STRIP_HEIGHT = 16


class TakeWordsStrip(QWidget):
    def __init__(self, timeline: TimelineView, lyrics: Lyrics, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("takeWords")
        self.timeline, self.lyrics = timeline, lyrics
        self.setFixedHeight(STRIP_HEIGHT)
        self.setToolTip("\n".join(line.text for line in lyrics.lines if line.is_sung))
        timeline.changed.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(600, STRIP_HEIGHT)

    def boxes(self) -> list[tuple[str, QRectF]]:
        ends = self.lyrics.line_ends(self.timeline.duration)
        out = []
        for index, line in enumerate(self.lyrics.lines):
            if line.is_sung and line.start is not None and ends[index] is not None:
                x0, x1 = self.timeline.time_to_x(line.start), self.timeline.time_to_x(ends[index])
                out.append((line.text, QRectF(x0, 1, max(2.0, x1 - x0 - 1), STRIP_HEIGHT - 2)))
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#191d22"))
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        metrics = QFontMetrics(font)
        for text, rect in self.boxes():
            if rect.right() >= 0 and rect.left() <= self.width():
                draw_line_box(painter, metrics, rect, text)
        painter.end()


def attach_take_words(panel, comparison, store: JobStore, timeline: TimelineView) -> None:
    """Whenever the results panel (re)builds its lanes, give takes with timed lyrics their strip."""

    def lanes_changed() -> None:
        for key, widget in panel.lane_widgets.items():
            if widget.findChild(TakeWordsStrip) is not None or ":" not in key:
                continue
            job_id, _, index = key.partition(":")
            try:
                take = next((t for t in store.takes(job_id) if str(t.idx) == index), None)
            except sqlite3.Error:  # a store that cannot answer must not break the lanes
                take = None
            lyrics = from_timestamped(take.lyrics_timestamped) if take and take.lyrics_timestamped else None
            if lyrics is not None and lyrics.lines:
                widget.layout().insertWidget(2, TakeWordsStrip(timeline, lyrics, widget))

    comparison.lanes_changed.connect(lanes_changed)
    lanes_changed()
