"""The status bar: playhead position, selection, tempo, audio output and open progress."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from desktop_app.services.document import Document
from desktop_app.ui.waveform.timefmt import format_time


class StatusPanel:
    def __init__(self, bar: QStatusBar, document: Document) -> None:
        self.bar = bar
        self.document = document
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.position = self._label("statusPosition", 150)
        self.selection = self._label("statusSelection", 320)
        self.tempo = self._label("statusTempo", 120)
        self.output = self._label("statusOutput", 0)
        bar.addPermanentWidget(self.progress)
        for label in (self.position, self.selection, self.tempo, self.output):
            bar.addPermanentWidget(label)
        document.region.changed.connect(self.show_selection)
        document.tempo.changed.connect(self.show_tempo)
        document.tempo.changed.connect(self.show_selection)
        self.show_selection()
        self.show_tempo()
        self.show_position(0.0)

    def _label(self, name: str, width: int) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        if width:
            label.setMinimumWidth(width)
        return label

    def show_position(self, seconds: float) -> None:
        grid = self.document.tempo.grid()
        text = format_time(seconds)
        if grid is not None:
            text += f"  ·  {grid.format_position(seconds)}"
        self.position.setText(text)

    def show_selection(self) -> None:
        region = self.document.region
        if region.is_empty:
            self.selection.setText("No selection")
            return
        text = f"Sel {format_time(region.start)} – {format_time(region.end)}  ({region.length:.3f} s"
        grid = self.document.tempo.grid()
        if grid is not None:
            text += f", {grid.format_length(region.length)} bars"
        self.selection.setText(text + ")")

    def show_tempo(self) -> None:
        tempo = self.document.tempo
        if tempo.bpm is None:
            self.tempo.setText("Tempo: —")
        else:
            self.tempo.setText(f"{tempo.bpm:.2f} BPM  {tempo.beats_per_bar}/4")

    def show_output(self, name: str, silent: bool, message: str) -> None:
        self.output.setText(name if silent else f"Output: {name}")
        self.output.setToolTip(message)
        self.output.setProperty("silent", silent)

    def show_progress(self, fraction: float | None) -> None:
        if fraction is None:
            self.progress.hide()
            return
        self.progress.setValue(round(fraction * 100))
        self.progress.show()
