"""Export the working version, the original or any take, with provenance; never overwrite unasked.

The dialog remembers the last format (with its bit depth) and folder in the settings, across restarts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from desktop_app.audio.export import EXPORT_FORMATS, sidecar_path
from desktop_app.services.settings import Options, Settings
from desktop_app.ui.widgets import guard_wheel

SUFFIXES = {"." + fmt for fmt, _subtype, _label in EXPORT_FORMATS.values()}


class ExportDialog(QDialog):
    """Pick what to export, the format and the file; ``accepted`` means the user confirmed any overwrite."""

    def __init__(
        self,
        sources: list[tuple[str, str]],
        selected: str,
        folder: Path,
        stem: str,
        parent=None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)
        self.settings = settings
        if settings is not None and settings.get(Options.export_folder):
            remembered = Path(settings.get(Options.export_folder))
            folder = remembered if remembered.is_dir() else folder
        form = QFormLayout(self)
        self.source = QComboBox()
        for key, label in sources:
            self.source.addItem(label, key)
        self.source.setCurrentIndex(max(0, self.source.findData(selected)))
        form.addRow("What", self.source)
        self.format = QComboBox()
        for key, (_fmt, _subtype, label) in EXPORT_FORMATS.items():
            self.format.addItem(label, key)
        remembered_format = settings.get(Options.export_format) if settings is not None else "wav24"
        index = self.format.findData(remembered_format)
        self.format.setCurrentIndex(index if index >= 0 else self.format.findData("wav24"))
        form.addRow("Format", self.format)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)  # level with the "File" label
        self.path = QLineEdit(str(folder / stem))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        form.addRow("File", holder)
        note = QLabel(
            "A .json sidecar beside it records the job's engine, operation, prompt and parameters, "
            "and every take spliced into the song (which take, which job, where)."
        )
        note.setWordWrap(True)
        note.setObjectName("hintLabel")
        form.addRow(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._fix_suffix)
        self._fix_suffix()
        self.overwrite = False
        guard_wheel(self)

    def source_key(self) -> str:
        return self.source.currentData()

    def format_key(self) -> str:
        return self.format.currentData()

    def target(self) -> Path:
        return Path(self.path.text()).expanduser()

    def _suffix(self) -> str:
        return "." + EXPORT_FORMATS[self.format_key()][0]

    def _fix_suffix(self) -> None:
        path = self.target()
        if path.suffix.lower() in SUFFIXES:
            path = path.with_suffix("")
        self.path.setText(str(path) + self._suffix())

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export to", str(self.target()), f"Audio (*{self._suffix()})")
        if chosen:
            self.path.setText(chosen)
            self._fix_suffix()

    def accept(self) -> None:
        path = self.target()
        existing = [p for p in (path, sidecar_path(path)) if p.exists()]
        if existing:
            answer = QMessageBox.question(
                self,
                "Replace the file?",
                f"{path.name} already exists in {path.parent}. Replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.overwrite = True
        if not path.parent.is_dir():
            QMessageBox.warning(self, "No such folder", f"The folder {path.parent} does not exist.")
            return
        if self.settings is not None:  # the next export starts from the same habits
            self.settings.set(Options.export_format, self.format_key())
            self.settings.set(Options.export_folder, str(path.parent))
            self.settings.sync()
        super().accept()
