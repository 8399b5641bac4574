"""Every command of the window as a QAction: one place for texts, shortcuts, tips and icons."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from desktop_app.services.document import Document
from desktop_app.ui.icons import icon


class WindowActions:
    def __init__(self, parent: QWidget, document: Document) -> None:
        def make(text: str, shortcut=None, tip: str = "", icon_name: str | None = None, checkable=False):
            action = QAction(text, parent)
            if shortcut is not None:
                keys = shortcut if isinstance(shortcut, list) else [shortcut]
                action.setShortcuts([QKeySequence(k) for k in keys])
            if tip:
                hint = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                action.setToolTip(f"{tip} ({hint})" if hint else tip)
                action.setStatusTip(tip)
            if icon_name is not None:
                action.setIcon(icon(icon_name))
            action.setCheckable(checkable)
            parent.addAction(action)  # shortcuts work even when the toolbar is hidden
            return action

        # File
        self.open = make("&Open…", QKeySequence.StandardKey.Open, "Open an audio file", "open")
        self.export = make("&Export…", "Ctrl+Shift+E", "Export the song as it is now, the original or a take")
        self.quit = make("&Quit", QKeySequence.StandardKey.Quit, "Quit Retake")
        # Edit
        # Undo and redo name the step they take ("Undo Use Take 1"); the controller says what was done.
        self._stack = document.undo_stack
        self.undo = make("&Undo", QKeySequence.StandardKey.Undo, "Undo the last change")
        self.redo = make("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo what was undone")
        for changed in (self._stack.indexChanged, self._stack.canUndoChanged, self._stack.canRedoChanged):
            changed.connect(self._name_undo_steps)
        self._name_undo_steps()
        self.select_all = make("Select &all", QKeySequence.StandardKey.SelectAll, "Select the whole song")
        self.clear_selection = make("&Clear selection", "Escape", "Clear the selection")
        self.nudge_left = make("Nudge selection left", "Left", "Move the selection one beat earlier")
        self.nudge_right = make("Nudge selection right", "Right", "Move the selection one beat later")
        self.nudge_left_fine = make("Nudge selection left (fine)", "Shift+Left", "Move the selection 10 ms earlier")
        self.nudge_right_fine = make("Nudge selection right (fine)", "Shift+Right", "Move the selection 10 ms later")
        self.snap_grid = make("Snap to &beats", None, "Snap selection edges to the beat grid (hold Alt to bypass)")
        self.snap_grid.setCheckable(True)
        self.snap_grid.setText("Snap to beats")
        self.snap_zero = make("Snap to &zero crossings", None, "Snap selection edges to the nearest zero crossing")
        self.snap_zero.setCheckable(True)
        self.extend_here = make("E&xtend from here", "Ctrl+Alt+E", "Extend from the selection's end or the playhead")
        # View
        self.zoom_in = make("Zoom &in", ["+", "=", "Ctrl++"], "Zoom in around the mouse", "zoom_in")
        self.zoom_out = make("Zoom &out", ["-", "Ctrl+-"], "Zoom out around the mouse", "zoom_out")
        self.zoom_selection = make("Zoom to &selection", "Ctrl+E", "Zoom to the selection")
        self.zoom_fit = make("Zoom to &fit", "Ctrl+0", "Show the whole song")
        # Transport
        self.play = make("&Play / Pause", "Space", "Play or pause", "play")
        self.stop = make("&Stop", "Shift+Space", "Stop and go back", "stop")
        self.loop = make("&Loop selection", "L", "Loop the selection while playing", "loop", True)
        self.seams = make("Play the s&eams", "C", "Play 2 s around each edge of the selection", "seams")
        self.go_start = make("Go to &start", "Home", "Move the playhead to the start", "start")
        self.go_end = make("Go to &end", "End", "Move the playhead to the end", "end")

    def _name_undo_steps(self, *_args) -> None:
        stack = self._stack
        if not isValid(stack) or not isValid(self.undo):  # the window is being torn down
            return
        for action, verb, able, step in (
            (self.undo, "Undo", stack.canUndo(), stack.undoText()),
            (self.redo, "Redo", stack.canRedo(), stack.redoText()),
        ):
            action.setEnabled(able)
            action.setText(f"&{verb} {step}" if able and step else f"&{verb}")

    def set_song_actions_enabled(self, enabled: bool) -> None:
        for action in (
            self.export, self.select_all, self.clear_selection, self.nudge_left, self.nudge_right,
            self.nudge_left_fine, self.nudge_right_fine, self.zoom_in, self.zoom_out, self.zoom_selection,
            self.zoom_fit, self.play, self.stop, self.seams, self.go_start, self.go_end, self.extend_here,
        ):  # fmt: skip
            action.setEnabled(enabled)
