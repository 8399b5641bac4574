"""The sample-accurate heart of the player (no Qt): sources, position and a program of spans.

Both clocks drive the same object: the sound card's callback calls :meth:`Transport.render` to
fill its buffer, the silent clock calls :meth:`Transport.advance` with the frames that elapsed
on the wall clock. So looping, seams and source switching behave identically with and without
a device, and tests of the silent clock test the real logic.

A *program* is a list of spans ``[(start, end), ...]`` in frames played one after another; after
the last span, playback either stops or jumps back to span ``repeat_from``. Loop-with-pre-roll
is ``[(s - pre, e), (s, e)]`` repeating from 1; the seams are ``[(s - c, s + c), (e - c, e + c)]``.
Switching sources only changes which array the next frames are copied from, so it is gapless
and keeps the position.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Program:
    spans: tuple[tuple[int, int], ...]
    repeat_from: int | None = None  # None: stop after the last span


class Transport:
    """Thread-safe: the audio thread renders while the GUI thread seeks and switches."""

    def __init__(self, channels_out: int = 2) -> None:
        self._lock = threading.Lock()
        self.channels_out = channels_out
        self.sources: dict[str, np.ndarray] = {}
        self.gains: dict[str, float] = {}
        self.key: str | None = None
        self.rate = 44100
        self.position = 0  # frames
        self.playing = False
        self.program: Program | None = None
        self._span = 0
        self.finished_count = 0  # bumped each time playback runs off the end (the GUI polls it)

    # -- configuration (GUI thread) ---------------------------------------------------------

    @property
    def frames(self) -> int:
        source = self.sources.get(self.key) if self.key is not None else None
        return 0 if source is None else int(source.shape[0])

    def set_sources(self, sources: dict[str, np.ndarray], rate: int, *, select: str | None = None) -> None:
        with self._lock:
            self.sources = dict(sources)
            self.gains = {k: self.gains.get(k, 1.0) for k in sources}
            self.rate = int(rate)
            if select is not None:
                self.key = select
            elif self.key not in self.sources:
                self.key = next(iter(self.sources), None)
            self.position = min(self.position, self.frames)

    def select(self, key: str) -> None:
        with self._lock:
            if key not in self.sources:
                raise KeyError(key)
            self.key = key

    def set_gain(self, key: str, gain: float) -> None:
        with self._lock:
            self.gains[key] = float(gain)

    def seek(self, frame: int) -> None:
        with self._lock:
            self.position = int(min(max(0, frame), self.frames))
            self._enter_program_at_position()

    def set_program(self, program: Program | None, *, start_at_first_span: bool) -> None:
        with self._lock:
            self.program = self._clamped(program)
            if self.program is not None and start_at_first_span:
                self._span = 0
                self.position = self.program.spans[0][0]
            else:
                self._enter_program_at_position()

    def set_playing(self, playing: bool) -> None:
        with self._lock:
            if playing and self.position >= self._current_end():
                self.position = self.program.spans[0][0] if self.program else 0
                self._span = 0
            self.playing = playing and self.frames > 0

    # -- the clocks ---------------------------------------------------------------------------

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` (frames, channels_out) with what is heard next, advancing the position."""
        with self._lock:
            self._run(out.shape[0], out)

    def advance(self, frames: int) -> None:
        """Move on by ``frames`` as if they had been heard (the silent clock)."""
        with self._lock:
            self._run(frames, None)

    # -- internals (lock held) -----------------------------------------------------------------

    def _run(self, count: int, out: np.ndarray | None) -> None:
        done = 0
        source = self.sources.get(self.key) if self.key is not None else None
        gain = self.gains.get(self.key, 1.0) if self.key is not None else 1.0
        while done < count and self.playing and source is not None:
            end = self._current_end()
            n = min(count - done, end - self.position)
            if n > 0:
                if out is not None:
                    self._copy(source, gain, out[done : done + n])
                self.position += n
                done += n
            if self.position >= end and not self._next_span():
                self.playing = False
                self.finished_count += 1
        if out is not None and done < count:
            out[done:] = 0.0

    def _copy(self, source: np.ndarray, gain: float, out: np.ndarray) -> None:
        chunk = source[self.position : self.position + out.shape[0]]
        channels = chunk.shape[1]
        if channels >= out.shape[1]:
            out[:] = chunk[:, : out.shape[1]]
        else:
            out[:] = chunk[:, :1]  # mono (or fewer channels than outputs): same signal everywhere
        if gain != 1.0:
            out *= gain

    def _current_end(self) -> int:
        if self.program is None:
            return self.frames
        return self.program.spans[self._span][1]

    def _next_span(self) -> bool:
        program = self.program
        if program is None:
            return False
        if self._span + 1 < len(program.spans):
            self._span += 1
        elif program.repeat_from is not None:
            self._span = program.repeat_from
        else:
            return False
        self.position = program.spans[self._span][0]
        return True

    def _enter_program_at_position(self) -> None:
        """After a seek: continue in the span that holds the position, else in the first one ahead."""
        program = self.program
        if program is None:
            return
        for i, (start, end) in enumerate(program.spans):
            if start <= self.position < end:
                self._span = i
                return
        # Outside every span: a loop jumps to its loop start; a one-shot program plays from its start.
        self._span = program.repeat_from if program.repeat_from is not None else 0
        self.position = program.spans[self._span][0]

    def _clamped(self, program: Program | None) -> Program | None:
        if program is None:
            return None
        total = self.frames
        spans = tuple((max(0, min(a, total)), max(0, min(b, total))) for a, b in program.spans)
        spans = tuple((a, b) for a, b in spans if b > a)
        if not spans:
            return None
        repeat = program.repeat_from
        if repeat is not None:
            repeat = min(repeat, len(spans) - 1)
        return Program(spans, repeat)


def seam_spans(start: int, end: int, context: int) -> tuple[tuple[int, int], ...]:
    """``context`` frames either side of each edge; overlapping windows merge into one."""
    spans = [(start - context, start + context), (end - context, end + context)]
    if spans[1][0] <= spans[0][1]:
        return ((spans[0][0], spans[1][1]),)
    return tuple(spans)
