"""The results panel: the original and each take as lanes on the editor's time axis, and the controls.

The heading is the comparison's own (:meth:`Comparison.heading`), so it always names what the lanes
show. Crossfade length, loudness matching and pre/post roll are read from the settings and written
back when changed. The heard lane is drawn large; "Lanes" sets the height of the others.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.services.comparison import ORIGINAL, Comparison
from desktop_app.services.region import Region
from desktop_app.services.settings import Options, Settings
from desktop_app.ui.results.lane_widget import LaneWidget
from desktop_app.ui.waveform.timeline import TimelineView
from desktop_app.ui.widgets import ElidedLabel

LANE_HEIGHTS = (24, 160)  # waveform height of an unfocused lane, px (the slider's range)
DEFAULT_LANE_HEIGHT = 26  # the original and one take fit a 1024×640 window
FOCUS_FACTOR = 1.5  # the heard lane is at least this much taller…
FOCUS_STRETCH = 4  # …and takes this share of the spare height, the others 1


class ResultsPanel(QWidget):
    seek_requested = Signal(float)
    splice_requested = Signal(str)  # lane key: use this take inside the region
    preview_requested = Signal(str)  # lane key: hear the splice before committing
    whole_take_requested = Signal(str)
    revert_requested = Signal()
    export_requested = Signal(str)  # lane key, or "" for the working version
    loop_context_changed = Signal()

    def __init__(
        self, comparison: Comparison, timeline: TimelineView, region: Region, settings: Settings, parent=None
    ) -> None:
        super().__init__(parent)
        self.comparison, self.timeline, self.region, self.settings = comparison, timeline, region, settings
        self.setObjectName("resultsPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        # The title shares its row with the listening options: at 640 px of height every row counts.
        self.title = ElidedLabel(comparison.heading())
        self.title.setObjectName("resultsTitle")
        layout.addLayout(self._listening_row())
        self.lanes_box = QVBoxLayout()
        self.lanes_box.setSpacing(1)
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
        self.lane_height = DEFAULT_LANE_HEIGHT
        comparison.lanes_changed.connect(self.rebuild)
        comparison.lane_updated.connect(self._lane_updated)
        comparison.selection_changed.connect(lambda _k: self.rebuild())
        comparison.options_changed.connect(self.refresh)
        comparison.preparing.connect(lambda _busy: self._show_heading())
        self._context_changed()
        self.rebuild()

    # ------------------------------------------------------------------------------------ rows
    def _listening_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.match_box = QCheckBox("Match loudness")
        self.match_box.setToolTip(
            "Play every take at the original's loudness over the region (ITU-R BS.1770), never above −1 dBTP"
        )
        self.match_box.setChecked(self.settings.get(Options.loudness_match))
        self.comparison.set_loudness_match(self.match_box.isChecked())
        self.match_box.toggled.connect(self._match_toggled)
        self.blind_box = QCheckBox("Blind")
        self.blind_box.setToolTip("Hide which take is which (names, engines, figures) until you have rated them all")
        self.blind_box.setChecked(self.comparison.blind)
        self.blind_box.toggled.connect(self.comparison.set_blind)
        self.loop_box = QCheckBox("Loop region with context")
        self.pre_roll = self._seconds_box(self.settings.get(Options.preroll_s), "Pre-roll")
        self.post_roll = self._seconds_box(self.settings.get(Options.postroll_s), "Post-roll")
        self.loop_box.toggled.connect(lambda *_: self.loop_context_changed.emit())
        for box in (self.pre_roll, self.post_roll):
            box.valueChanged.connect(self._context_changed)
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
        self.crossfade.setValue(round(self.settings.get(Options.crossfade_ms)))
        self.crossfade.setSuffix(" ms")
        self.crossfade.valueChanged.connect(lambda ms: self.settings.set(Options.crossfade_ms, float(ms)))
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
        row.addWidget(QLabel("Lanes"))
        self.height_slider = QSlider(Qt.Orientation.Horizontal)
        self.height_slider.setRange(*LANE_HEIGHTS)
        self.height_slider.setValue(DEFAULT_LANE_HEIGHT)
        self.height_slider.setFixedWidth(70)
        self.height_slider.setToolTip("Height of the lanes you are not listening to (the heard lane is larger)")
        self.height_slider.valueChanged.connect(self.set_lane_height)
        row.addWidget(self.height_slider)
        row.addWidget(QLabel("Level"))
        self.level_zoom = QSpinBox()
        self.level_zoom.setRange(0, 36)
        self.level_zoom.setSingleStep(6)
        self.level_zoom.setPrefix("+")
        self.level_zoom.setSuffix(" dB")
        self.level_zoom.setValue(round(self.timeline.amplitude_zoom_db))
        self.level_zoom.setToolTip("Vertical zoom of every waveform, the editor's too (Alt+wheel over a waveform)")
        self.level_zoom.valueChanged.connect(lambda db: self.timeline.set_amplitude_zoom_db(float(db)))
        self.timeline.changed.connect(lambda: self.level_zoom.setValue(round(self.timeline.amplitude_zoom_db)))
        row.addWidget(self.level_zoom)
        row.addWidget(self.export_button)
        self.preview_button.clicked.connect(lambda: self.preview_requested.emit(self.comparison.selected))
        self.splice_button.clicked.connect(lambda: self.splice_requested.emit(self.comparison.selected))
        self.whole_button.clicked.connect(lambda: self.whole_take_requested.emit(self.comparison.selected))
        self.revert_button.clicked.connect(self.revert_requested)
        self.export_button.clicked.connect(lambda: self.export_requested.emit(self.comparison.selected))
        self.export_button.setToolTip("Keys 0–9 switch what you hear; Export… writes any lane or the working version")
        for box in (self.crossfade, self.level_zoom):
            box.setMaximumWidth(78)
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
        box.setMaximumWidth(68)
        return box

    # ---------------------------------------------------------------------------------- settings
    def _match_toggled(self, on: bool) -> None:
        self.settings.set(Options.loudness_match, on)
        self.comparison.set_loudness_match(on)

    def _context_changed(self, *_args) -> None:
        pre, post = self.pre_roll.value(), self.post_roll.value()
        self.settings.set(Options.preroll_s, pre)
        self.settings.set(Options.postroll_s, post)
        self.comparison.set_context(pre, post)
        self.loop_context_changed.emit()

    # ---------------------------------------------------------------------------------- state
    @property
    def crossfade_s(self) -> float:
        return self.crossfade.value() / 1000.0

    def loop_context(self) -> tuple[float, float] | None:
        return (self.pre_roll.value(), self.post_roll.value()) if self.loop_box.isChecked() else None

    def set_lane_height(self, pixels: int) -> None:
        self.lane_height = pixels
        self.rebuild()

    def rebuild(self) -> None:
        """Match the lane widgets to the model's lanes, keeping the widgets of lanes that did not change.

        Takes arrive one at a time; recreating every lane (and re-rendering its waveform) for each would
        make the window stall as lanes pile up. Every widget is taken out and put back in display order,
        so the picture under "Take A" is always that take's.
        """
        shown = self.comparison.shown_lanes()
        keep = {lane.key for lane in shown}
        for key, widget in list(self.lane_widgets.items()):
            lane = self.comparison.lane(key)
            if key in keep and lane is not None and lane is not widget.lane and widget.can_show(lane):
                widget.set_lane(lane)  # replaced by one of its kind (a new original): no new widget to build
            elif key not in keep or lane is not widget.lane:  # gone, or replaced by another kind
                # Hidden, out of the layout and deleted with the next events; taking it out of the window
                # (setParent(None)) would first work out its whole subtree's style again: 30 ms a take.
                self.lanes_box.removeWidget(widget)
                widget.hide()
                widget.deleteLater()
                del self.lane_widgets[key]
        for widget in self.lane_widgets.values():
            self.lanes_box.removeWidget(widget)
        for lane in shown:
            widget = self.lane_widgets.get(lane.key)
            if widget is None:
                widget = LaneWidget(lane, self.timeline, self.region)
                widget.clicked.connect(self.comparison.select)
                widget.rated.connect(self.comparison.rate_lane)
                widget.view.seek_requested.connect(self.seek_requested)
                self.lane_widgets[lane.key] = widget
            focused = lane.key == self.comparison.selected
            widget.set_wave_height(round(self.lane_height * (FOCUS_FACTOR if focused else 1)))
            self.lanes_box.addWidget(widget, FOCUS_STRETCH if focused else 1)
            widget.show()  # do not rely on the layout's deferred show: a grab may come first
        self.refresh()
        heard = self.lane_widgets.get(self.comparison.selected)
        if heard is not None:
            self.lanes_scroll.ensureWidgetVisible(heard, 0, 0)

    def refresh(self) -> None:
        for index, lane in enumerate(self.comparison.shown_lanes()):
            widget = self.lane_widgets.get(lane.key)
            if widget is not None:
                widget.refresh(self.comparison, index, heard=lane.key == self.comparison.selected)
        selected = self.comparison.lane(self.comparison.selected)
        take_heard = selected is not None and selected.key != ORIGINAL and selected.samples is not None
        for button in (self.preview_button, self.splice_button):
            button.setEnabled(take_heard and self.comparison.can_splice(selected.key))
        self.whole_button.setEnabled(take_heard)
        self._show_heading()

    def _lane_updated(self, key: str) -> None:
        widget = self.lane_widgets.get(key)
        if widget is not None:
            widget.lane_changed()
            shown = self.comparison.shown_lanes()
            lane = self.comparison.lane(key)
            if lane in shown:
                widget.refresh(self.comparison, shown.index(lane), heard=key == self.comparison.selected)
        self._show_heading()

    def _show_heading(self) -> None:
        self.title.setText(self.comparison.heading())

    def set_playhead(self, seconds: float) -> None:
        for widget in self.lane_widgets.values():
            widget.view.set_playhead(seconds)

    def keyPressEvent(self, event) -> None:
        if Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9:
            self.comparison.select_index(event.key() - Qt.Key.Key_0)
            return
        super().keyPressEvent(event)
