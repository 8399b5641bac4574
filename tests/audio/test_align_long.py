"""Alignment works on the context around the region, or on a decimated signal: never on whole songs."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from desktop_app.audio.align import apply_offset, estimate_offset

RATE = 44100


def _music(seconds: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    frames = int(seconds * RATE)
    t = np.arange(frames) / RATE
    tones = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 331 * t + 1)
    noise = rng.standard_normal(frames) * 0.1 * (1 + np.sin(2 * np.pi * 0.7 * t))
    return np.stack([tones + noise, 0.8 * tones + np.roll(noise, 7)], axis=1).astype(np.float32)


@pytest.mark.parametrize("shift", [-4321, -1, 0, 313, 9000])
def test_a_whole_track_take_is_aligned_to_the_sample(shift: int) -> None:
    original = _music(40)
    take = np.roll(original, shift, axis=0) * np.float32(0.7)  # re-encoded, quieter, shifted
    found = estimate_offset(original, take, 0, original.shape[0], RATE)
    assert found.offset == shift and found.confidence > 0.9
    aligned = apply_offset(take, found.offset, original.shape[0])
    np.testing.assert_allclose(aligned[RATE:-RATE], 0.7 * original[RATE:-RATE], atol=1e-6)


def test_an_unrelated_whole_track_take_has_low_confidence() -> None:
    rng = np.random.default_rng(3)
    unrelated = (0.2 * rng.standard_normal((30 * RATE, 2))).astype(np.float32)
    assert estimate_offset(_music(30), unrelated, 0, 30 * RATE, RATE).confidence < 0.3
    assert estimate_offset(_music(30), unrelated * 0, 0, 30 * RATE, RATE).confidence == 0.0


def _allocated_while(action) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_follows_the_context_not_the_song() -> None:
    short, long = _music(60), _music(300)  # one and five minutes (106 MB of float32 stereo)
    start = 30 * RATE
    regions = []
    for song in (short, long):
        take = np.roll(song, 250, axis=0)
        regions.append(_allocated_while(lambda s=song, t=take: estimate_offset(s, t, start, start + 10 * RATE, RATE)))
    whole = _allocated_while(lambda: estimate_offset(long, take, 0, long.shape[0], RATE))
    print(f"\nregion alignment allocated {regions[0] / 1e6:.1f} MB (1 min), {regions[1] / 1e6:.1f} MB (5 min); "
          f"whole-track alignment of 5 min {whole / 1e6:.1f} MB")  # fmt: skip
    assert regions[1] < 1.2 * regions[0]
    assert whole < long.nbytes / 4
