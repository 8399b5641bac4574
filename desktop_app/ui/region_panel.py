"""Exact entry of the selection: start, end and length in seconds and in bars.beats.

Each field applies on Enter or when focus leaves it; input that cannot be applied is marked and
the reason is shown under the fields (the selection does not change).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QLineEdit, QWidget

from desktop_app.services.document import Document
from desktop_app.timefmt import format_time, parse_time

FIELDS = ("start", "end", "length")


class RegionPanel(QGroupBox):
    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__("Selection", parent)
        self.document = document
        self.seconds: dict[str, QLineEdit] = {}
        self.bars: dict[str, QLineEdit] = {}
        layout = QGridLayout(self)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(3)
        layout.setContentsMargins(8, 6, 8, 6)  # compact: the take lanes below need the height more
        for col, name in enumerate(FIELDS, start=1):
            header = QLabel(name.capitalize())
            header.setObjectName("fieldHeader")
            layout.addWidget(header, 0, col)
        layout.addWidget(QLabel("Time"), 1, 0)
        layout.addWidget(QLabel("Bars"), 2, 0)
        for col, name in enumerate(FIELDS, start=1):
            sec = QLineEdit()
            sec.setObjectName(f"seconds_{name}")
            sec.setPlaceholderText("m:ss.000")
            sec.setToolTip(f"Selection {name} in seconds (9.6) or minutes:seconds (1:05.25)")
            sec.editingFinished.connect(lambda n=name, w=sec: self._apply(n, w, self._parse_seconds))
            bar = QLineEdit()
            bar.setObjectName(f"bars_{name}")
            bar.setPlaceholderText("bar.beat" if name != "length" else "bars.beats")
            bar.setToolTip(f"Selection {name} in bars.beats (5.1 = bar 5, beat 1; 4.0 = four bars)")
            bar.editingFinished.connect(lambda n=name, w=bar: self._apply(n, w, self._parse_bars(n)))
            for w in (sec, bar):
                w.setAlignment(Qt.AlignmentFlag.AlignRight)
                w.setMinimumWidth(w.fontMetrics().horizontalAdvance("10:00.000") + 14)
            self.seconds[name], self.bars[name] = sec, bar
            layout.addWidget(sec, 1, col)
            layout.addWidget(bar, 2, col)
        self.message = QLabel("")
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.hide()  # shown with a message only: an empty row would cost the take lanes height
        layout.addWidget(self.message, 3, 0, 1, 4)
        document.region.changed.connect(self.refresh)
        document.tempo.changed.connect(self.refresh)
        self.refresh()

    # -- showing ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        region = self.document.region
        grid = self.document.tempo.grid()
        values = {"start": region.start, "end": region.end, "length": region.length if not region.is_empty else None}
        for name, value in values.items():
            self._set_text(self.seconds[name], "" if value is None else format_time(value))
            if value is None or grid is None:
                text = ""
            else:
                text = grid.format_length(value) if name == "length" else grid.format_position(value)
            self._set_text(self.bars[name], text)
            self.bars[name].setEnabled(grid is not None)
            self._mark(self.seconds[name], False)
            self._mark(self.bars[name], False)

    def _set_text(self, edit: QLineEdit, text: str) -> None:
        if not edit.hasFocus() or edit.text() == "":
            edit.setText(text)

    # -- applying -------------------------------------------------------------------------------

    def _parse_seconds(self, text: str) -> float:
        return parse_time(text)

    def _parse_bars(self, name: str) -> Callable[[str], float]:
        def parse(text: str) -> float:
            grid = self.document.tempo.grid()
            if grid is None:
                raise ValueError("Set a tempo first to enter bars and beats.")
            return grid.parse_length(text) if name == "length" else grid.parse_position(text)

        return parse

    def _apply(self, name: str, edit: QLineEdit, parse: Callable[[str], float]) -> None:
        region = self.document.region
        if not edit.isModified():
            return
        edit.setModified(False)
        try:
            value = parse(edit.text())
        except ValueError as exc:
            self._fail(edit, str(exc))
            return
        start, end = self._range_with(name, value)
        error = region.set_range(start, end, text=f"Set selection {name}")
        if error:
            self._fail(edit, error)
        else:
            self.message.setText("")
            self.message.hide()
            edit.setText("")  # refresh() fills in the canonical text
            self.refresh()

    def _range_with(self, name: str, value: float) -> tuple[float, float]:
        """The selection with one field replaced; with no selection yet, the others get 4 bars (or 8 s)."""
        region = self.document.region
        bounds = region.bounds()
        if bounds is None:
            grid = self.document.tempo.grid()
            default = grid.bar_seconds * 4 if grid else 8.0
            if name == "start":
                return value, min(region.duration, value + default)
            if name == "end":
                return max(0.0, value - default), value
            return 0.0, value
        start, end = bounds
        if name == "start":
            return value, end
        if name == "end":
            return start, value
        return start, start + value

    def _fail(self, edit: QLineEdit, message: str) -> None:
        self._mark(edit, True)
        self.message.setText(message)
        self.message.show()

    def _mark(self, edit: QLineEdit, invalid: bool) -> None:
        edit.setProperty("invalid", invalid)
        edit.style().unpolish(edit)
        edit.style().polish(edit)
