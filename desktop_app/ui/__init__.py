"""Widgets: they wire signals and draw; state lives in models and services."""

# Before any widget code runs: see services/qt_guard.py (PySide6 6.12.0 on Python 3.11 aborts otherwise).
from desktop_app.services import qt_guard as _qt_guard  # noqa: F401
