"""Choose the engine and store API keys (in the system keyring; an explicit fallback when there is none).

:class:`CreditsRow` shows a sunoapi.org balance (``GET /api/v1/generate/credit``) on request: in this
dialog, and beside the add-vocals form.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.api.engines import EngineKind, EngineSpec, parse_engine
from desktop_app.api.errors import ServiceError
from desktop_app.api.keys import KeySource, KeyStore
from desktop_app.services.settings import Options, Settings
from desktop_app.services.tasks import Tasks

_KEYED = (("musicgpt", "MusicGPT API key"), ("sunoapi", "sunoapi.org API key"))


class CreditsRow(QWidget):
    """A "sunoapi.org balance: … [Check]" line. ``fetch`` blocks (it runs on a task's thread) and returns the
    balance; ``engine_name`` says which engine the balance is for ("local" needs none)."""

    def __init__(self, engine_name: Callable[[], str], fetch: Callable[[str], float] | None = None) -> None:
        super().__init__()
        self._engine_name = engine_name
        self._fetch = fetch or _fetch_balance
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("sunoapi.org balance: not checked")
        self.label.setObjectName("creditsLabel")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.button = QPushButton("Check")
        self.button.setObjectName("checkCredits")
        self.button.clicked.connect(self.check)
        layout.addWidget(self.button)
        self._tasks = Tasks("credits", self)

    def check(self) -> None:
        from desktop_app.api.engines import EngineKind, parse_engine

        try:
            engine = self._engine_name()
            kind = parse_engine(engine).kind
            local = kind is EngineKind.LOCAL
            engine = "sunoapi" if kind is EngineKind.MUSICGPT else engine  # the balance is sunoapi.org's
        except ServiceError as error:
            self._show(str(error))
            return
        if local:
            self._show("Local engine: nothing to pay.")
            return
        self.button.setEnabled(False)
        self.label.setText("sunoapi.org balance: asking…")
        # The answer arrives on the GUI thread; closing the row drops it, and quitting joins the request.
        self._tasks.start(lambda _task: self._ask(engine), key="balance", on_result=self._show)

    def _ask(self, engine: str) -> str:
        try:
            balance = self._fetch(engine)
        except (ServiceError, ValueError) as error:
            return f"Balance unknown: {error}"
        amount = f"{balance:,.0f}" if balance == int(balance) else f"{balance:,.2f}"
        return f"sunoapi.org balance: {amount} credits"

    def _show(self, text: str) -> None:
        self.label.setText(text)
        self.button.setEnabled(True)


def _fetch_balance(engine: str) -> float:
    from desktop_app.jobs.clients import sunoapi_balance

    return sunoapi_balance(engine)


def _dialog_balance(engine: str, keys: KeyStore) -> float:
    from desktop_app.jobs.clients import sunoapi_balance

    return sunoapi_balance(engine, key_store=keys)


class EngineDialog(QDialog):
    def __init__(self, settings: Settings, keys: KeyStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Engines and API keys")
        self.setMinimumWidth(520)
        self.settings, self.keys = settings, keys
        layout = QVBoxLayout(self)
        choice = QGroupBox("Send jobs to")
        choice_layout = QVBoxLayout(choice)
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        for value, text in (
            ("local", "Local engine — on this computer, offline, no credits"),
            ("musicgpt", "MusicGPT — inpaint, extend, remix, sing over, cover"),
            ("sunoapi", "sunoapi.org — add vocals"),
            ("custom", "Another server speaking the same API:"),
        ):
            radio = QRadioButton(text)
            radio.setObjectName(f"engine_{value}")
            self.group.addButton(radio)
            self.radios[value] = radio
            choice_layout.addWidget(radio)
        self.custom_url = QLineEdit()
        self.custom_url.setPlaceholderText("https://my-server.example/  (http:// only for this computer)")
        choice_layout.addWidget(self.custom_url)
        layout.addWidget(choice)

        key_box = QGroupBox("API keys")
        form = QFormLayout(key_box)
        self.key_edits: dict[str, QLineEdit] = {}
        for name, label in _KEYED:
            edit = QLineEdit()
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            stored = keys.get(name)
            edit.setPlaceholderText(f"stored ({stored.source.value})" if stored else "not set")
            form.addRow(label, edit)
            self.key_edits[name] = edit
        self.custom_key = QLineEdit()
        self.custom_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.custom_key.setPlaceholderText("for the other server, if it needs one")
        form.addRow("Other server's key", self.custom_key)
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setObjectName("keyringNote")
        form.addRow(self.keyring_note)
        self.file_opt_in = QCheckBox("Keep keys in a file only I can read (not encrypted)")
        form.addRow(self.file_opt_in)
        # MusicGPT shows its estimate and cost per job; sunoapi.org has a balance to look at first.
        self.credits = CreditsRow(lambda: self.chosen_engine() if self.radios["custom"].isChecked() else "sunoapi",
                                  lambda engine: _dialog_balance(engine, keys))  # fmt: skip
        form.addRow(self.credits)
        layout.addWidget(key_box)
        self._describe_keyring()

        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._load()

    def _describe_keyring(self) -> None:
        if KeyStore.keyring_usable():
            self.keyring_note.setText("Keys are stored in your system keyring, never in settings or logs.")
            self.file_opt_in.hide()
            return
        where = self.keys.file_fallback
        self.keyring_note.setText(
            "No system keyring was found. Keys you enter are kept for this session only"
            + (
                f", unless you tick the box below to keep them in {where} (readable only by you, not encrypted)."
                if where
                else "."
            )
        )
        self.file_opt_in.setVisible(where is not None)

    def _load(self) -> None:
        current = self.settings.get(Options.engine)
        try:
            spec = parse_engine(current)
        except ServiceError:
            spec = EngineSpec(EngineKind.LOCAL)
        self.radios["custom" if spec.kind is EngineKind.CUSTOM else spec.kind.value].setChecked(True)
        self.custom_url.setText(spec.url or self.settings.get(Options.custom_engine_url))

    def chosen_engine(self) -> str:
        for value, radio in self.radios.items():
            if radio.isChecked():
                return self.custom_url.text().strip() if value == "custom" else value
        return "local"

    def accept(self) -> None:
        engine = self.chosen_engine()
        try:
            spec = parse_engine(engine)
        except ServiceError as error:
            self.error.setText(str(error))
            self.error.show()
            return
        prefer = KeySource.FILE if self.file_opt_in.isChecked() else KeySource.KEYRING
        for name, edit in self.key_edits.items():
            value = edit.text().strip()
            if value:
                self.keys.set(name, value, prefer=prefer)
        if spec.kind is EngineKind.CUSTOM and self.custom_key.text().strip():
            self.keys.set(spec.keyring_name, self.custom_key.text().strip(), prefer=prefer)
        self.settings.set(Options.engine, spec.name)
        if spec.kind is EngineKind.CUSTOM:
            self.settings.set(Options.custom_engine_url, spec.url or "")
        super().accept()
