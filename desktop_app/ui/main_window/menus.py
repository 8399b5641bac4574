"""Menus and the toolbar, built from :class:`WindowActions`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from desktop_app.ui.about_dialog import show_about
from desktop_app.ui.main_window.actions import WindowActions


def build_menus(window: QMainWindow, actions: WindowActions) -> QMenu:
    """Create File, Edit, View, Transport and Help; returns the (empty) Open Recent menu to fill."""
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions.open)
    recent = file_menu.addMenu("Open &Recent")
    recent.setObjectName("recentMenu")
    file_menu.addSeparator()
    file_menu.addAction(actions.export)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)

    edit = bar.addMenu("&Edit")
    edit.addActions([actions.undo, actions.redo])
    edit.addSeparator()
    edit.addActions([actions.select_all, actions.clear_selection])
    edit.addSeparator()
    edit.addActions([actions.nudge_left, actions.nudge_right, actions.nudge_left_fine, actions.nudge_right_fine])
    edit.addSeparator()
    edit.addActions([actions.snap_grid, actions.snap_zero])
    edit.addSeparator()
    edit.addAction(actions.extend_here)

    view = bar.addMenu("&View")
    view.addActions([actions.zoom_in, actions.zoom_out, actions.zoom_selection, actions.zoom_fit])
    view.setObjectName("viewMenu")

    transport = bar.addMenu("&Transport")
    transport.addActions([actions.play, actions.stop])
    transport.addSeparator()
    transport.addActions([actions.loop, actions.seams])
    transport.addSeparator()
    transport.addActions([actions.go_start, actions.go_end])

    about = bar.addMenu("&Help").addAction("&About Retake")
    about.setObjectName("aboutAction")
    about.triggered.connect(lambda: show_about(window))
    return recent


def build_toolbar(window: QMainWindow, actions: WindowActions) -> QToolBar:
    toolbar = QToolBar("Transport", window)
    toolbar.setObjectName("transportToolbar")
    toolbar.setIconSize(QSize(18, 18))
    toolbar.setMovable(False)
    toolbar.addAction(actions.open)
    toolbar.addSeparator()
    toolbar.addActions([actions.go_start, actions.play, actions.stop, actions.go_end])
    toolbar.addSeparator()
    toolbar.addActions([actions.loop, actions.seams])
    toolbar.addSeparator()
    toolbar.addActions([actions.zoom_in, actions.zoom_out])
    for action, text in ((actions.zoom_selection, "Sel"), (actions.zoom_fit, "Fit")):
        action.setIconText(text)
        toolbar.addAction(action)
    toolbar.addSeparator()
    actions.snap_grid.setIconText("Snap beats")
    actions.snap_zero.setIconText("Snap zero")
    toolbar.addActions([actions.snap_grid, actions.snap_zero])
    window.addToolBar(toolbar)
    return toolbar


def fill_recent_menu(menu: QMenu, paths: list[str], open_file: Callable[[str], None]) -> None:
    menu.clear()
    for i, path in enumerate(paths):
        label = f"&{i + 1}  {Path(path).name}" if i < 9 else Path(path).name
        action = menu.addAction(label)
        action.setToolTip(path)
        action.setStatusTip(path)
        action.triggered.connect(lambda _=False, p=path: open_file(p))
    menu.setEnabled(bool(paths))
