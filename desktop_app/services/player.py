"""The player service: PortAudio through sounddevice, or a silent clock when there is no device.

Why sounddevice and not QAudioSink: its callback is fed from numpy, so what is heard next is
decided sample by sample by :class:`~desktop_app.services.playback.Transport` — switching
between the original and the takes, looping and jumping between seams happen inside one
continuous stream, without a gap. It also avoids PySide6-Addons (QtMultimedia, +157 MB).

When PortAudio, a device, or a working stream is missing (or ``RETAKE_AUDIO_OUTPUT=silent``),
the same transport runs on a silent clock that advances at real speed, so the app stays fully
usable and testable headless; ``is_silent`` and ``output_name`` tell the status bar.
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.services.playback import Program, Transport, seam_spans

log = logging.getLogger(__name__)

POSITION_INTERVAL_MS = 16  # ~60 Hz playhead updates
# A preview needs no low latency, and a busy 2-core machine starves a "low" PortAudio buffer
# (dropouts of up to ~200 ms were measured). 150 ms of buffer rides out a busy GUI thread;
# the playhead is placed by the latency the stream reports, so it still shows what is heard.
OUTPUT_LATENCY_S = 0.15
SILENT_NAME = "Silent clock (no audio output)"


class Player(QObject):
    position_changed = Signal(float)  # seconds, ≥ 30 times a second while playing
    state_changed = Signal(str)  # "playing", "paused", "stopped"
    source_changed = Signal(str)
    output_changed = Signal(str)  # output_name

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.transport = Transport()
        self._loop: tuple[float, float] | None = None
        self._loop_enabled = False
        self._preroll = 0.0
        self._state = "stopped"
        self._program_kind = "none"  # "loop" or "seams" while the transport runs a program
        self._stream = None
        self._stream_rate = 0
        self._silent_reason = "" if os.environ.get("RETAKE_AUDIO_OUTPUT", "") != "silent" else "forced by settings"
        self._output_name = SILENT_NAME if self._silent_reason else "Default output"
        self._clock_last = 0.0
        self._carry = 0.0
        self._finished_seen = 0
        self._latency_frames = 0  # the stream's reported output latency, in frames
        self.underruns = 0  # PortAudio output underflows since start (each is a possible dropout)
        self._underruns_logged = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POSITION_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    # -- status --------------------------------------------------------------------------------

    @property
    def is_silent(self) -> bool:
        return bool(self._silent_reason)

    @property
    def output_name(self) -> str:
        return self._output_name

    @property
    def status_message(self) -> str:
        if self.is_silent:
            return f"No audio output ({self._silent_reason}): playing on a silent clock."
        return f"Audio output: {self._output_name}"

    @property
    def state(self) -> str:
        return self._state

    @property
    def is_playing(self) -> bool:
        return self._state == "playing"

    @property
    def position(self) -> float:
        """Seconds of what is heard now: the rendered position less the stream's output latency."""
        return self.transport.heard_position(self._latency_frames) / self.transport.rate

    @property
    def duration(self) -> float:
        return self.transport.frames / self.transport.rate

    @property
    def source_key(self) -> str | None:
        return self.transport.key

    @property
    def loop_enabled(self) -> bool:
        return self._loop_enabled

    # -- sources --------------------------------------------------------------------------------

    def set_source(self, samples: np.ndarray, rate: int, *, key: str = "original", keep_position: bool = True) -> None:
        """Play ``samples`` (frames, channels); with ``keep_position`` the playhead stays put."""
        self.set_sources({key: samples}, rate, select=key, keep_position=keep_position)

    def set_sources(
        self, sources: dict[str, np.ndarray], rate: int, *, select: str | None = None, keep_position: bool = True
    ) -> None:
        """Several versions on one time axis (original, take 1, take 2); ``select_source`` switches."""
        if not keep_position:
            self.stop()
        self.transport.set_sources(sources, rate, select=select)
        if not keep_position:
            self.transport.seek(0)
        self._rebuild_loop_program()
        self.source_changed.emit(self.transport.key or "")
        self.position_changed.emit(self.position)

    def select_source(self, key: str) -> None:
        """Switch what is heard at the current position, from the next audio buffer on (gapless)."""
        self.transport.select(key)
        self.source_changed.emit(key)

    def set_gain(self, key: str, gain: float) -> None:
        """Linear gain of one source (a change while heard is ramped); see :meth:`set_gains`."""
        self.transport.set_gain(key, gain)

    def set_gains(self, gains: dict[str, float]) -> None:
        """Linear gains of several sources in one ramp, e.g. ``db_to_gain(match_gain(...).db)`` per lane."""
        self.transport.set_gains(gains)

    # -- transport --------------------------------------------------------------------------------

    def play(self) -> None:
        if self.transport.frames == 0:
            return
        self._rebuild_loop_program()
        self.transport.set_playing(True)
        self._ensure_output()
        self._set_state("playing")

    def pause(self) -> None:
        heard = self.transport.heard_position(self._latency_frames)
        self.transport.set_playing(False)
        self.transport.seek(heard)  # resume where the listener stopped hearing, not a buffer later
        self._set_state("paused" if self.transport.frames else "stopped")
        self.position_changed.emit(self.position)

    def toggle(self) -> None:
        self.pause() if self.is_playing else self.play()

    def stop(self) -> None:
        """Stop and rewind to the loop start (looping) or to the beginning."""
        self.transport.set_playing(False)
        self._set_program(None, "none", start=False)
        start = self._loop[0] if (self._loop_enabled and self._loop) else 0.0
        self.transport.seek(round(start * self.transport.rate))
        self._set_state("stopped")
        self.position_changed.emit(self.position)

    def seek(self, seconds: float) -> None:
        if self._program_kind == "seams":
            self._set_program(None, "none", start=False)
        self.transport.seek(round(seconds * self.transport.rate))
        self._rebuild_loop_program()
        self.position_changed.emit(self.position)

    def set_loop_range(self, start: float | None, end: float | None, *, preroll: float = 0.0) -> None:
        """The range looped while ``loop_enabled``; ``preroll`` seconds lead into the first pass."""
        self._loop = (start, end) if start is not None and end is not None and end > start else None
        self._preroll = max(0.0, preroll)
        self._rebuild_loop_program()

    def set_loop_enabled(self, enabled: bool) -> None:
        self._loop_enabled = enabled
        self._rebuild_loop_program()

    def play_seams(self, start: float, end: float, *, context: float = 2.0) -> None:
        """Play ``context`` s around each edge of [start, end], back to back (looping if loop is on)."""
        rate = self.transport.rate
        spans = seam_spans(round(start * rate), round(end * rate), round(context * rate))
        self._set_program(Program(spans, 0 if self._loop_enabled else None), "seams", start=True)
        self.transport.set_playing(True)
        self._ensure_output()
        self._set_state("playing")
        self.position_changed.emit(self.position)

    # -- internals ----------------------------------------------------------------------------------

    def _rebuild_loop_program(self) -> None:
        if self._program_kind == "seams" and self.transport.program is not None:
            return  # the seams keep playing until stopped or finished
        if not (self._loop_enabled and self._loop):
            self._set_program(None, "none", start=False)
            return
        rate = self.transport.rate
        start, end = round(self._loop[0] * rate), round(self._loop[1] * rate)
        lead = round((self._loop[0] - self._preroll) * rate)
        position = self.transport.position
        first = position if lead <= position < end else max(0, lead)
        self._set_program(Program(((first, end), (start, end)), 1), "loop", start=True)

    def _set_program(self, program: Program | None, kind: str, *, start: bool) -> None:
        self._program_kind = kind if program is not None else "none"
        self.transport.set_program(program, start_at_first_span=start)

    def _set_state(self, state: str) -> None:
        if state == "playing":
            self._clock_last = time.monotonic()
            self._carry = 0.0
            self._finished_seen = self.transport.finished_count
            self._timer.start()
        else:
            self._timer.stop()
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _tick(self) -> None:
        if self.is_silent:
            now = time.monotonic()
            self._carry += (now - self._clock_last) * self.transport.rate
            self._clock_last = now
            frames = int(self._carry)
            self._carry -= frames
            self.transport.advance(frames)
        if self.underruns != self._underruns_logged:
            log.warning("audio output underrun: %d so far (the output buffer ran dry)", self.underruns)
            self._underruns_logged = self.underruns
        self.position_changed.emit(self.position)
        if not self.transport.playing:
            self._set_program(None, "none", start=False)
            self._set_state("stopped")

    def _ensure_output(self) -> None:
        if self.is_silent:
            return
        rate = self.transport.rate
        if self._stream is not None and self._stream_rate == rate:
            return
        self._close_stream()
        try:
            import sounddevice as sd

            stream = sd.OutputStream(
                samplerate=rate, channels=2, dtype="float32", callback=self._callback, latency=OUTPUT_LATENCY_S
            )
            stream.start()
        except Exception as exc:  # OSError (no PortAudio), PortAudioError (no device), ...
            log.warning("no audio output: %s", exc)
            self._go_silent(_explain(exc))
            return
        self._stream, self._stream_rate = stream, rate
        self._latency_frames = round(float(stream.latency) * rate)
        log.info("audio output open: %.0f ms latency", 1000 * float(stream.latency))
        try:
            self._output_name = str(sd.query_devices(stream.device)["name"])
        except Exception:
            self._output_name = "Default output"
        self.output_changed.emit(self._output_name)

    def _callback(self, outdata: np.ndarray, frames: int, time_info, status) -> None:
        if status.output_underflow:
            self.underruns += 1  # logged from the GUI thread: no logging in the audio callback
        self.transport.render(outdata)

    def _go_silent(self, reason: str) -> None:
        self._silent_reason = reason
        self._output_name = SILENT_NAME
        self._clock_last = time.monotonic()
        self.output_changed.emit(self._output_name)

    def _close_stream(self) -> None:
        if self._stream is not None:
            try:
                self._stream.close()
            except Exception:
                log.exception("closing the audio stream")
            self._stream = None
            self._latency_frames = 0

    def shutdown(self) -> None:
        self._timer.stop()
        self.transport.set_playing(False)
        self._close_stream()


def _explain(exc: Exception) -> str:
    text = str(exc)
    if "PortAudio library not found" in text:
        return "PortAudio is not installed"
    if "Error querying device" in text or "Invalid device" in text or "no default" in text.lower():
        return "no sound device found"
    return text.splitlines()[0][:80] if text else type(exc).__name__
