"""One lane of the results panel: a header with the take's figures and ratings, its waveform, its Δ strip.

What the header claims must be true of the take: whole-track operations (remix, cover, vocals) have
no region, so no alignment or "outside the region" claims; in blind mode nothing that tells takes
apart (name, engine, loudness, true peak, offset, gain) is shown until every take is rated.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from desktop_app.jobs.records import Rating
from desktop_app.services.comparison import PREPARING, Comparison, Lane
from desktop_app.services.region import Region
from desktop_app.timefmt import format_time
from desktop_app.ui.results.difference_strip import DifferenceStrip
from desktop_app.ui.waveform.timeline import TimelineView
from desktop_app.ui.waveform.view import WaveformView

RATING_BUTTONS = ((Rating.KEEP, "✓ Keep"), (Rating.REJECT, "✗ Reject"), (Rating.STAR, "★"))


def _db(value: float) -> str:
    return "−∞" if not math.isfinite(value) else f"{value:+.1f}".replace("-", "−")


def lane_figures(comparison: Comparison, lane: Lane) -> str:
    """The header's figures, each one true of this lane (see the module docstring)."""
    if lane.status == PREPARING:
        step = "decoding" if lane.samples is None else "measuring"
        return f"preparing: {step}… {lane.progress:.0%}"
    if lane.is_original:
        if lane.loudness is None:  # measured only once takes are compared, over their region
            return f"measuring loudness {comparison.original_span}…" if len(comparison.lanes) > 1 else ""
        return (
            f"{_db(lane.loudness.lufs)} LUFS · TP {_db(lane.loudness.true_peak_dbtp)} dBTP {comparison.original_span}"
        )
    if comparison.hides_identity:
        return "rate every take to reveal its name and figures"
    if lane.is_extension:
        return "  ·  ".join(_extension_parts(comparison, lane))
    parts = []
    figures = lane.figures
    # Most telling first: a narrow window cuts the end of the line (the tooltip has all of it).
    if figures is not None and not lane.is_whole_track and figures.near_identical:
        largest = _db(figures.largest_difference_db)
        parts.append(f"practically the original inside the region (largest difference {largest} dB)")
    if figures is not None:
        parts += _level_parts(comparison, lane, "LUFS")
    if not lane.is_whole_track and lane.alignment is not None:
        if lane.alignment.confidence >= 0.5:
            parts.append(f"offset {lane.alignment.offset:+d} smp")
        else:
            parts.append("not aligned: the audio around the region differs from the original")
    if figures is not None and not lane.is_whole_track:
        outside = figures.changed_outside_s
        parts.append("nothing changed outside the region" if outside == 0 else f"changed outside: {outside:.1f} s")
    return "  ·  ".join(parts)


def _level_parts(comparison: Comparison, lane: Lane, lufs_words: str) -> list[str]:
    """Loudness, true peak, and the matching gain when it plays at another level."""
    figures = lane.figures
    assert figures is not None
    parts = [f"{_db(figures.loudness.lufs)} {lufs_words}", f"TP {_db(figures.loudness.true_peak_dbtp)} dBTP"]
    gain = comparison.gain_db(lane)
    if comparison.loudness_match and (abs(gain) >= 0.05 or figures.match.limited):
        parts.append(f"matched {_db(gain)} dB" + (" (limited: −1 dBTP)" if figures.match.limited else ""))
    return parts


def _extension_parts(comparison: Comparison, lane: Lane) -> list[str]:
    """An extend take is compared from its point on: its length against the original's, loudness over the
    continuation (matched to the original's last seconds before the point), what changed before it."""
    rate, figures, parts = comparison.rate, lane.figures, []
    point = format_time(lane.extend_from / rate, decimals=1)
    if lane.samples is not None:
        added = (lane.samples.shape[0] - comparison.lanes[0].samples.shape[0]) / rate
        ends = format_time(lane.samples.shape[0] / rate, decimals=1)
        length = f"{added:+.1f} s".replace("-", "−")
        parts.append(f"from {point} to {ends} ({length} on the original)")
    if figures is not None and figures.near_identical:
        parts.append(f"practically the original after {point}")
    if figures is not None:
        parts += _level_parts(comparison, lane, "LUFS over the continuation")
    if lane.alignment is not None and lane.alignment.offset:
        parts.append(f"offset {lane.alignment.offset:+d} smp")
    if figures is not None:
        before = figures.changed_outside_s
        parts.append(f"nothing changed before {point}" if before == 0 else f"changed before {point}: {before:.1f} s")
    return parts


class LaneWidget(QFrame):
    clicked = Signal(str)  # lane key
    rated = Signal(str, str)  # lane key, rating

    def __init__(self, lane: Lane, timeline: TimelineView, region: Region, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lane = lane
        self.setObjectName("takeLane")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 1)
        header_height = 18  # one line of text: every pixel of a 640-px window counts
        layout.setSpacing(1)
        header = QHBoxLayout()
        header.setSpacing(8)
        self.badge = QLabel()
        self.badge.setObjectName("laneBadge")
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setFixedWidth(22)
        self.name = QLabel()
        self.name.setObjectName("laneName")
        self.figures = QLabel()
        self.figures.setObjectName("laneFigures")
        self.figures.setMinimumWidth(1)  # long figures are cut, not allowed to widen the window
        header.addWidget(self.badge)
        header.addWidget(self.name)
        header.addWidget(self.figures, 1)
        self.rating_buttons: dict[str, QToolButton] = {}
        if not lane.is_original:
            for rating, text in RATING_BUTTONS:
                button = QToolButton()
                button.setText(text)
                button.setCheckable(True)
                button.setMaximumHeight(header_height)
                button.setObjectName(f"rate_{rating}")
                button.clicked.connect(lambda on, r=rating: self.rated.emit(self.lane.key, r if on else Rating.NONE))
                header.addWidget(button)
                self.rating_buttons[rating] = button
        for label in (self.badge, self.name, self.figures):
            label.setFixedHeight(header_height)
        layout.addLayout(header)
        self.view = WaveformView(timeline)
        # A region on a whole-track take would claim a region it does not have.
        # An extend take's part is from its point to its end, not the selection it was made from.
        self.view.set_region(None if lane.is_whole_track or lane.is_extension else region, editable=False)
        # Clicking a lane's waveform both seeks (the panel wires that) and picks what is heard.
        self.view.seek_requested.connect(lambda _t: self.clicked.emit(self.lane.key))
        layout.addWidget(self.view, 1)
        self.strip: DifferenceStrip | None = None
        if not lane.is_original:
            self.strip = DifferenceStrip(timeline)
            layout.addWidget(self.strip)
        self.lane_changed()

    def can_show(self, lane: Lane) -> bool:
        """``lane`` needs the same parts as this widget's (rating buttons, Δ strip, region)."""
        mine = self.lane
        return (lane.is_original, lane.is_whole_track, lane.is_extension) == (
            mine.is_original, mine.is_whole_track, mine.is_extension
        )  # fmt: skip

    def set_lane(self, lane: Lane) -> None:
        self.lane = lane
        self.lane_changed()

    def set_wave_height(self, pixels: int) -> None:
        self.view.setMinimumHeight(pixels)

    def lane_changed(self) -> None:
        """The lane's waveform (partial while decoding, then aligned) or its figures arrived."""
        lane = self.lane
        loading = None if lane.samples is not None else lane.progress
        self.view.set_pyramid(lane.peaks, loading_fraction=loading)
        if self.strip is not None:
            self.strip.set_levels(lane.figures.difference_db if lane.figures else None)

    def refresh(self, comparison: Comparison, index: int, heard: bool) -> None:
        self.badge.setText(str(index))
        title = comparison.display_name(self.lane)
        engine = (
            ""
            if self.lane.is_original or comparison.hides_identity
            else f"  <span style='color:#8a96a3'>{self.lane.engine_label}</span>"
        )
        self.name.setText(f"<b>{title}</b>{engine}")
        self.figures.setText(lane_figures(comparison, self.lane))
        self.figures.setToolTip(self.figures.text())
        for rating, button in self.rating_buttons.items():
            button.setChecked(self.lane.rating == rating)
        if self.property("heard") != heard:  # re-styling a lane costs milliseconds: only when it changes
            self.setProperty("heard", heard)
            self.style().unpolish(self)
            self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.clicked.emit(self.lane.key)
        super().mousePressEvent(event)
