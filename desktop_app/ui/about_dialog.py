"""Help ▸ About Retake: version, build, engine, Python and Qt, and a "Licences" tab with the notices."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.about import LICENCE_SUMMARY, QT_RELINK_NOTE, AboutFacts, about_facts, notices_text


class AboutDialog(QDialog):
    def __init__(self, facts: AboutFacts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.setMinimumSize(640, 480)
        self.facts = facts
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._about_tab(), "About")
        self.tabs.addTab(self._licences_tab(), "Licences")
        layout.addWidget(self.tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _about_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        title = QLabel(f"<h2>{APP_NAME} {self.facts.version}</h2>")
        layout.addWidget(title)
        layout.addWidget(QLabel("Select bars of a song, have an AI service redo them, compare takes, splice."))
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for label, value in self.facts.lines()[1:]:
            field = QLabel(value)
            field.setObjectName(f"about_{label.lower()}")
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[label] = field
            form.addRow(f"{label}:", field)
        layout.addLayout(form)
        for text in (LICENCE_SUMMARY, QT_RELINK_NOTE):
            note = QLabel(text)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _licences_tab(self) -> QWidget:
        self.licences = QPlainTextEdit()
        self.licences.setObjectName("aboutLicences")
        self.licences.setReadOnly(True)
        self.licences.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.licences.setFont(font)
        self.licences.setPlainText(notices_text())
        return self.licences


def show_about(window: QWidget) -> AboutDialog:
    """Open the About box for ``window``, naming the engine its settings choose."""
    engine = None
    settings = getattr(window, "settings", None)
    if settings is not None:
        from desktop_app.api.engines import parse_engine
        from desktop_app.api.errors import ServiceError
        from desktop_app.services.settings import Options

        try:
            engine = parse_engine(settings.get(Options.engine) or "local").label
        except ServiceError:
            engine = None  # about_facts names the invalid choice itself
    dialog = AboutDialog(about_facts(engine), window)
    dialog.open()
    return dialog
