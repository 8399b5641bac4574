"""The fields of one operation's form: built from its field specs (``specs.py``), read back as the request's
values, and marked with the service's own rule each field breaks, written under it once the producer has
touched it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.api.errors import FieldProblem
from desktop_app.api.operations import Operation
from desktop_app.services.voices import VoiceLoader
from desktop_app.ui.jobs.engine_dialog import CreditsRow
from desktop_app.ui.jobs.fields import FieldWidget
from desktop_app.ui.jobs.specs import FIELDS
from desktop_app.ui.jobs.voice_picker import VoicePicker


class OperationForm(QWidget):
    """The fields of one operation."""

    edited = Signal()

    def __init__(self, operation: Operation, voice_loader: VoiceLoader | None, engine_name) -> None:
        super().__init__()
        self.operation = operation
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, FieldWidget] = {}
        self.voice_picker: VoicePicker | None = None
        if operation is Operation.COVER and voice_loader is not None:
            self.voice_picker = VoicePicker(voice_loader, engine_name)
            self.voice_picker.changed.connect(self.edited)
            layout.addWidget(self.voice_picker)
        if operation is Operation.ADD_VOCALS:  # the balance before paying (sunoapi.org)
            layout.addWidget(CreditsRow(engine_name))
        for spec in FIELDS[operation]:
            widget = FieldWidget(spec)
            widget.edited.connect(self.edited)
            self.fields[spec.name] = widget
            layout.addWidget(widget)
        layout.addStretch(1)

    def values(self) -> dict[str, Any]:
        values = {name: widget.value() for name, widget in self.fields.items()}
        if self.voice_picker is not None:
            values["voice_id"] = self.voice_picker.voice_id()
        return values

    def set_values(self, params: dict[str, Any]) -> None:
        for name, widget in self.fields.items():
            if name in params:
                widget.set_value(params[name])
        if self.voice_picker is not None and params.get("voice_id"):
            self.voice_picker.set_voice_id(params["voice_id"])

    def show_problems(self, problems: list[FieldProblem], *, force: bool = False) -> list[FieldProblem]:
        """Mark every field that has a problem; write the sentence under it once the user has edited it
        (or ``force``). Returns the problems not written under a field, for the form's summary: those of
        no field here, and those of fields still untouched (a fresh form should invite, not scold)."""
        by_field: dict[str, str] = {}
        for problem in problems:
            by_field.setdefault(problem.field, problem.message)
        shown: set[str] = set()
        for name, widget in self.fields.items():
            message = by_field.get(name)
            written = message if (widget.touched or force) else None
            widget.show_error(written, problem=message)
            if written:
                shown.add(name)
        if self.voice_picker is not None:
            message = by_field.get("voice_id")
            self.voice_picker.show_error(message if force else None, problem=message)
            if message and force:
                shown.add("voice_id")
        return [p for p in problems if p.field not in shown]

    def missing_names(self, problems: list[FieldProblem]) -> dict[str, str]:
        """{field: short name} of the required fields still empty among ``problems``, in form order."""
        fields = {p.field for p in problems}
        names = {}
        if self.voice_picker is not None and "voice_id" in fields and not self.voice_picker.voice_id():
            names["voice_id"] = "Voice"
        for name, widget in self.fields.items():
            if name in fields and widget.is_missing():
                names[name] = widget.short_name
        return names

    def focus_first_problem(self) -> QWidget | None:
        """Put the cursor in the first field (top-down) that still has a problem; returns that field."""
        if self.voice_picker is not None and self.voice_picker.problem:
            self.voice_picker.list.setFocus(Qt.FocusReason.OtherFocusReason)
            return self.voice_picker
        for widget in self.fields.values():
            if widget.problem:
                widget.focus_input()
                return widget
        return None
