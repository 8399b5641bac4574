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
        drawn = np.flatnonzero(hi > lo)
        if drawn.size:
            # The maximum of each column's blocks in one reduceat: a Python loop over 1,300 columns
            # stalled the event loop for tens of milliseconds while job threads held the interpreter.
            bounds = np.empty(2 * drawn.size, np.int64)
            bounds[0::2], bounds[1::2] = lo[drawn], np.minimum(hi[drawn], len(self.levels) - 1)
            maxima = np.maximum.reduceat(self.levels, bounds)[0::2]
            tails = hi[drawn] == len(self.levels)  # reduceat cannot end a span at the array's end
            for i in np.flatnonzero(tails):
                maxima[i] = self.levels[lo[drawn[i]] :].max()
            out[drawn] = maxima
        return out

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(20, 23, 27))
        if self.levels is None:
            painter.setPen(QColor("#6b7580"))
            painter.drawText(self.rect().adjusted(6, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, "Δ: measuring…")
            return
        columns = self.column_levels(self.width())
        # 0 same, 1 a little different, 2 different; -1 past the song's end. Then one rectangle a run.
        kinds = np.where(
            np.isnan(columns), -1, np.digitize(np.nan_to_num(columns), (SAME_DB, DIFFERENT_DB), right=True)
        )
        changes = np.flatnonzero(np.diff(kinds)) + 1
        starts = np.concatenate(([0], changes))
        ends = np.concatenate((changes, [len(kinds)]))
        colours = {kind: level_colour(db) for kind, db in ((0, SAME_DB), (1, DIFFERENT_DB), (2, 0.0))}
        height = self.height()
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            kind = int(kinds[start])
            if kind >= 0:
                painter.fillRect(QRectF(start, 2, end - start, height - 4), colours[kind])
