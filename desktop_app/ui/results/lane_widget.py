"""One lane of the results panel: a header with the take's figures and ratings, its waveform, its Δ strip."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop_app.services.comparison import Comparison, Lane
from desktop_app.services.region import Region
from desktop_app.ui.results.difference_strip import DifferenceStrip
from desktop_app.ui.waveform.timeline import TimelineView
from desktop_app.ui.waveform.view import WaveformView

RATING_BUTTONS = (("keep", "✓ Keep"), ("reject", "✗ Reject"), ("star", "★"))


def _db(value: float) -> str:
    return "−∞" if not math.isfinite(value) else f"{value:+.1f}".replace("-", "−")


def lane_figures(comparison: Comparison, lane: Lane) -> str:
    parts = []
    if lane.loudness is not None:
        parts.append(f"{_db(lane.loudness.lufs)} LUFS")
        parts.append(f"TP {_db(lane.loudness.true_peak_dbtp)} dBTP")
    if lane.prepared is not None:
        align = lane.prepared.alignment
        if align.confidence >= 0.5:
            parts.append(f"offset {align.offset:+d} smp")
        else:
            parts.append("not aligned (different audio outside the region)")
        gain = comparison.gain_db(lane)
        if comparison.loudness_match and abs(gain) >= 0.05:
            parts.append(f"matched {_db(gain)} dB")
        outside = lane.prepared.changed_outside_s
        parts.append("nothing changed outside" if outside == 0 else f"changed outside: {outside:.1f} s")
    return "  ·  ".join(parts)


class LaneWidget(QFrame):
    clicked = Signal(str)  # lane key
    rated = Signal(str, str)  # lane key, rating

    def __init__(self, lane: Lane, timeline: TimelineView, region: Region, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.setObjectName("takeLane")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(2)
        header = QHBoxLayout()
        self.badge = QLabel()
        self.badge.setObjectName("laneBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFixedWidth(22)
        self.name = QLabel()
        self.name.setObjectName("laneName")
        self.figures = QLabel()
        self.figures.setObjectName("laneFigures")
        header.addWidget(self.badge)
        header.addWidget(self.name)
        header.addWidget(self.figures, 1)
        self.rating_buttons: dict[str, QToolButton] = {}
        if not lane.is_original:
            for rating, text in RATING_BUTTONS:
                button = QToolButton()
                button.setText(text)
                button.setCheckable(True)
                button.setObjectName(f"rate_{rating}")
                button.clicked.connect(lambda on, r=rating: self.rated.emit(self.lane.key, r if on else ""))
                header.addWidget(button)
                self.rating_buttons[rating] = button
        layout.addLayout(header)
        self.view = WaveformView(timeline)
        self.view.setMinimumHeight(36)  # three lanes fit a 1280×800 window; more height goes to them
        self.view.set_pyramid(lane.peaks)
        self.view.set_region(region, editable=False)
        # Clicking a lane's waveform both seeks (the panel wires that) and picks what is heard.
        self.view.seek_requested.connect(lambda _t: self.clicked.emit(self.lane.key))
        layout.addWidget(self.view, 1)
        self.strip: DifferenceStrip | None = None
        if not lane.is_original:
            self.strip = DifferenceStrip(timeline)
            self.strip.set_levels(lane.prepared.difference_db if lane.prepared else None)
            layout.addWidget(self.strip)

    def refresh(self, comparison: Comparison, index: int, heard: bool) -> None:
        self.badge.setText(str(index))
        title = comparison.display_name(self.lane)
        engine = (
            ""
            if self.lane.is_original or comparison.blind
            else f"  <span style='color:#8a96a3'>{self.lane.engine_label}</span>"
        )
        self.name.setText(f"<b>{title}</b>{engine}")
        self.figures.setText(lane_figures(comparison, self.lane))
        for rating, button in self.rating_buttons.items():
            button.setChecked(self.lane.rating == rating)
        self.setProperty("heard", heard)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.lane.key)
        super().mousePressEvent(event)
