"""Splice, alignment, loudness and difference maths (the results panel's core, no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.audio.align import apply_offset, estimate_offset
from desktop_app.audio.difference import FLOOR_DB, changed_outside, difference_db
from desktop_app.audio.loudness import integrated_lufs, match_gain_db, measure
from desktop_app.audio.splice import splice

RATE = 44100


def _music(seconds: float, seed: int = 1) -> np.ndarray:
    """Noise-like but structured material: filtered noise bursts plus tones, stereo."""
    rng = np.random.default_rng(seed)
    frames = int(seconds * RATE)
    t = np.arange(frames) / RATE
    tones = 0.2 * np.sin(2 * np.pi * 220 * t) + 0.1 * np.sin(2 * np.pi * 331 * t + 1)
    noise = rng.standard_normal(frames) * 0.1 * (1 + np.sin(2 * np.pi * 2 * t))
    left = tones + noise
    right = tones * 0.8 + np.roll(noise, 7)
    return np.stack([left, right], axis=1).astype(np.float32)


def test_splice_is_bit_exact_outside_and_take_inside() -> None:
    original = _music(6)
    take = _music(6, seed=2)
    start, end = int(2.0 * RATE), int(4.0 * RATE)
    out = splice(original, take, start, end, RATE, crossfade_s=0.02)
    assert np.array_equal(out[:start], original[:start])
    assert np.array_equal(out[end:], original[end:])
    fade = int(0.02 * RATE) + int(0.003 * RATE) + 1  # crossfade plus the zero-crossing search
    assert np.array_equal(out[start + fade : end - fade], take[start + fade : end - fade])


def test_splice_rejects_a_region_outside_the_track() -> None:
    original = _music(1)
    with pytest.raises(ValueError):
        splice(original, original, 100, 10 * RATE, RATE)
    with pytest.raises(ValueError):
        splice(original, original, 500, 500, RATE)


def test_tiny_region_clamps_the_crossfade() -> None:
    original, take = _music(1), _music(1, seed=3)
    out = splice(original, take, 1000, 1010, RATE, crossfade_s=0.02)
    assert np.array_equal(out[:1000], original[:1000]) and np.array_equal(out[1010:], original[1010:])


@pytest.mark.parametrize("shift", [-347, 0, 212, 613])
def test_offset_estimation_recovers_a_known_shift(shift: int) -> None:
    original = _music(20)
    start, end = 8 * RATE, 12 * RATE
    take = np.roll(original, shift, axis=0)  # take[n + shift] == original[n]
    take[start + shift : end + shift] = _music(4, seed=9)  # the service replaced the region
    found = estimate_offset(original, take, start, end, RATE)
    assert found.offset == shift
    assert found.confidence > 0.9
    aligned = apply_offset(take, found.offset, original.shape[0])
    margin = abs(shift) + 1
    assert np.array_equal(aligned[margin:start], original[margin:start])


def test_offset_confidence_is_low_for_unrelated_audio() -> None:
    rng = np.random.default_rng(11)
    unrelated = (rng.standard_normal((10 * RATE, 2)) * 0.1).astype(np.float32)
    found = estimate_offset(_music(10), unrelated, 3 * RATE, 6 * RATE, RATE)
    assert found.confidence < 0.3


def test_loudness_of_reference_tone_and_matching() -> None:
    t = np.arange(RATE * 5) / RATE
    tone = (0.1 * np.sin(2 * np.pi * 997 * t)).astype(np.float32)
    stereo = np.stack([tone, tone], axis=1)
    assert integrated_lufs(stereo, RATE) == pytest.approx(-20.0, abs=0.1)
    loud = stereo * 2
    gain = match_gain_db(integrated_lufs(stereo, RATE), integrated_lufs(loud, RATE))
    assert gain == pytest.approx(-6.02, abs=0.05)
    matched = loud * 10 ** (gain / 20)
    assert abs(integrated_lufs(matched, RATE) - integrated_lufs(stereo, RATE)) < 0.5
    assert measure(stereo, RATE).true_peak_dbtp == pytest.approx(-20.0, abs=0.1)


def test_silence_is_floor_and_gain_zero() -> None:
    silent = np.zeros((RATE, 2), np.float32)
    assert integrated_lufs(silent, RATE) == -70.0
    assert match_gain_db(-14.0, integrated_lufs(silent, RATE)) == 0.0


def test_difference_shows_only_the_replaced_region() -> None:
    original = _music(10)
    start, end = 4 * RATE, 6 * RATE
    take = original.copy()
    take[start:end] = _music(2, seed=4)
    levels = difference_db(original, take, RATE)
    assert levels[0] == FLOOR_DB
    assert levels[int(5 / 0.05)] > -30
    assert changed_outside(original, take, start, end, RATE) == 0.0
    touched = take.copy()
    touched[RATE : RATE + RATE // 2] *= 0.5  # the service turned an outside half-second down
    assert changed_outside(original, touched, start, end, RATE) == pytest.approx(0.5, abs=0.11)


def test_prepare_take_conforms_aligns_and_measures() -> None:
    from desktop_app.audio.compare import prepare_take

    original = _music(12) * 0.25  # quiet enough that a 6 dB louder take has true-peak headroom
    start, end = 4 * RATE, 7 * RATE
    take = np.roll(original, 300, axis=0) * 2.0  # louder, shifted
    take[start + 300 : end + 300] = _music(3, seed=8) * 0.5
    mono_take = take.mean(axis=1, keepdims=True)
    prepared = prepare_take(original, RATE, take, RATE, start, end)
    assert prepared.alignment.offset == 300
    assert prepared.samples.shape == original.shape
    assert prepared.match_gain_db == pytest.approx(-6.0, abs=1.5) and not prepared.gain_limited
    assert prepared.changed_outside_s > 1.0  # the whole take is 6 dB louder outside too
    mono = prepare_take(original, RATE, mono_take, RATE, start, end)
    assert mono.samples.shape == original.shape
