"""Tempo: the estimated (or typed, or tapped) BPM and first downbeat, editable."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QGroupBox, QLabel, QPushButton, QSpinBox, QWidget

from desktop_app.services.tempo_grid import TempoGrid
from desktop_app.ui.widgets import ElidedLabel

_SOURCES = {
    "estimated": "estimated from the audio",
    "typed": "typed",
    "tapped": "tapped",
    "dragged": "grid moved by hand",
    "none": "no steady beat found: type or tap the tempo",
    "": "open a song",
}


class TempoPanel(QGroupBox):
    def __init__(self, tempo: TempoGrid, parent: QWidget | None = None) -> None:
        super().__init__("Tempo", parent)
        self.tempo = tempo
        self.bpm = QDoubleSpinBox()
        self.bpm.setObjectName("bpm")
        self.bpm.setRange(20.0, 400.0)
        self.bpm.setDecimals(2)
        self.bpm.setSuffix(" BPM")
        self.bpm.setKeyboardTracking(False)
        self.bpm.setSpecialValueText("— BPM")
        self.bpm.setToolTip("Tempo in beats per minute")
        self.tap = QPushButton("Tap")
        self.tap.setObjectName("tapButton")
        self.tap.setToolTip("Tap along with the beat (T)")
        self.tap.setShortcut("T")
        self.origin = QDoubleSpinBox()
        self.origin.setObjectName("origin")
        self.origin.setRange(-60.0, 36000.0)
        self.origin.setDecimals(3)
        self.origin.setSuffix(" s")
        self.origin.setKeyboardTracking(False)
        self.origin.setToolTip("Where bar 1 starts (or drag the bar numbers in the ruler)")
        self.metre = QSpinBox()
        self.metre.setRange(1, 16)
        self.metre.setSuffix(" / 4")
        self.metre.setToolTip("Beats per bar")
        self.source = ElidedLabel("")  # a long note shortens with "…" instead of widening the window
        self.source.setObjectName("hint")
        # Sized for the values songs have, not for the range's extremes, so the panel fits at 1024 px.
        for spin, sample in ((self.bpm, "000.00 BPM"), (self.origin, "000.000 s"), (self.metre, "16 / 4")):
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance(sample) + 36)
        layout = QGridLayout(self)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(3)
        layout.setContentsMargins(8, 6, 8, 6)  # compact: the take lanes below need the height more
        layout.addWidget(QLabel("Tempo"), 0, 0)
        layout.addWidget(self.bpm, 0, 1)
        layout.addWidget(self.tap, 0, 2)
        layout.addWidget(QLabel("Bar 1 at"), 1, 0)
        layout.addWidget(self.origin, 1, 1)
        layout.addWidget(self.metre, 1, 2)
        layout.addWidget(self.source, 2, 0, 1, 3)
        self.bpm.valueChanged.connect(self._bpm_edited)
        self.origin.valueChanged.connect(self._origin_edited)
        self.metre.valueChanged.connect(self._metre_edited)
        self.tap.clicked.connect(lambda: self.tempo.tap())
        self._updating = False
        tempo.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self._updating = True
        t = self.tempo
        self.bpm.setValue(t.bpm if t.bpm is not None else self.bpm.minimum())
        self.origin.setValue(t.origin)
        self.metre.setValue(t.beats_per_bar)
        text = _SOURCES.get(t.source, t.source)
        if t.source == "estimated":
            text += f" (confidence {t.confidence * 100:.0f} %)"
        self.source.setText(text)
        self.origin.setEnabled(t.bpm is not None)
        self._updating = False

    def _bpm_edited(self, value: float) -> None:
        if not self._updating and value > self.bpm.minimum():
            self.tempo.set_bpm(value)

    def _origin_edited(self, value: float) -> None:
        if not self._updating:
            self.tempo.set_origin(value)

    def _metre_edited(self, value: int) -> None:
        if not self._updating:
            self.tempo.set_beats_per_bar(value)
