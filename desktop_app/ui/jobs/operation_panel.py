"""The operation forms: choose what to do with the song, fill in the service's fields, send it.

Every edit re-checks the request with the service's own rules (``request.problems``) and shows
each problem under the field that caused it; the send button stays off until nothing is wrong,
so nothing the service would refuse is ever sent.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.api.engines import parse_engine
from desktop_app.api.errors import FieldProblem, ServiceError
from desktop_app.api.models import REQUEST_TYPES, Operation, ServiceRequest
from desktop_app.services.document import Document
from desktop_app.services.voices import VoiceLoader
from desktop_app.services.working_version import current_audio_file
from desktop_app.ui.jobs.engine_dialog import CreditsRow
from desktop_app.ui.jobs.fields import FieldWidget
from desktop_app.ui.jobs.specs import FIELDS, OPERATION_ORDER, SUBMIT_LABELS, extend_point
from desktop_app.ui.jobs.voice_picker import VoicePicker
from desktop_app.ui.waveform.timefmt import format_time


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
        """Show each problem under its field once the user has edited it (or ``force``).

        Returns the problems not shown under a field: those of no field here, and those of
        fields still untouched (a fresh form should invite, not scold).
        """
        by_field: dict[str, str] = {}
        for problem in problems:
            by_field.setdefault(problem.field, problem.message)
        shown: set[str] = set()
        for name, widget in self.fields.items():
            message = by_field.get(name) if (widget.touched or force) else None
            widget.show_error(message)
            if message:
                shown.add(name)
        if self.voice_picker is not None:
            message = by_field.get("voice_id")
            self.voice_picker.show_error(message if force else None)
            if message and force:
                shown.add("voice_id")
        return [p for p in problems if p.field not in shown]


class OperationPanel(QWidget):
    """Operation selector, the form of the chosen operation, and the send button."""

    submit_requested = Signal(object)  # a checked ServiceRequest
    engine_settings_requested = Signal()

    def __init__(self, document: Document, voice_loader: VoiceLoader | None, engine_name, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self._engine_name = engine_name
        self.setMinimumWidth(310)  # labels and the engine line stay readable
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.operation_box = QComboBox()
        self.operation_box.setObjectName("operationBox")
        for op in OPERATION_ORDER:
            self.operation_box.addItem(op.label, op.value)
        header.addWidget(self.operation_box, 1)
        layout.addLayout(header)
        engine_row = QHBoxLayout()
        self.engine_label = QLabel()
        self.engine_label.setObjectName("engineLabel")
        self.engine_label.setWordWrap(True)
        engine_row.addWidget(self.engine_label, 1)
        change = QPushButton("Engine…")
        change.clicked.connect(self.engine_settings_requested)
        engine_row.addWidget(change)
        layout.addLayout(engine_row)
        self.target_label = QLabel()
        self.target_label.setObjectName("targetLabel")
        self.target_label.setWordWrap(True)
        layout.addWidget(self.target_label)
        self.stack = QStackedWidget()
        self.forms: dict[Operation, OperationForm] = {}
        for op in OPERATION_ORDER:
            form = OperationForm(op, voice_loader, engine_name)
            form.edited.connect(self.validate)
            self.forms[op] = form
            self.stack.addWidget(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.stack)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(scroll, 1)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("formSummary")
        self.problem_label.setWordWrap(True)
        layout.addWidget(self.problem_label)
        self.submit_button = QPushButton()
        self.submit_button.setObjectName("primaryButton")
        self.submit_button.clicked.connect(self._submit)
        layout.addWidget(self.submit_button)
        self.operation_box.currentIndexChanged.connect(self._operation_changed)
        document.clip_changed.connect(self.validate)
        document.region.changed.connect(self.validate)
        self._operation_changed()

    # ------------------------------------------------------------------------------------ state
    @property
    def operation(self) -> Operation:
        return Operation(self.operation_box.currentData())

    def set_operation(self, operation: Operation) -> None:
        self.operation_box.setCurrentIndex(self.operation_box.findData(operation.value))

    def load_params(self, operation: Operation, params: dict[str, Any]) -> None:
        """Send a take's parameters back to the form for another try (the region too, for inpaint)."""
        self.set_operation(operation)
        self.forms[operation].set_values(params)
        if operation is Operation.INPAINT and "replace_start_at" in params and self.document.clip is not None:
            self.document.region.set_range(float(params["replace_start_at"]), float(params["replace_end_at"]))
        self.validate()

    def refresh_engine(self) -> None:
        try:
            label = parse_engine(self._engine_name()).label
        except ServiceError:  # e.g. http:// off this machine in a hand-edited settings file: validate() says why
            label = "not usable"
        self.engine_label.setText(f"Engine: <b>{label}</b>")
        self.validate()

    def request(self) -> ServiceRequest:
        """The request the form describes now (not yet checked)."""
        op = self.operation
        values = self.forms[op].values()
        # After a splice the producer hears the working version: that is what the service must get.
        values["audio_file"] = current_audio_file(self.document) if self.document.clip is not None else None
        if op is Operation.INPAINT:
            bounds = self.document.region.bounds()
            start, end = bounds if bounds else (0.0, 0.0)
            values["replace_start_at"], values["replace_end_at"] = round(start, 3), round(end, 3)
        if op is Operation.EXTEND:
            values["extend_after"] = extend_point(self.document.region.bounds()) or 0.0
        return REQUEST_TYPES[op](**{k: v for k, v in values.items() if v is not None})

    def problems(self) -> list[FieldProblem]:
        if self.document.clip is None:
            return [FieldProblem("audio", "Open a song first (File ▸ Open…).")]
        problems: list[FieldProblem] = []
        try:
            parse_engine(self._engine_name()).require(self.operation)
        except ServiceError as error:
            problems.append(FieldProblem("engine", str(error)))
        if self.operation is Operation.INPAINT and self.document.region.is_empty:
            problems.append(FieldProblem("region", "Drag over the bars you want redone to select them."))
            return problems
        if self.operation is Operation.EXTEND and self.document.region.is_empty:
            problems.append(FieldProblem("region", "Select up to where the song stays; it goes on from there."))
            return problems
        return problems + self.request().problems(self.document.duration)

    # ---------------------------------------------------------------------------------- actions
    def validate(self) -> bool:
        self._update_target()
        problems = self.problems()
        leftovers = self.forms[self.operation].show_problems(problems)
        self.problem_label.setText("\n".join(dict.fromkeys(p.message for p in leftovers)))
        self.problem_label.setVisible(bool(leftovers))
        self.submit_button.setEnabled(not problems)
        return not problems

    def _submit(self) -> None:
        if self.validate():
            self.submit_requested.emit(self.request())

    def _operation_changed(self) -> None:
        op = self.operation
        self.stack.setCurrentWidget(self.forms[op])
        self.submit_button.setText(SUBMIT_LABELS[op])
        picker = self.forms[op].voice_picker
        if picker is not None and picker.list.count() == 0:
            picker.refresh()
        self.refresh_engine()

    def _update_target(self) -> None:
        if self.document.clip is None:
            self.target_label.setText("No song open.")
            return
        name = self.document.path.name if self.document.path else "the song"
        if self.operation is Operation.INPAINT:
            bounds = self.document.region.bounds()
            if bounds:
                start, end = bounds
                text = f"Redo {format_time(start)} – {format_time(end)} ({end - start:.2f} s) of {name}"
            else:
                text = f"Select the bars to redo in {name}."
        elif self.operation is Operation.EXTEND:
            point = extend_point(self.document.region.bounds())
            text = f"Extend {name} from {format_time(point)}" if point else f"Select up to where {name} stays."
        else:
            text = f"Whole track: {name} ({format_time(self.document.duration)})"
        self.target_label.setText(text)
