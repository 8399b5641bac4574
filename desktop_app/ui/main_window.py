"""The main window shell (the editor issue fills it in)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow

from desktop_app import APP_NAME


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self.setCentralWidget(QLabel("Open a song with File ▸ Open…"))
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction("&Quit", self.close)
        self.statusBar().showMessage("Ready")

    def open_file(self, path: str) -> None:
        self.statusBar().showMessage(path)
