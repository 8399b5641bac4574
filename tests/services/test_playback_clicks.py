"""No clicks and no clipping: the transport's output driven buffer by buffer, as the sound card's callback does.

A click is a sample-to-sample step larger than the music's own. Switching takes, wrapping a loop
and jumping between seams must never make one; matched playback must never exceed full scale.
"""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.audio.loudness import db_to_gain, match_gain, measure
from desktop_app.audio.splice import splice
from desktop_app.services.playback import Program, Transport, seam_spans

RATE = 44100
BUFFER = 512  # a callback's worth of frames
REGION = (int(2.0 * RATE), int(4.0 * RATE))


def _song(seconds: float, chord: tuple[float, ...], seed: int, level: float = 0.25) -> np.ndarray:
    """Low chords (the worst case for a hard cut: large values, small steps) over soft noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    tones = sum(np.sin(2 * np.pi * hz * t + i) for i, hz in enumerate(chord)) / len(chord)
    noise = np.convolve(rng.standard_normal(t.size), np.ones(8) / 8, mode="same")
    left = level * (tones + 0.1 * noise)
    return np.stack([left, 0.9 * left], axis=1).astype(np.float32)


def _takes() -> dict[str, np.ndarray]:
    original = _song(6, (55.0, 82.5, 110.0), seed=1)
    sources = {"original": original}
    for n, (chord, level) in enumerate((((61.7, 92.5), 0.5), ((49.0, 73.4, 98.0), 0.12)), start=1):
        sources[f"take{n}"] = splice(original, _song(6, chord, seed=10 + n, level=level), *REGION, RATE)
    return sources


def _own_step(sources: dict[str, np.ndarray], gains: dict[str, float]) -> float:
    """The largest sample-to-sample step of any source as it is heard (at its gain)."""
    return max(float(np.abs(np.diff(s, axis=0)).max()) * gains.get(k, 1.0) for k, s in sources.items())


def _play(transport: Transport, buffers: int, events: dict[int, callable]) -> tuple[np.ndarray, list[int]]:
    """Render ``buffers`` callbacks; before buffer i run ``events[i]``. Returns output and event frames."""
    out, marks = [], []
    for i in range(buffers):
        if i in events:
            events[i](transport)
            marks.append(i * BUFFER)
        block = np.zeros((BUFFER, 2), np.float32)
        transport.render(block)
        out.append(block)
    return np.concatenate(out), marks


def _step_ratio(output: np.ndarray, frames: list[int], own: float, width: int = 2000) -> float:
    steps = np.abs(np.diff(output, axis=0)).max(axis=1)
    around = max(float(steps[max(0, f - width) : f + width].max()) for f in frames)
    return around / own


def _switching(gains: dict[str, float]) -> tuple[Transport, dict[str, np.ndarray]]:
    sources = _takes()
    transport = Transport()
    transport.set_sources(sources, RATE, select="original")
    transport.set_gains(gains)
    transport.seek(REGION[0] - RATE // 2)
    transport.set_playing(True)
    return transport, sources


def test_switching_takes_makes_no_click() -> None:
    transport, sources = _switching({})
    keys = ["take1", "take2", "original", "take2", "take1", "original", "take1"]
    events = {3 + 7 * i: (lambda t, k=k: t.select(k)) for i, k in enumerate(keys)}
    output, frames = _play(transport, 60, events)
    ratio = _step_ratio(output, frames, _own_step(sources, {}))
    print(f"\nlargest step around {len(frames)} switches: {ratio:.2f}× the music's own")
    assert ratio <= 1.0


def test_a_hard_cut_would_have_clicked() -> None:
    """The measure above can fail: the same switches without a fade step far beyond the music's own."""
    sources = _takes()
    steps = []
    for position in range(REGION[0], REGION[0] + 20 * BUFFER, 3 * BUFFER):
        cut = np.concatenate([sources["take1"][position - 1 : position], sources["take2"][position : position + 1]])
        steps.append(float(np.abs(np.diff(cut, axis=0)).max()))
    print(f"\nhard cuts step up to {max(steps) / _own_step(sources, {}):.1f}× the music's own")
    assert max(steps) > 2 * _own_step(sources, {})


def test_loop_wraps_and_seam_jumps_make_no_click() -> None:
    sources = _takes()
    transport = Transport()
    transport.set_sources(sources, RATE, select="take1")
    start, end = REGION
    transport.set_program(Program(((start - 3000, start + 9000), (start, start + 9000)), 1), start_at_first_span=True)
    transport.set_playing(True)
    output, _ = _play(transport, 80, {})
    wraps = [12000 + 9000 * i for i in range(4)]
    loop_ratio = _step_ratio(output, wraps, _own_step(sources, {}))
    transport.set_program(Program(seam_spans(start, end, 5000), 0), start_at_first_span=True)
    output, _ = _play(transport, 80, {})
    seam_ratio = _step_ratio(output, [10000, 20000, 30000], _own_step(sources, {}))
    print(f"\nlargest step around loop wraps {loop_ratio:.2f}×, around seam jumps {seam_ratio:.2f}× the music's own")
    assert loop_ratio <= 1.0 and seam_ratio <= 1.0


def test_matched_switching_stays_below_full_scale_and_click_free() -> None:
    sources = _takes()
    start, end = REGION
    reference = measure(sources["original"][start:end], RATE)
    gains = {}
    for key in ("take1", "take2"):
        take = measure(sources[key][start:end], RATE)
        matched = match_gain(reference.lufs, take.lufs, take.true_peak_dbtp)
        gains[key] = db_to_gain(matched.db)
        assert take.true_peak_dbtp + matched.db <= -1.0 + 1e-6
    transport, _ = _switching(gains)
    events = {3 + 6 * i: (lambda t, k=k: t.select(k)) for i, k in enumerate(["take2", "take1", "original", "take2"])}
    output, frames = _play(transport, 40, events)
    assert float(np.abs(output).max()) <= 1.0
    ratio = _step_ratio(output, frames, _own_step(sources, gains))
    print(f"\nmatched switching: peak {np.abs(output).max():.3f}, largest step {ratio:.2f}× the music's own")
    assert ratio <= 1.0


@pytest.mark.parametrize("gain_db", [6.0, 24.0])
def test_output_is_held_within_full_scale_whatever_the_gain(gain_db: float) -> None:
    transport, _ = _switching({"take1": db_to_gain(gain_db)})
    output, _ = _play(transport, 20, {2: lambda t: t.select("take1")})
    assert float(np.abs(output).max()) <= 1.0
