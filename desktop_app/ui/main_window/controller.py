"""Wires the document, the player and the editor widgets together (no state of its own)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop_app.services.document import Document
from desktop_app.services.player import SILENT_NAME, Player
from desktop_app.services.settings import Options, Settings
from desktop_app.services.tasks import Tasks
from desktop_app.ui.icons import icon
from desktop_app.ui.main_window.actions import WindowActions
from desktop_app.ui.main_window.status import StatusPanel
from desktop_app.ui.waveform.editor import WaveformEditor

FINE_NUDGE_S = 0.01
NUDGE_WITHOUT_GRID_S = 0.1


class OutputProbe(QObject):
    """Looks for a sound device in the background at start, so the status bar tells the truth before the
    first Space (the player opens its stream only when it plays)."""

    found = Signal(str, str)  # device name ("" when there is none), why not

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = Tasks("output-probe", self)

    def start(self) -> None:
        self._tasks.start(lambda _task: _query_output(), key="probe", on_result=lambda found: self.found.emit(*found))


def _query_output() -> tuple[str, str]:
    """(device name, "") or ("", why there is none); runs off the GUI thread (PortAudio may be slow)."""
    try:
        import sounddevice as sd

        return str(sd.query_devices(kind="output")["name"]), ""
    except Exception as exc:  # OSError (no PortAudio), PortAudioError (no device), ...
        return "", "PortAudio is not installed" if "PortAudio" in str(exc) else "no sound device found"


class EditorController(QObject):
    def __init__(
        self,
        document: Document,
        player: Player,
        editor: WaveformEditor,
        actions: WindowActions,
        status: StatusPanel,
        settings: Settings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document, self.player, self.editor = document, player, editor
        self.actions, self.status, self.settings = actions, status, settings
        editor.set_region(document.region)
        document.clip_changed.connect(self._clip_changed)
        document.loading_progress.connect(self._loading)
        document.load_failed.connect(self._load_failed)
        document.tempo.changed.connect(self._tempo_changed)
        document.region.changed.connect(self._region_changed)
        editor.seek_requested.connect(player.seek)
        editor.origin_dragged.connect(lambda t: document.tempo.set_origin(t, source="dragged"))
        player.position_changed.connect(self._position_changed)
        player.state_changed.connect(self._state_changed)
        player.output_changed.connect(self._output_changed)
        self._connect_actions()
        self._output_changed()
        if not player.is_silent:
            self._probe = OutputProbe(self)
            self._probe.found.connect(self._output_probed)
            self._probe.start()
        actions.set_song_actions_enabled(False)

    def _connect_actions(self) -> None:
        a, ed, player = self.actions, self.editor, self.player
        a.undo.triggered.connect(lambda: self.step_history(undo=True))
        a.redo.triggered.connect(lambda: self.step_history(undo=False))
        a.play.triggered.connect(player.toggle)
        a.stop.triggered.connect(player.stop)
        a.go_start.triggered.connect(lambda: player.seek(0.0))
        a.go_end.triggered.connect(lambda: player.seek(player.duration))
        a.loop.setChecked(self.settings.get(Options.loop_enabled))
        player.set_loop_enabled(a.loop.isChecked())
        a.loop.toggled.connect(self._loop_toggled)
        a.seams.triggered.connect(self.play_seams)
        a.zoom_in.triggered.connect(ed.zoom_in)
        a.zoom_out.triggered.connect(ed.zoom_out)
        a.zoom_selection.triggered.connect(ed.zoom_to_selection)
        a.zoom_fit.triggered.connect(ed.zoom_fit)
        a.select_all.triggered.connect(lambda: self.document.region.set_range(0.0, self.document.duration))
        a.clear_selection.triggered.connect(self.document.region.clear)
        a.nudge_left.triggered.connect(lambda: self.nudge(-1, fine=False))
        a.nudge_right.triggered.connect(lambda: self.nudge(1, fine=False))
        a.nudge_left_fine.triggered.connect(lambda: self.nudge(-1, fine=True))
        a.nudge_right_fine.triggered.connect(lambda: self.nudge(1, fine=True))
        for action, option, attr in (
            (a.snap_grid, Options.snap_to_grid, "to_grid"),
            (a.snap_zero, Options.snap_to_zero, "to_zero"),
        ):
            action.setChecked(self.settings.get(option))
            setattr(ed.view.snap, attr, action.isChecked())
            action.toggled.connect(lambda on, o=option, n=attr: self._snap_toggled(o, n, on))

    # -- commands ---------------------------------------------------------------------------------

    def nudge(self, direction: int, *, fine: bool) -> None:
        region = self.document.region
        if region.is_empty:
            return
        grid = self.document.tempo.grid()
        step = FINE_NUDGE_S if fine else (grid.beat_seconds if grid else NUDGE_WITHOUT_GRID_S)
        region.move_to(region.start + direction * step, text="Nudge selection")

    def step_history(self, *, undo: bool) -> None:
        """Undo or redo one step and say which ("Undid: use Take 1"), so the producer knows what changed."""
        stack = self.document.undo_stack
        step = stack.undoText() if undo else stack.redoText()
        if not (stack.canUndo() if undo else stack.canRedo()):
            return
        if undo:
            stack.undo()
        else:
            stack.redo()
        named = step[:1].lower() + step[1:] if step else "the last change"
        self.status.bar.showMessage(f"{'Undid' if undo else 'Redid'}: {named}", 6000)

    def play_seams(self) -> None:
        bounds = self.document.region.bounds()
        if bounds is None:
            self.status.bar.showMessage("Select a region first: the seams are its two edges.", 4000)
            return
        self.player.play_seams(*bounds, context=self.settings.get(Options.preroll_s))

    # -- reactions ---------------------------------------------------------------------------------

    def _clip_changed(self) -> None:
        doc = self.document
        self.status.show_progress(None)
        self.editor.set_pyramid(doc.peaks, doc.sample_rate)
        # An edit of the same song (a splice) keeps the playhead where it is; a new song starts at 0.
        edited = doc.replacing_audio
        if not edited and doc.peaks is not None:  # a quiet song must not open as a flat line
            self.editor.timeline.fit_level(doc.peaks.peak())
        self.player.set_source(doc.clip.samples, doc.sample_rate, keep_position=edited)
        self.actions.set_song_actions_enabled(True)
        self._tempo_changed()

    def _loading(self, pyramid, fraction: float, rate: int) -> None:
        self.status.show_progress(fraction)
        self.editor.set_pyramid(pyramid, rate, loading_fraction=fraction)

    def _load_failed(self, path: str, message: str) -> None:
        doc = self.document
        self.status.show_progress(None)
        # Put the previous song back on screen (the loading one was drawn progressively).
        self.editor.set_pyramid(doc.peaks, doc.sample_rate)
        self.status.bar.showMessage(message, 10000)

    def _tempo_changed(self) -> None:
        self.editor.set_grid(self.document.tempo.grid())
        self.status.show_position(self.player.position)

    def _region_changed(self) -> None:
        bounds = self.document.region.bounds()
        self.player.set_loop_range(*(bounds or (None, None)))

    def _position_changed(self, seconds: float) -> None:
        self.editor.set_playhead(seconds, follow=self.player.is_playing)
        self.status.show_position(seconds)

    def _state_changed(self, state: str) -> None:
        self.actions.play.setText("&Pause" if state == "playing" else "&Play")
        self.actions.play.setIcon(icon("pause" if state == "playing" else "play"))

    def _output_changed(self, *_args) -> None:
        self.status.show_output(self.player.output_name, self.player.is_silent, self.player.status_message)

    def _output_probed(self, name: str, reason: str) -> None:
        if self.player.is_silent or self.player.output_name != "Default output":
            return  # the player has opened (or given up on) a device since: it knows better
        if name:
            self.status.show_output(name, False, f"Audio output: {name}")
        else:
            self.status.show_output(SILENT_NAME, True, f"No audio output ({reason}): playing on a silent clock.")

    def _loop_toggled(self, on: bool) -> None:
        self.player.set_loop_enabled(on)
        self.settings.set(Options.loop_enabled, on)

    def _snap_toggled(self, option, attr: str, on: bool) -> None:
        setattr(self.editor.view.snap, attr, on)
        self.settings.set(option, on)
