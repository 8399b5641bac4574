"""A thin strip under a take's lane: how far it departs from the original, in dB, over time.

Green where the take is the original (below −60 dB of difference), amber where it differs a
little, red where it is different material. Outside the region it should stay green: anything
else means the service touched audio it was not asked to. Past the song's end nothing is drawn.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.audio.difference import BLOCK_S
from desktop_app.ui.waveform.timeline import TimelineView

SAME_DB = -60.0
DIFFERENT_DB = -20.0
LEGEND = (
    f"Difference from the original: green below {SAME_DB:.0f} dB (the same audio), amber up to "
    f"{DIFFERENT_DB:.0f} dB (a little different), red above (different material)"
)


def level_colour(db: float) -> QColor:
    if db <= SAME_DB:
        return QColor(76, 175, 80, 150)
    if db <= DIFFERENT_DB:
        return QColor(255, 183, 77, 200)
    return QColor(239, 83, 80, 220)


class DifferenceStrip(QWidget):
    def __init__(self, timeline: TimelineView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = timeline
        self.levels: np.ndarray | None = None
        self.setFixedHeight(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip(LEGEND)
        timeline.changed.connect(self.update)

    def set_levels(self, levels: np.ndarray | None) -> None:
        self.levels = levels
        self.update()

    def column_levels(self, width: int) -> np.ndarray:
        """The loudest difference under each pixel column; NaN past the song's end (nothing to draw)."""
        out = np.full(width, np.nan)
        if self.levels is None or not len(self.levels):
            return out
        times = np.array([self.timeline.x_to_time(x) for x in (0, width)])
        edges = np.linspace(times[0], times[1], width + 1) / BLOCK_S
        lo = np.clip(np.floor(edges[:-1]).astype(int), 0, len(self.levels))
        hi = np.clip(np.ceil(edges[1:]).astype(int), 0, len(self.levels))
        for x in np.flatnonzero(hi > lo):
            out[x] = self.levels[lo[x] : hi[x]].max()
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 23, 27))
        if self.levels is None:
            painter.setPen(QColor("#6b7580"))
            painter.drawText(self.rect().adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "Δ: measuring…")
            return
        columns = self.column_levels(self.width())
        height = self.height()
        run_start, run_colour = 0, None
        for x in range(len(columns) + 1):
            colour = level_colour(columns[x]).rgba() if x < len(columns) and not np.isnan(columns[x]) else None
            if colour != run_colour:
                if run_colour is not None:
                    painter.fillRect(QRectF(run_start, 2, x - run_start, height - 4), QColor.fromRgba(run_colour))
                run_start, run_colour = x, colour
