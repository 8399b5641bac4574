"""The sample-accurate heart of the player (no Qt): sources, position and a program of spans.

Both clocks drive the same object: the sound card's callback calls :meth:`Transport.render` to
fill its buffer, the silent clock calls :meth:`Transport.advance` with the frames that elapsed
on the wall clock. So looping, seams and source switching behave identically with and without
a device, and tests of the silent clock test the real logic.

A *program* is a list of spans ``[(start, end), ...]`` in frames played one after another; after
the last span, playback either stops or jumps back to span ``repeat_from``. Loop-with-pre-roll
is ``[(s - pre, e), (s, e)]`` repeating from 1; the seams are ``[(s - c, s + c), (e - c, e + c)]``.

Nothing heard ever jumps: every change of what is heard — a source switch, a gain change, a loop
wrap, a seam jump, a seek, starting and pausing — is a short crossfade (``FADE_S``) from what
would have been heard next to the new audio, through the app's one crossfade law
(:func:`desktop_app.audio.crossfade.crossfade`). Where the two sides are the same audio (a take
outside its region is the original) the law is equal-gain, so the output does not change at all.
The fade is rendered once into a small buffer that the next frames are read from. A last safety
stage keeps the output within full scale whatever the gains (loudness matching caps them by the
take's true-peak headroom; this stage only catches what slips through).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

import numpy as np

from desktop_app.audio.crossfade import crossfade

FADE_S = 0.008  # long enough to hide any step, short enough to feel instant (issue: 5–10 ms)
FULL_SCALE = 1.0


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
        self.gains: dict[str, float] = {}  # linear, e.g. db_to_gain(match_gain(...).db)
        self.key: str | None = None
        self.rate = 44100
        self.position = 0  # frames: the next frame rendered
        self.playing = False
        self.program: Program | None = None
        self._span = 0
        self.finished_count = 0  # bumped each time playback runs off the end (the GUI polls it)
        self.clipped_frames = 0  # frames the safety stage had to hold within full scale
        self._fade = np.zeros((0, channels_out), np.float32)  # heard instead of the sources at `position`
        self._tail = np.zeros((0, channels_out), np.float32)  # a fade to silence after playback stopped
        self._rendered = 0  # output frames rendered so far (for the playhead)
        self._marks: deque[tuple[int, int, int]] = deque(maxlen=512)  # (output frame, position, length)

    # -- configuration (GUI thread) ---------------------------------------------------------

    @property
    def frames(self) -> int:
        source = self.sources.get(self.key) if self.key is not None else None
        return 0 if source is None else int(source.shape[0])

    @property
    def fade_frames(self) -> int:
        return max(1, round(FADE_S * self.rate))

    def set_sources(self, sources: dict[str, np.ndarray], rate: int, *, select: str | None = None) -> None:
        with self._lock:
            before = self._before_change()
            self.sources = dict(sources)
            self.gains = {k: self.gains.get(k, 1.0) for k in sources}
            self.rate = int(rate)
            if select is not None:
                self.key = select
            elif self.key not in self.sources:
                self.key = next(iter(self.sources), None)
            self.position = min(self.position, self.frames)
            self._after_change(before)

    def select(self, key: str) -> None:
        with self._lock:
            if key not in self.sources:
                raise KeyError(key)
            before = self._before_change()
            self.key = key
            self._after_change(before)

    def set_gain(self, key: str, gain: float) -> None:
        """Linear gain of one source; a change while it is heard is ramped, never stepped."""
        self.set_gains({key: gain})

    def set_gains(self, gains: dict[str, float]) -> None:
        """Several gains at once (one ramp), e.g. the loudness-matching gains of every lane."""
        with self._lock:
            before = self._before_change()
            self.gains.update({key: float(gain) for key, gain in gains.items()})
            self._after_change(before)

    def seek(self, frame: int) -> None:
        with self._lock:
            before = self._before_change()
            self.position = int(min(max(0, frame), self.frames))
            self._enter_program_at_position()
            self._after_change(before)

    def set_program(self, program: Program | None, *, start_at_first_span: bool) -> None:
        with self._lock:
            before = self._before_change()
            self.program = self._clamped(program)
            if self.program is not None and start_at_first_span:
                self._span = 0
                self.position = self.program.spans[0][0]
            else:
                self._enter_program_at_position()
            self._after_change(before)

    def set_playing(self, playing: bool) -> None:
        with self._lock:
            was_playing = self.playing
            if playing and self.position >= self._current_end():
                self.position = self.program.spans[0][0] if self.program else 0
                self._span = 0
            if was_playing and not playing:
                self._stop_with_tail()
                return
            self.playing = playing and self.frames > 0
            if self.playing and not was_playing:
                # Fade in from whatever is still sounding (a pause's tail, else silence).
                self._marks.clear()
                before = self._pad(self._tail, self.fade_frames)
                self._tail = self._tail[:0]
                self._fade = crossfade(before, self._read(self.position, self.fade_frames))

    # -- the clocks ---------------------------------------------------------------------------

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` (frames, channels_out) with what is heard next, advancing the position."""
        with self._lock:
            self._run(out.shape[0], out)
            self._rendered += out.shape[0]
        # The safety stage: never above full scale, whatever the gains asked for.
        over = np.abs(out) > FULL_SCALE
        if over.any():
            self.clipped_frames += int(over.any(axis=1).sum())
            np.clip(out, -FULL_SCALE, FULL_SCALE, out=out)

    def advance(self, frames: int) -> None:
        """Move on by ``frames`` as if they had been heard (the silent clock)."""
        with self._lock:
            self._run(frames, None)

    def heard_position(self, latency_frames: int) -> int:
        """The frame reaching the listener now, ``latency_frames`` after it was rendered."""
        with self._lock:
            if not self.playing or latency_frames <= 0 or not self._marks:
                return self.position
            target = self._rendered - latency_frames
            for rendered, position, length in reversed(self._marks):
                if rendered <= target:
                    return position + min(target - rendered, length)
            return self._marks[0][1]

    # -- internals (lock held) -----------------------------------------------------------------

    def _run(self, count: int, out: np.ndarray | None) -> None:
        done = 0
        while done < count and self.playing and self.key in self.sources:
            end = self._current_end()
            n = min(count - done, end - self.position)
            if n > 0:
                if out is not None:
                    self._marks.append((self._rendered + done, self.position, n))
                    self._emit(out[done : done + n])
                else:
                    self._fade = self._fade[n:]
                self.position += n
                done += n
            if self.position >= end:
                self._wrap_or_finish()
        if done < count:  # stopped: the fade to silence, then silence
            tail = self._tail[: count - done]
            self._tail = self._tail[tail.shape[0] :]
            if out is not None:
                out[done : done + tail.shape[0]] = tail
                out[done + tail.shape[0] :] = 0.0

    def _emit(self, out: np.ndarray) -> None:
        """The next ``len(out)`` frames: what is left of a fade, then the source itself."""
        faded = min(self._fade.shape[0], out.shape[0])
        out[:faded] = self._fade[:faded]
        self._fade = self._fade[faded:]
        if faded < out.shape[0]:
            self._copy(self.position + faded, out[faded:])

    def _copy(self, position: int, out: np.ndarray) -> None:
        """The current source (which must exist) from ``position`` into ``out``, at its gain."""
        key = self.key or ""
        source = self.sources[key]
        chunk = source[max(0, position) : max(0, position) + out.shape[0]]
        count = chunk.shape[0]
        if chunk.shape[1] >= out.shape[1]:
            out[:count] = chunk[:, : out.shape[1]]
        else:
            out[:count] = chunk[:, :1]  # mono (or fewer channels than outputs): same signal everywhere
        out[count:] = 0.0
        gain = self.gains.get(key, 1.0)
        if gain != 1.0:
            out *= gain

    def _read(self, position: int, frames: int) -> np.ndarray:
        """``frames`` of the current source from ``position`` at its gain, silence past its end."""
        out = np.zeros((frames, self.channels_out), np.float32)
        if self.key in self.sources:
            self._copy(position, out)
        return out

    def _upcoming(self, frames: int) -> np.ndarray:
        """What would be heard next if nothing changed: the rest of a fade, then the source running on."""
        head = self._fade[:frames]
        rest = self._read(self.position + head.shape[0], frames - head.shape[0])
        return np.concatenate([head, rest]) if head.shape[0] else rest

    def _pad(self, samples: np.ndarray, frames: int) -> np.ndarray:
        out = np.zeros((frames, self.channels_out), np.float32)
        out[: min(frames, samples.shape[0])] = samples[:frames]
        return out

    def _state(self) -> tuple:
        source = self.sources.get(self.key) if self.key is not None else None
        return self.key, self.position, id(source), self.gains.get(self.key, 1.0) if self.key else 1.0

    def _before_change(self) -> tuple[tuple, np.ndarray | None]:
        return self._state(), (self._upcoming(self.fade_frames) if self.playing else None)

    def _after_change(self, before: tuple[tuple, np.ndarray | None]) -> None:
        """Crossfade from what was about to be heard to what is heard now, if anything changed."""
        state, upcoming = before
        if not self.playing:
            self._fade = self._fade[:0]
        elif upcoming is not None and state != self._state():
            self._fade = crossfade(upcoming, self._read(self.position, self.fade_frames))

    def _wrap_or_finish(self) -> None:
        """At the end of a span: jump (crossfaded) to the next span, or stop (faded out)."""
        program = self.program
        target = None
        if program is not None:
            if self._span + 1 < len(program.spans):
                target = self._span + 1
            elif program.repeat_from is not None:
                target = program.repeat_from
        if program is None or target is None:
            self._stop_with_tail()
            self.finished_count += 1
            return
        upcoming = self._upcoming(self.fade_frames)
        self._span = target
        self.position = program.spans[target][0]
        self._fade = crossfade(upcoming, self._read(self.position, self.fade_frames))

    def _stop_with_tail(self) -> None:
        """Stop; what would have been heard next fades to silence instead of being cut."""
        upcoming = self._upcoming(self.fade_frames)
        self._tail = crossfade(upcoming, np.zeros_like(upcoming))
        self._fade = self._fade[:0]
        self.playing = False

    def _current_end(self) -> int:
        if self.program is None:
            return self.frames
        return self.program.spans[self._span][1]

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
