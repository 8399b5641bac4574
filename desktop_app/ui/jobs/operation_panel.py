"""The operation forms: choose what to do with the song, fill in the service's fields, send it.

Every edit re-checks the request with the service's own rules (``request.problems``) and shows
each problem under the field that caused it; the send button stays off until nothing is wrong,
so nothing the service would refuse is ever sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.api.engines import EngineKind, EngineSpec, parse_engine
from desktop_app.api.errors import FieldProblem, ServiceError
from desktop_app.api.models import REQUEST_TYPES, ServiceRequest
from desktop_app.api.operations import Operation
from desktop_app.services.document import Document
from desktop_app.services.settings import Options, Settings
from desktop_app.services.voices import VoiceLoader
from desktop_app.services.working_version import current_audio_file
from desktop_app.timefmt import format_time
from desktop_app.ui.jobs.operation_form import OperationForm
from desktop_app.ui.jobs.specs import OPERATION_ORDER, SUBMIT_LABELS, extend_point
from desktop_app.ui.widgets import ElidedLabel

# The engines that charge credits. A custom engine is most often one's own server: it is not asked about.
PAID_ENGINES = (EngineKind.MUSICGPT, EngineKind.SUNOAPI)
# Problems of these fields belong to the selection on the waveform, not to a field of the form.
EXTEND_HINT = "Select up to where the song stays, or put the playhead there: Edit ▸ Extend from here (Ctrl+Alt+E)."
_REGION_FIELDS = ("region", "replace_start_at", "replace_end_at", "extend_after")
CreditHint = Callable[[Operation, str], float | None]  # (operation, engine name) -> likely credits per take


class OperationPanel(QWidget):
    """Operation selector, the form of the chosen operation, and the send button."""

    submit_requested = Signal(object)  # a checked ServiceRequest
    engine_settings_requested = Signal()

    def __init__(
        self,
        document: Document,
        voice_loader: VoiceLoader | None,
        engine_name,
        parent=None,
        *,
        settings: Settings | None = None,
        credit_hint: CreditHint | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self._playhead_point: float | None = None  # "Extend from here" without a selection: where it goes on
        self._engine_name = engine_name
        self.settings = settings
        self.credit_hint = credit_hint
        self._credits: dict[tuple[Operation, str], float | None] = {}
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
        self.target_label = ElidedLabel()
        self.target_label.setObjectName("targetLabel")
        layout.addWidget(self.target_label)
        # Only the chosen form is shown (the others hidden, not stacked), so the scroll range is that
        # form's own height: no blank area below a short form such as Cover.
        self.stack = QWidget()
        stack_layout = QVBoxLayout(self.stack)
        stack_layout.setContentsMargins(0, 0, 0, 0)
        self.forms: dict[Operation, OperationForm] = {}
        for op in OPERATION_ORDER:
            form = OperationForm(op, voice_loader, engine_name)
            form.edited.connect(self.validate)
            form.hide()
            self.forms[op] = form
            stack_layout.addWidget(form)
        stack_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("operationFormScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.stack)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        self.problem_label = QLabel()
        self.problem_label.setObjectName("formSummary")
        self.problem_label.setWordWrap(True)
        layout.addWidget(self.problem_label)
        self.submit_button = QPushButton()
        self.submit_button.setObjectName("primaryButton")
        self.submit_button.clicked.connect(self._submit)
        layout.addWidget(self.submit_button)
        self._shown: OperationForm | None = None
        self.operation_box.currentIndexChanged.connect(self._operation_changed)
        document.clip_changed.connect(self._clip_changed)
        document.region.changed.connect(self.validate)
        self._operation_changed(focus=False)  # at start the waveform keeps the keyboard (Space plays)

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
        self._credits.clear()  # a new engine, or jobs have ended since: look the prices up again
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
            values["extend_after"] = self.extend_after() or 0.0
        return REQUEST_TYPES[op](**{k: v for k, v in values.items() if v is not None})

    def problems(self) -> list[FieldProblem]:
        if self.document.clip is None:
            return [FieldProblem("audio", "Open a song first (File ▸ Open…).")]
        problems: list[FieldProblem] = []
        try:
            parse_engine(self._engine_name()).require(self.operation)
        except ServiceError as error:
            problems.append(FieldProblem("engine", str(error)))
        request_problems = self.request().problems(self.document.duration)
        if self.operation is Operation.INPAINT and self.document.region.is_empty:
            problems.append(FieldProblem("region", "Drag over the bars you want redone to select them."))
            request_problems = [p for p in request_problems if p.field not in _REGION_FIELDS]
        if self.operation is Operation.EXTEND and self.extend_after() is None:
            problems.append(FieldProblem("region", EXTEND_HINT))
            request_problems = [p for p in request_problems if p.field not in _REGION_FIELDS]
        return problems + request_problems

    # ---------------------------------------------------------------------------------- extend
    def extend_after(self) -> float | None:
        """Where an extension starts: the selection's end, else the playhead "Extend from here" was given."""
        return extend_point(self.document.region.bounds()) or self._playhead_point

    def extend_from(self, seconds: float) -> None:
        """Edit ▸ Extend from here: the extend form, going on from the selection's end or else ``seconds``."""
        self._playhead_point = round(seconds, 3) if seconds > 0 else None
        self.set_operation(Operation.EXTEND)
        self.validate()

    def _clip_changed(self) -> None:
        if not self.document.replacing_audio:  # another song: the point chosen on the last one means nothing
            self._playhead_point = None
        self.validate()

    # ---------------------------------------------------------------------------------- actions
    def validate(self) -> bool:
        self._update_target()
        problems = self.problems()
        form = self.forms[self.operation]
        leftovers = form.show_problems(problems)
        self.problem_label.setText(_summary(leftovers, form.missing_names(leftovers)))
        self.problem_label.setVisible(bool(leftovers))
        self.submit_button.setEnabled(not problems)
        self._update_submit_text()
        return not problems

    def _engine(self) -> EngineSpec | None:
        try:
            return parse_engine(self._engine_name())
        except ServiceError:
            return None

    def credits_hint(self) -> float | None:
        """What the chosen paid engine will likely charge for this operation (None: free or not known)."""
        engine = self._engine()
        if engine is None or engine.kind not in PAID_ENGINES or self.credit_hint is None:
            return None
        key = (self.operation, engine.name)
        if key not in self._credits:  # asked once per operation and engine, not at every keystroke
            self._credits[key] = self.credit_hint(*key)
        per_take = self._credits[key]
        takes = self.forms[self.operation].values().get("num_outputs") or 1  # each take is charged
        return None if per_take is None else per_take * takes

    def _update_submit_text(self) -> None:
        engine = self._engine()
        if engine is None or engine.kind not in PAID_ENGINES:
            text = SUBMIT_LABELS[self.operation]
        else:
            credits = self.credits_hint()
            cost = f"≈{credits:g} credits" if credits is not None else "uses credits"
            text = f"Send to {engine.label} · {cost}"
        self.submit_button.setText(text)
        self.submit_button.setToolTip(f"{SUBMIT_LABELS[self.operation]} ({text})")

    def _submit(self) -> None:
        if self.validate() and self._paid_send_confirmed():
            self.submit_requested.emit(self.request())

    def _paid_send_confirmed(self) -> bool:
        """The first job sent to a paid engine asks once, then never again (remembered in the settings)."""
        engine = self._engine()
        if engine is None or engine.kind not in PAID_ENGINES or self.settings is None:
            return True
        if self.settings.get(Options.paid_send_confirmed):
            return True
        credits = self.credits_hint()
        cost = f"about {credits:g} credits" if credits is not None else "credits from your account"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Send to a paid service?",
            f"{SUBMIT_LABELS[self.operation]} on {engine.label} uses {cost}.",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("paidSendBox")
        box.setInformativeText("The local engine is free and works offline (Engine…).")
        send = box.addButton("Send", QMessageBox.ButtonRole.AcceptRole)
        remember = QCheckBox("Don't ask again")
        remember.setChecked(True)
        box.setCheckBox(remember)
        box.exec()
        if box.clickedButton() is not send:
            return False
        if remember.isChecked():
            self.settings.set(Options.paid_send_confirmed, True)
        return True

    def _operation_changed(self, _index: int = 0, *, focus: bool = True) -> None:
        op = self.operation
        if self._shown is not None:
            self._shown.hide()
        self._shown = self.forms[op]
        self._shown.show()
        picker = self.forms[op].voice_picker
        if picker is not None and picker.list.count() == 0:
            picker.refresh()
        self.refresh_engine()
        # A form reads top-down: from its top, with the cursor in the first field still missing.
        self.scroll.verticalScrollBar().setValue(0)
        if focus:
            field = self._shown.focus_first_problem()
            if field is not None:
                self.scroll.ensureWidgetVisible(field)

    def _update_target(self) -> None:
        if self.document.clip is None:
            self.target_label.setText("No song open.")
            return
        name = self.document.path.name if self.document.path else "the song"
        if self.operation is Operation.INPAINT:
            bounds = self.document.region.bounds()
            if bounds:
                start, end = bounds
                grid = self.document.tempo.grid()
                length = f"{grid.format_length(end - start)} bars" if grid else format_time(end - start)
                text = f"Redo {format_time(start)} – {format_time(end)} ({length}) of {name}"
            else:
                text = f"Select the bars to redo in {name}."
        elif self.operation is Operation.EXTEND:
            point = self.extend_after()
            at = "" if self.document.region.bounds() else " (the playhead)"
            text = f"Extend {name} from {format_time(point)}{at}" if point else f"Select up to where {name} stays."
        else:
            text = f"Whole track: {name} ({format_time(self.document.duration)})"
        self.target_label.setText(text)


def credits_from_history(store) -> CreditHint:
    """A credit hint from the job store: what one take of the same operation cost on the same engine last
    time (the service's charge, else its estimate, over the takes asked for). Services quote a price only
    once a job is sent."""

    def hint(operation: Operation, engine: str) -> float | None:
        for job in store.list_jobs(limit=200):
            if job.operation == operation.value and job.engine == engine:
                value = job.cost if job.cost is not None else job.credit_estimate
                if value is not None:
                    return float(value) / max(1, int(job.params.get("num_outputs") or 1))
        return None

    return hint


def _summary(problems: list[FieldProblem], missing: dict[str, str]) -> str:
    """One compact summary: the sentences of problems no field shows, and the missing fields by name."""
    sentences = [p.message for p in problems if p.field not in missing]
    lines = list(dict.fromkeys(sentences))
    if len(missing) == 1 and not lines:
        lines.append(next(p.message for p in problems if p.field in missing))
    elif missing:
        lines.append("Still needed: " + ", ".join(missing.values()) + ".")
    return "\n".join(lines)
