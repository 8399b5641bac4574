"""Unexpected exceptions: log them, then show one dialog with the traceback and the log path."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.api.redact import redact
from desktop_app.logging_setup import log_file

log = logging.getLogger("retake.crash")
_dialog_open = False


def install_exception_hooks(*, show_dialog: bool) -> None:
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("Unhandled exception", exc_info=(exc_type, exc, tb))
        if show_dialog:  # the details are copied into bug reports: no API keys in them
            _show_dialog(redact("".join(traceback.format_exception(exc_type, exc, tb))))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.critical(
            "Unhandled exception in thread %s",
            args.thread,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    sys.excepthook = hook
    threading.excepthook = thread_hook


def _show_dialog(details: str) -> None:
    global _dialog_open
    # A failing timer could raise every few ms: one dialog at a time.
    if _dialog_open or QApplication.instance() is None:
        return
    _dialog_open = True
    try:
        box = QMessageBox(QMessageBox.Icon.Critical, "Retake ran into a problem", "Something unexpected went wrong.")
        box.setInformativeText(f"Your work is not lost. Details were written to:\n{log_file()}")
        box.setDetailedText(details)
        box.exec()
    finally:
        _dialog_open = False


def route_qt_messages() -> None:
    """Send Qt's own warnings into our log file instead of stderr."""
    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(mode: QtMsgType, context, message: str) -> None:
        if "propagateSizeHints" in message:
            return  # harmless offscreen-platform chatter
        qt_log.log(levels.get(mode, logging.INFO), message)

    qInstallMessageHandler(handler)
