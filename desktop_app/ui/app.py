"""Start the GUI: QApplication, logging, crash hooks, settings, the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow


def _skip_pyside_feature_scan() -> None:
    """Put Python's own ``__import__`` back in place of PySide's.

    PySide replaces ``__import__`` to support ``from __feature__ import snake_case``; after every
    import its hook reads the imported module's whole source to see whether it mentions PySide6
    (PYSIDE-2029), which costs about half a second of the app's start-up. Retake uses no
    ``__feature__`` (a test checks), and without a feature selected every module behaves the same.
    """
    import builtins

    original = getattr(builtins, "__orig_import__", None)
    if original is not None:
        builtins.__import__ = original


_skip_pyside_feature_scan()  # before anything else is imported: each import after PySide6 was scanned

from desktop_app import APP_NAME, __version__  # noqa: E402
from desktop_app.logging_setup import setup_logging  # noqa: E402
from desktop_app.paths import demo_song, resources_dir  # noqa: E402

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    icon = resources_dir() / "icons" / "retake.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def run_gui(args: argparse.Namespace) -> int:
    from desktop_app.ui.crash import install_exception_hooks, route_qt_messages
    from desktop_app.ui.responsiveness import start_gui_process

    start_gui_process()

    setup_logging()
    from desktop_app.api.redact import install_log_redaction

    install_log_redaction()  # API keys never reach the log file, whatever logs them
    no_dialog = args.no_crash_dialog or bool(os.environ.get("RETAKE_NO_CRASH_DIALOG"))
    install_exception_hooks(show_dialog=not no_dialog)
    path = args.file or (str(demo_song()) if args.demo and demo_song().exists() else None)
    if path:
        from desktop_app.audio.opening import prefetch

        prefetch(path)  # decode while Qt starts and the window is built; the window's loader adopts it
    app = create_application()
    route_qt_messages()

    window = show_main_window(path)  # held here: the only reference while the loop runs
    from desktop_app.ui.stop_signals import close_on_stop_signals

    restore_signals = close_on_stop_signals(window)  # a logout or Ctrl+C closes it as the producer would
    log.info("Init finished, entering the main loop")
    code = app.exec()
    restore_signals()
    from desktop_app.services.tasks import shutdown_all

    if not shutdown_all():  # the window joined its own work when it closed: this is the last net
        log.warning("background work still running at exit; Python waits for it")
    log.info("Main loop ended (%s)", window.objectName() or "main window")
    return code


def show_main_window(path: str | None = None) -> QMainWindow:
    """Build and show the one main window, then set the interpreter up for it (ui/responsiveness.py):
    done here, once per process, not by the window, so a test process building hundreds keeps defaults."""
    from desktop_app.ui.main_window import MainWindow
    from desktop_app.ui.responsiveness import keep_event_loop_responsive

    window = MainWindow()
    window.show()
    if path:
        window.open_file(path)
    keep_event_loop_responsive()
    return window
