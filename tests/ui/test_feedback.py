"""Feedback that tells the truth: undo and redo say which step, the title marks an edited song, status
messages are shortened with "…" (never cut), and the output line says "silent clock" from the start."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.services.settings import Settings
from tests.support import WAIT_MS


def test_undo_and_redo_name_the_step_and_the_title_marks_an_edited_song(window, qtbot) -> None:
    doc = window.document
    with qtbot.waitSignal(doc.working.replaced, timeout=10000):
        doc.working.replace(doc.clip.samples * 0.5, "Use Take 1")
    assert window.isWindowModified() and window.windowTitle().startswith("beat.wav[*]")
    assert window.actions.undo.text() == "&Undo Use Take 1"
    bar = window.statusBar()
    qtbot.keyClick(window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert bar.currentMessage() == "Undid: use Take 1"
    assert not window.isWindowModified()
    assert window.actions.redo.text() == "&Redo Use Take 1"
    qtbot.keyClick(
        window.editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert bar.currentMessage() == "Redid: use Take 1"
    assert window.isWindowModified()


def test_a_selection_step_is_named_too(window, qtbot) -> None:
    window.document.region.set_range(2.0, 4.0)
    step = window.document.undo_stack.undoText()
    assert step
    window.actions.undo.trigger()
    assert window.statusBar().currentMessage() == f"Undid: {step[:1].lower()}{step[1:]}"


def test_long_status_messages_end_in_an_ellipsis_with_the_whole_text_in_the_tooltip(window, qtbot) -> None:
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=WAIT_MS)
    bar = window.statusBar()
    text = "Use Take 2: the song now plays this version. Ctrl+Z undoes it, and Export… writes it with its history."
    bar.showMessage(text, 8000)
    shown = bar.shownMessage()
    assert bar.currentMessage() == text and bar.toolTip() == text
    assert bar.fontMetrics().horizontalAdvance(shown) <= bar.message_room()
    assert shown == text or shown.endswith("…")


def test_without_a_sound_device_the_output_line_says_silent_clock_from_the_start(qtbot, tmp_path, monkeypatch):
    import sounddevice

    def no_device(*_args, **_kwargs):
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setenv("RETAKE_AUDIO_OUTPUT", "")
    monkeypatch.setattr(sounddevice, "query_devices", no_device)
    from desktop_app.ui.main_window import MainWindow

    win = MainWindow(settings=Settings(str(tmp_path / "retake.ini")))
    qtbot.addWidget(win)
    assert not win.player.is_silent  # the player has not tried a device yet
    qtbot.waitUntil(lambda: "Silent clock" in win.status.output.text(), timeout=5000)
    assert "no sound device" in win.status.output.toolTip()
    win.close()
