"""Form fields for the operation forms: one small widget per request field, with its inline error.

Each :class:`FieldSpec` names the request attribute it fills, so a request's ``problems()`` can be
shown next to the widget that caused them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the request attribute
    label: str
    kind: str  # "line", "text", "choice", "int", "weight"
    placeholder: str = ""
    choices: tuple[tuple[str, str | None], ...] = ()  # (label, value)
    limit: int | None = None  # character counter for text fields
    minimum: int = 0
    maximum: int = 0
    required: bool = False
    advanced: bool = False


class FieldWidget(QWidget):
    """A labelled input with a character counter (where limited) and an inline error line."""

    edited = Signal()

    def __init__(self, spec: FieldSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.touched = False  # errors show once the user has edited the field
        self.problem: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        header = QHBoxLayout()
        title = QLabel(spec.label + (" *" if spec.required else ""))
        title.setObjectName("fieldLabel")
        header.addWidget(title)
        self.mark = problem_mark()
        header.addWidget(self.mark)
        header.addStretch(1)
        self.counter = QLabel()
        self.counter.setObjectName("fieldCounter")
        header.addWidget(self.counter)
        layout.addLayout(header)
        self.input = self._make_input()
        layout.addWidget(self.input)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self._update_counter()

    def _make_input(self) -> QWidget:
        spec = self.spec
        if spec.kind == "line":
            widget = ElidingLineEdit()
            widget.setPlaceholderText(spec.placeholder)
            widget.textChanged.connect(self._changed)
        elif spec.kind == "text":
            widget = QPlainTextEdit()
            widget.setPlaceholderText(spec.placeholder)
            widget.setToolTip(spec.placeholder)
            widget.setMinimumHeight(60)
            widget.setMaximumHeight(110)
            widget.textChanged.connect(self._changed)
        elif spec.kind == "choice":
            widget = QComboBox()
            for label, value in spec.choices:
                widget.addItem(label, value)
            widget.currentIndexChanged.connect(self._changed)
        elif spec.kind == "int":
            widget = QSpinBox()
            widget.setRange(spec.minimum, spec.maximum)
            widget.valueChanged.connect(self._changed)
        elif spec.kind == "weight":
            widget = _WeightInput()
            widget.changed.connect(self._changed)
        else:
            raise ValueError(spec.kind)
        widget.setObjectName(f"field_{spec.name}")
        return widget

    def _changed(self, *_: object) -> None:
        self.touched = True
        self._update_counter()
        self.edited.emit()

    def _update_counter(self) -> None:
        if self.spec.limit is None:
            self.counter.clear()
            return
        count = len(self.text_value() or "")
        self.counter.setText(f"{count} / {self.spec.limit}")
        self.counter.setProperty("over", count > self.spec.limit)
        self.counter.style().unpolish(self.counter)
        self.counter.style().polish(self.counter)

    def text_value(self) -> str | None:
        if isinstance(self.input, QLineEdit):
            return self.input.text()
        if isinstance(self.input, QPlainTextEdit):
            return self.input.toPlainText()
        return None

    def value(self) -> Any:
        if isinstance(self.input, QLineEdit | QPlainTextEdit):
            text = self.text_value() or ""
            return text if (text.strip() or self.spec.required) else None
        if isinstance(self.input, QComboBox):
            return self.input.currentData()
        if isinstance(self.input, QSpinBox):
            return self.input.value()
        if isinstance(self.input, _WeightInput):
            return self.input.value()
        return None

    def set_value(self, value: Any) -> None:
        if isinstance(self.input, QLineEdit):
            self.input.setText("" if value is None else str(value))
        elif isinstance(self.input, QPlainTextEdit):
            self.input.setPlainText("" if value is None else str(value))
        elif isinstance(self.input, QComboBox):
            index = self.input.findData(value)
            self.input.setCurrentIndex(max(0, index))
        elif isinstance(self.input, QSpinBox):
            self.input.setValue(int(value or 0))
        elif isinstance(self.input, _WeightInput):
            self.input.set_value(value)

    @property
    def short_name(self) -> str:
        """How the form's summary names this field: its label without the asides ("Title", "Prompt")."""
        label = self.spec.label.split(" (")[0]
        return self.spec.name.replace("_", " ").capitalize() if label.endswith("?") else label

    def is_missing(self) -> bool:
        """A required field still empty (the summary lists these by name, not by sentence)."""
        return self.spec.required and not (self.text_value() or "").strip()

    def focus_input(self) -> None:
        target = self.input.spin if isinstance(self.input, _WeightInput) else self.input
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_error(self, message: str | None, *, problem: str | None = None) -> None:
        """``message`` is written under the field; ``problem`` (default: the message) only marks it."""
        self.problem = problem if problem is not None else message
        show_mark(self.mark, self.problem)
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        self.input.setProperty("invalid", bool(message))
        self.input.style().unpolish(self.input)
        self.input.style().polish(self.input)


def problem_mark() -> QLabel:
    """The small mark beside a field's label that says it has a problem (the sentence is its tooltip)."""
    mark = QLabel("●")
    mark.setObjectName("fieldMark")
    mark.hide()
    return mark


def show_mark(mark: QLabel, problem: str | None) -> None:
    mark.setToolTip(problem or "")
    mark.setVisible(bool(problem))


class ElidingLineEdit(QLineEdit):
    """A line edit whose placeholder shortens with "…" to the width it gets (the whole hint in the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""

    def setPlaceholderText(self, text: str) -> None:
        self._placeholder = text
        self.setToolTip(text)
        self._elide()

    def fullPlaceholderText(self) -> str:
        return self._placeholder

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = max(0, self.width() - 16)  # the frame and text margins
        shown = self.fontMetrics().elidedText(self._placeholder, Qt.TextElideMode.ElideRight, room)
        super().setPlaceholderText(shown)


class _WeightInput(QWidget):
    """An optional 0–1 weight in steps of 0.01: unchecked means "let the service decide"."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox("set")
        self.spin = QDoubleSpinBox()
        self.spin.setRange(0.0, 1.0)
        self.spin.setSingleStep(0.01)
        self.spin.setDecimals(2)
        self.spin.setValue(0.5)
        self.spin.setEnabled(False)
        layout.addWidget(self.enabled)
        layout.addWidget(self.spin, 1)
        self.enabled.toggled.connect(self.spin.setEnabled)
        self.enabled.toggled.connect(lambda _=False: self.changed.emit())
        self.spin.valueChanged.connect(lambda _=0.0: self.changed.emit())

    def value(self) -> float | None:
        return round(self.spin.value(), 2) if self.enabled.isChecked() else None

    def set_value(self, value: float | None) -> None:
        self.enabled.setChecked(value is not None)
        if value is not None:
            self.spin.setValue(float(value))
