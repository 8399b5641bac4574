"""Help ▸ About Retake and `retake --version --verbose`: the same facts, the licence terms, the notices."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from desktop_app import __version__, about
from desktop_app.api.engines import parse_engine

ROOT = Path(__file__).resolve().parents[2]


def test_build_description_reads_the_build_info_or_says_development(tmp_path):
    info = tmp_path / "build_info.json"
    assert about.build_description(info) == "development build"
    info.write_text(json.dumps({"built": "2026-12-02T07:00:00Z", "commit": "0123456789abcdef", "dirty": True}))
    assert about.build_description(info) == "2026-12-02T07:00:00Z, commit 0123456789ab with local changes"
    info.write_text("{not json")
    assert about.build_description(info) == "development build"


def test_engine_in_use_reads_what_the_settings_wrote(tmp_path, qapp):
    from desktop_app.services.settings import Options, Settings

    path = tmp_path / "retake.ini"
    assert about.engine_in_use(path) == parse_engine("local").label  # no settings yet: the default
    settings = Settings(str(path))
    settings.set(Options.engine, "musicgpt")
    settings.sync()
    assert about.engine_in_use(path) == parse_engine("musicgpt").label
    path.write_text("[settings]\nengine=ftp://nowhere\n")
    assert "not a valid engine" in about.engine_in_use(path)
    path.write_text("\x00 garbage without a section")
    assert about.engine_in_use(path) == parse_engine("local").label


def test_version_verbose_prints_the_facts_without_loading_qt_widgets():
    code = (
        "import sys; from desktop_app.cli import main; code = main(['--version', '--verbose']); "
        "print('widgets loaded' if 'PySide6.QtWidgets' in sys.modules else 'no widgets'); sys.exit(code)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith(f"retake {__version__}\n")
    for label in ("Build", "Engine", "Python", "Qt", "Notices"):
        assert f"  {label} " in out
    words = " ".join(out.split())  # the notes are wrapped for the terminal
    assert "development build" in words and "GNU GPL version 3" in words and "LGPL-3.0" in words
    assert out.rstrip().endswith("no widgets")


def test_plain_version_is_unchanged():
    proc = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--version"], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert proc.stdout.strip() == f"retake {__version__}"


def test_about_box_from_the_help_menu_shows_the_facts_and_the_licences(qtbot, tmp_path):
    from PySide6.QtWidgets import QApplication

    from desktop_app.services.settings import Options, Settings
    from desktop_app.ui.about_dialog import AboutDialog
    from desktop_app.ui.main_window import MainWindow

    settings = Settings(str(tmp_path / "retake.ini"))
    settings.set(Options.engine, "sunoapi")
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    action = next(a for a in window.menuBar().actions() if a.text() == "&Help").menu().actions()[0]
    assert action.text() == "&About Retake"
    action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), AboutDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.values["Engine"].text() == parse_engine("sunoapi").label
    assert dialog.values["Build"].text() == "development build"
    assert dialog.values["Qt"].text().startswith("6.")
    licences = dialog.licences.toPlainText()
    assert "PySide6" in licences and "pedalboard" in licences and "replace them with your own build" in licences
    dialog.close()
    window.close()


def test_packaged_build_shows_its_notices_file(qtbot, tmp_path, monkeypatch):
    from desktop_app.ui.about_dialog import AboutDialog

    (tmp_path / "THIRD_PARTY_NOTICES.txt").write_text("Qt 6.11.3 — LGPL-3.0-only\nffmpeg n9 — GPL-3.0\n")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(tmp_path / "retake"))
    dialog = AboutDialog(about.about_facts("Local engine"))
    qtbot.addWidget(dialog)
    assert dialog.values["Notices"].text() == str(tmp_path / "THIRD_PARTY_NOTICES.txt")
    assert dialog.licences.toPlainText().startswith("Qt 6.11.3")
    (tmp_path / "THIRD_PARTY_NOTICES.txt").unlink()
    assert "could not be read" in about.notices_text()  # a damaged install says so instead of showing nothing
