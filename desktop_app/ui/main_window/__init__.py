"""The main window package: window, actions, menus, status bar and the editor controller."""

from desktop_app.ui.main_window.window import MainWindow

__all__ = ["MainWindow"]
