"""Pick a cover voice from the engine's list, with search."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop_app.services.voices import VoiceLoader
from desktop_app.ui.jobs.fields import problem_mark, show_mark


class VoicePicker(QWidget):
    changed = Signal()

    def __init__(self, loader: VoiceLoader, engine_name, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self._engine_name = engine_name  # a callable: the engine chosen now
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        title = QLabel("Voice *")
        title.setObjectName("fieldLabel")
        header.addWidget(title)
        self.mark = problem_mark()
        header.addWidget(self.mark)
        header.addStretch(1)
        layout.addLayout(header)
        self.problem: str | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search voices…")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.setObjectName("field_voice_id")
        self.list.setMinimumHeight(120)
        # Long names end in "…" (whole name and id in the tooltip) instead of a sideways scroll bar.
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setWordWrap(False)
        layout.addWidget(self.list)
        self.status = QLabel("Voices load when you open this form.")
        self.status.setObjectName("fieldCounter")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.hide()
        layout.addWidget(self.error)
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.list.currentItemChanged.connect(lambda *_: self.changed.emit())
        loader.loaded.connect(self._on_loaded)
        loader.failed.connect(self._on_failed)
        self._selected: str | None = None

    def refresh(self) -> None:
        self.status.setText("Loading voices…")
        self.loader.fetch(self._engine_name(), self.search.text())

    def voice_id(self) -> str:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def set_voice_id(self, voice_id: str) -> None:
        self._selected = voice_id
        self._select(voice_id)

    def show_error(self, message: str | None, *, problem: str | None = None) -> None:
        self.problem = problem if problem is not None else message
        show_mark(self.mark, self.problem)
        self.error.setText(message or "")
        self.error.setVisible(bool(message))

    def _select(self, voice_id: str | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == voice_id:
                self.list.setCurrentRow(row)
                return

    def _on_loaded(self, query: str, voices: list) -> None:
        keep = self.voice_id() or self._selected
        self.list.clear()
        for voice in voices:
            name = voice.get("voice_name") or voice["voice_id"]
            item = QListWidgetItem(name if name == voice["voice_id"] else f"{name}  ·  {voice['voice_id']}")
            item.setToolTip(item.text())
            item.setData(Qt.ItemDataRole.UserRole, voice["voice_id"])
            self.list.addItem(item)
        self._select(keep)
        found = f"{len(voices)} voice{'s' if len(voices) != 1 else ''}"
        self.status.setText(f"{found} matching “{query}”" if query else found)

    def _on_failed(self, _query: str, message: str) -> None:
        self.status.setText(message)
