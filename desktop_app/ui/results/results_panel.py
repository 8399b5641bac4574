"""The results panel: the original and each take as lanes on the editor's time axis, and the controls."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.comparison import Comparison
from desktop_app.services.region import Region
from desktop_app.ui.results.lane_widget import LaneWidget
from desktop_app.ui.waveform.timeline import TimelineView
from desktop_app.ui.widgets import ElidedLabel


class ResultsPanel(QWidget):
    seek_requested = Signal(float)
    splice_requested = Signal(str)  # lane key: use this take inside the region
    preview_requested = Signal(str)  # lane key: hear the splice before committing
    whole_take_requested = Signal(str)
    revert_requested = Signal()
    export_requested = Signal(str)  # lane key, or "" for the working version
    loop_context_changed = Signal()

    def __init__(self, comparison: Comparison, timeline: TimelineView, region: Region, parent=None) -> None:
        super().__init__(parent)
        self.comparison, self.timeline, self.region = comparison, timeline, region
        self.setObjectName("resultsPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        # The title shares its row with the listening options: at 800 px of height every row counts.
        self.title = ElidedLabel("No takes yet. When a job finishes, its takes appear here next to the original.")
        self.title.setObjectName("resultsTitle")
        layout.addLayout(self._listening_row())
        self.lanes_box = QVBoxLayout()
        self.lanes_box.setSpacing(2)
        self.lanes_box.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setLayout(self.lanes_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(scroll, 1)
        self.lanes_scroll = scroll
        layout.addLayout(self._keep_row())
        self.lane_widgets: dict[str, LaneWidget] = {}
        comparison.lanes_changed.connect(self.rebuild)
        comparison.selection_changed.connect(lambda _k: self.refresh())
        comparison.options_changed.connect(self.refresh)
        comparison.preparing.connect(self._preparing)
        self.rebuild()

    # ------------------------------------------------------------------------------------ rows
    def _listening_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.match_box = QCheckBox("Match loudness")
        self.match_box.setChecked(self.comparison.loudness_match)
        self.match_box.setToolTip("Play every take at the original's loudness over the region (ITU-R BS.1770)")
        self.match_box.toggled.connect(self.comparison.set_loudness_match)
        self.blind_box = QCheckBox("Blind")
        self.blind_box.setToolTip("Hide which take is which until you rate it")
        self.blind_box.toggled.connect(self.comparison.set_blind)
        self.loop_box = QCheckBox("Loop region with context")
        self.pre_roll = self._seconds_box(2.0, "Pre-roll")
        self.post_roll = self._seconds_box(2.0, "Post-roll")
        for widget in (self.loop_box, self.pre_roll, self.post_roll):
            signal = widget.toggled if isinstance(widget, QCheckBox) else widget.valueChanged
            signal.connect(lambda *_: self.loop_context_changed.emit())
        row.addWidget(self.title, 1)
        for widget in (self.match_box, self.blind_box, self.loop_box, QLabel("pre"), self.pre_roll):
            row.addWidget(widget)
        row.addWidget(QLabel("post"))
        row.addWidget(self.post_roll)
        return row

    def _keep_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("Crossfade"))
        self.crossfade = QSpinBox()
        self.crossfade.setRange(0, 500)
        self.crossfade.setValue(20)
        self.crossfade.setSuffix(" ms")
        row.addWidget(self.crossfade)
        self.preview_button = QPushButton("Preview splice")
        self.splice_button = QPushButton("Use this take")
        self.splice_button.setObjectName("primaryButton")
        self.whole_button = QPushButton("Use whole take")
        self.revert_button = QPushButton("Back to original")
        self.export_button = QPushButton("Export…")
        for button in (self.preview_button, self.splice_button, self.whole_button, self.revert_button):
            row.addWidget(button)
        row.addStretch(1)
        hint = QLabel("Keys 0–9 switch what you hear")
        hint.setObjectName("hintLabel")
        row.addWidget(hint)
        row.addWidget(self.export_button)
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(self.comparison.selected))
        self.splice_button.clicked.connect(lambda: self.splice_requested.emit(self.comparison.selected))
        self.whole_button.clicked.connect(lambda: self.whole_take_requested.emit(self.comparison.selected))
        self.revert_button.clicked.connect(self.revert_requested)
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.comparison.selected))
        return row

    @staticmethod
    def _seconds_box(value: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, 30.0)
        box.setSingleStep(0.5)
        box.setDecimals(1)
        box.setSuffix(" s")
        box.setValue(value)
        box.setToolTip(tip)
        return box

    # ---------------------------------------------------------------------------------- state
    @property
    def crossfade_s(self) -> float:
        return self.crossfade.value() / 1000.0

    def loop_context(self) -> tuple[float, float] | None:
        return (self.pre_roll.value(), self.post_roll.value()) if self.loop_box.isChecked() else None

    def set_title(self, text: str) -> None:
        self.title.setText(text)

    def rebuild(self) -> None:
        """Match the lane widgets to the model's lanes, keeping the widgets of lanes that did not change.

        Takes arrive one job at a time; recreating every lane (and re-rendering its waveform) for each
        would make the window stall as lanes pile up.
        """
        shown = self.comparison.shown_lanes()
        keep = {lane.key for lane in shown}
        for key, widget in list(self.lane_widgets.items()):
            lane = self.comparison.lane(key)
            if key not in keep or lane is not widget.lane:  # gone, or replaced (a new original)
                widget.setParent(None)
                widget.deleteLater()
                del self.lane_widgets[key]
        for index, lane in enumerate(shown):
            widget = self.lane_widgets.get(lane.key)
            if widget is None:
                widget = LaneWidget(lane, self.timeline, self.region)
                widget.clicked.connect(self.comparison.select)
                widget.rated.connect(self.comparison.rate_lane)
                widget.view.seek_requested.connect(self.seek_requested)
                self.lane_widgets[lane.key] = widget
            self.lanes_box.insertWidget(index, widget)  # moves an existing widget into place
            widget.show()  # do not rely on the layout's deferred show: a grab may come first
        self.refresh()

    def refresh(self) -> None:
        for index, lane in enumerate(self.comparison.shown_lanes()):
            widget = self.lane_widgets.get(lane.key)
            if widget is not None:
                widget.refresh(self.comparison, index, heard=lane.key == self.comparison.selected)
        take_heard = not self.comparison.lanes or self.comparison.selected != "original"
        has_region = self.comparison.region is not None
        for button in (self.preview_button, self.splice_button):
            button.setEnabled(take_heard and has_region and len(self.comparison.lanes) > 1)
        self.whole_button.setEnabled(take_heard and len(self.comparison.lanes) > 1)

    def set_playhead(self, seconds: float) -> None:
        for widget in self.lane_widgets.values():
            widget.view.set_playhead(seconds)

    def _preparing(self, busy: bool) -> None:
        if busy:
            self.title.setText(self.title.text().split(" — ")[0] + " — aligning and measuring the takes…")

    def keyPressEvent(self, event) -> None:
        if Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9:
            self.comparison.select_index(event.key() - Qt.Key.Key_0)
            return
        super().keyPressEvent(event)
