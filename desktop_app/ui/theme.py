"""The dark theme: Fusion with a dark palette (for what QSS does not reach) plus resources/style/dark.qss."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.paths import resources_dir

log = logging.getLogger(__name__)
_APPLIED = "retake_theme_applied"


def apply_theme(app: QApplication) -> None:
    """Idempotent: the window applies it, so the GUI, tests and screenshots all look the same."""
    if app.property(_APPLIED):
        return
    app.setStyle("Fusion")
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#14171b"),
        (QPalette.ColorRole.WindowText, "#d5dbe1"),
        (QPalette.ColorRole.Base, "#0f1215"),
        (QPalette.ColorRole.AlternateBase, "#1a1e23"),
        (QPalette.ColorRole.Text, "#e6ebf0"),
        (QPalette.ColorRole.Button, "#262c33"),
        (QPalette.ColorRole.ButtonText, "#d5dbe1"),
        (QPalette.ColorRole.Highlight, "#2f6f66"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, "#262c33"),
        (QPalette.ColorRole.ToolTipText, "#e6ebf0"),
        (QPalette.ColorRole.PlaceholderText, "#5d6772"),
    ):
        palette.setColor(role, QColor(color))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#5d6772"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#5d6772"))
    app.setPalette(palette)
    sheet = resources_dir() / "style" / "dark.qss"
    try:
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))
    except OSError:
        log.warning("style sheet missing: %s", sheet)
    app.setProperty(_APPLIED, True)
