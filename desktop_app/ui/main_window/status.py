"""The status bar: playhead position, selection, tempo, audio output and open progress."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget

from desktop_app.services.document import Document
from desktop_app.timefmt import format_time


class ElidingStatusBar(QStatusBar):
    """A status bar whose messages end in "…" when the room left of the permanent fields is too small,
    with the whole message in the tooltip (never a sentence cut mid-word)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._full = ""
        self._until: float | None = None
        self.messageChanged.connect(self._message_changed)

    def showMessage(self, text: str, timeout: int = 0) -> None:
        self._full = text
        self._until = time.monotonic() + timeout / 1000 if timeout else None
        super().showMessage(self._elided(text), timeout)
        self.setToolTip(text)

    def currentMessage(self) -> str:
        """The message as it was given (what is painted may be shortened: :meth:`shownMessage`)."""
        return self._full if super().currentMessage() else ""

    def shownMessage(self) -> str:
        return super().currentMessage()

    def message_room(self) -> int:
        """Pixels left for a message: up to the first permanent field."""
        fields = [w for w in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)]
        lefts = [w.x() for w in fields if w.isVisible() and w.x() > 0]
        return max(0, (min(lefts) if lefts else self.width()) - 16)

    def _elided(self, text: str) -> str:
        return self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, self.message_room())

    def _message_changed(self, text: str) -> None:
        if not text:
            self._full = ""
            self.setToolTip("")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reelide()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a field beside the message grew or shrank
            self._reelide()
        return handled

    def _reelide(self) -> None:
        """Shorten the message anew for the room it has now, with the same time left."""
        if not (super().currentMessage() and self._full):
            return
        shown = self._elided(self._full)
        if shown == super().currentMessage():
            return
        left = 0 if self._until is None else int((self._until - time.monotonic()) * 1000)
        if self._until is None or left > 0:
            super().showMessage(shown, left)


class StatusPanel:
    def __init__(self, bar: QStatusBar, document: Document) -> None:
        self.bar = bar
        self.document = document
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(True)
        self.progress.hide()
        # Widths from the font, sized for typical texts so the fields do not jump as digits change.
        self.position = self._label("statusPosition", "0:00.000  ·  100.4")
        self.selection = self._label("statusSelection", "00:00.000 – 00:00.000")
        self.tempo = self._label("statusTempo", "000.00 BPM  16/4")
        self.output = self._label("statusOutput", "")
        bar.addPermanentWidget(self.progress)
        for label in (self.position, self.selection, self.tempo, self.output):
            bar.addPermanentWidget(label)
        document.region.changed.connect(self.show_selection)
        document.tempo.changed.connect(self.show_tempo)
        document.tempo.changed.connect(self.show_selection)
        self.show_selection()
        self.show_tempo()
        self.show_position(0.0)

    def _label(self, name: str, sample: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        if sample:
            label.setMinimumWidth(label.fontMetrics().horizontalAdvance(sample) + 8)
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
        text = f"{format_time(region.start)} – {format_time(region.end)}"
        detail = f"Selection {text}, {format_time(region.length)} long"
        grid = self.document.tempo.grid()
        if grid is not None:
            detail += f" ({grid.format_length(region.length)} bars)"
        self.selection.setText(text)
        self.selection.setToolTip(detail)

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
