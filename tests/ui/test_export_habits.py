"""Export fits a producer's habits: File ▸ Export works as soon as a song is open, the dialog remembers
format, bit depth and folder across a restart, a splice makes the working version the default, and the
sidecar lists every spliced take."""

from __future__ import annotations

import json

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app.audio import load
from desktop_app.audio.export import sidecar_path
from desktop_app.services.settings import Settings
from desktop_app.services.working_version import SpliceSegment
from desktop_app.ui.results.export_dialog import ExportDialog
from tests.support import WAIT_MS


def _answer_export(qtbot, seen: dict, *, format_key: str | None = None, folder=None, name: str = "bounce") -> None:
    """Fill the export dialog the way a producer would (when it opens), remembering what it offered."""

    tries = iter(range(WAIT_MS // 10))

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        focus = QApplication.focusWidget()
        if not (isinstance(dialog, ExportDialog) and focus is not None and focus.window() is dialog):
            # A producer answers a dialog that has come up and has the keys; on a busy machine the window
            # system may take a moment to hand them over, so wait for that instead of racing it.
            assert next(tries, None) is not None, "the export dialog never came up with the keyboard focus"
            QTimer.singleShot(10, fill)
            return
        seen.update(source=dialog.source_key(), format=dialog.format_key(), folder=dialog.target().parent)
        if format_key is not None:
            dialog.format.setCurrentIndex(dialog.format.findData(format_key))
        if folder is not None:
            dialog.path.setText(str(folder / name))
            dialog._fix_suffix()
        seen["target"] = dialog.target()
        dialog.accept()

    QTimer.singleShot(0, fill)


def test_export_remembers_format_and_folder_across_a_restart(window, qtbot, tmp_path) -> None:
    assert window.actions.export.isEnabled()  # a song is open: there is something to export
    out = tmp_path / "bounces"
    out.mkdir()
    first: dict = {}
    _answer_export(qtbot, first, format_key="opus", folder=out)
    with qtbot.waitSignal(window.results.keeping.exported, timeout=WAIT_MS):  # written off the GUI thread
        window.actions.export.trigger()
    assert first["format"] == "wav24" and first["folder"] == window.document.path.parent
    written = first["target"]
    assert written.suffix == ".opus" and written.exists()
    assert abs(load(written).duration - window.document.duration) < 1e-3
    settings_file = window.settings.file_name()
    window.close()

    from desktop_app.ui.main_window import MainWindow

    again = MainWindow(settings=Settings(settings_file))
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.document.clip_changed, timeout=WAIT_MS):
        again.open_file(window.document.path)
    second: dict = {}
    _answer_export(qtbot, second, format_key="flac16", folder=out, name="bounce-2")
    with qtbot.waitSignal(again.results.keeping.exported, timeout=WAIT_MS):
        again.actions.export.trigger()
    assert second["format"] == "opus" and second["folder"] == out
    back = load(second["target"])
    assert back.info.subtype == "PCM_16" and back.frames == again.document.clip.frames
    again.close()


def test_a_splice_makes_the_working_version_the_default_and_the_sidecar_lists_it(window, qtbot, tmp_path) -> None:
    doc = window.document
    edited = doc.clip.samples.copy()
    rate = doc.sample_rate
    edited[int(4.5 * rate) : int(8.5 * rate)] *= 0.5
    segment = SpliceSegment("Take 1", "job-1", "Local engine (this computer)", "inpaint", 4.5, 8.5)
    with qtbot.waitSignal(doc.working.replaced, timeout=10000):
        doc.working.replace(edited, "Use Take 1", segment)
    seen: dict = {}
    _answer_export(qtbot, seen, format_key="m4a", folder=tmp_path)
    for stray in QApplication.topLevelWidgets():  # a dialog an earlier test left open would keep the keys
        if stray is not window and isinstance(stray, QDialog) and stray.isVisible():
            stray.close()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    assert QApplication.activeModalWidget() is None
    window.jobs.panel.setFocus()  # the keys are elsewhere before the dialog: they must come back to the waveform
    qtbot.waitUntil(lambda: window.focusWidget() is not window.editor.view, timeout=WAIT_MS)
    with qtbot.waitSignal(window.results.keeping.exported, timeout=WAIT_MS):
        window.results.keeping.export_dialog("some-take-key")
    assert seen["source"] == "working"
    target = seen["target"]
    assert abs(load(target).duration - doc.duration) < 1e-3
    meta = json.loads(sidecar_path(target).read_text())
    assert meta["splices"] == [segment.as_dict()]
    # Shortcuts keep working after the dialog: the waveform is the window's focus widget again (it has the keys
    # whenever the window is active; under a full suite the offscreen platform may not re-activate it at once).
    qtbot.waitUntil(lambda: window.focusWidget() is window.editor.view, timeout=WAIT_MS)
    doc.undo_stack.undo()
    seen.clear()
    _answer_export(qtbot, seen, format_key="ogg", folder=tmp_path, name="after-undo")
    with qtbot.waitSignal(window.results.keeping.exported, timeout=WAIT_MS):
        window.results.keeping.export_dialog("working")
    assert json.loads(sidecar_path(seen["target"]).read_text())["splices"] == []
