"""The one crossfade law at the seams: no level bump for alike or unrelated audio, bit-exact outside."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.audio.crossfade import crossfade, fade_gains
from desktop_app.audio.splice import splice, splice_passage

RATE = 44100
FADE_S = 0.2  # long fades make the level measurement across them precise


def _noise(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (0.2 * rng.standard_normal((int(seconds * RATE), 2))).astype(np.float32)


def _tone(seconds: float, hz: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    mono = 0.3 * np.sin(2 * np.pi * hz * t)
    return np.stack([mono, mono], axis=1).astype(np.float32)


def _level_db(samples: np.ndarray) -> float:
    return 10 * np.log10(float(np.mean(samples.astype(np.float64) ** 2)))


def _seam_deviation_db(original: np.ndarray, take: np.ndarray, out: np.ndarray, lo: int, hi: int) -> float:
    """Largest level change across the fade [lo, hi) against the two sides' own level there.

    Windows of a quarter fade, every 10 ms; each is compared with the mean power of the original
    and the take in the same window, so the music's own level changes do not count.
    """
    width = (hi - lo) // 4
    worst = 0.0
    for a in range(lo - width // 2, hi - width // 2, RATE // 100):
        sides = 0.5 * (10 ** (_level_db(original[a : a + width]) / 10) + 10 ** (_level_db(take[a : a + width]) / 10))
        worst = max(worst, abs(_level_db(out[a : a + width]) - 10 * np.log10(sides)))
    return worst


def _fade_bounds(start: int, end: int) -> tuple[int, int, int, int]:
    fade = round(FADE_S * RATE)
    return start, start + fade, end - fade, end


@pytest.mark.parametrize(
    ("case", "make_take"),
    [
        ("same audio", lambda original: original.copy()),
        ("same audio, 0.5 dB quieter", lambda original: original * np.float32(10 ** (-0.5 / 20))),
        ("alike (an AI take: the song plus new detail)", lambda original: 0.9 * original + 0.4 * _noise(6, seed=9)),
        ("independent noise", lambda original: _noise(original.shape[0] / RATE, seed=7)),
    ],
)
def test_noise_seams_keep_their_level(case, make_take) -> None:
    original = _noise(6, seed=1)
    take = make_take(original)
    start, end = 2 * RATE, 4 * RATE
    out = splice(original, take, start, end, RATE, crossfade_s=FADE_S, zero_cross=False)
    in_lo, in_hi, out_lo, out_hi = _fade_bounds(start, end)
    deviation = max(
        _seam_deviation_db(original, take, out, in_lo, in_hi), _seam_deviation_db(original, take, out, out_lo, out_hi)
    )
    print(f"\n{case}: level across the seams within {deviation:.3f} dB")
    assert deviation <= 0.5


def test_different_tones_keep_their_level() -> None:
    original, take = _tone(6, 440.0), _tone(6, 660.0)
    start, end = 2 * RATE, 4 * RATE
    out = splice(original, take, start, end, RATE, crossfade_s=FADE_S, zero_cross=False)
    in_lo, in_hi, _, _ = _fade_bounds(start, end)
    deviation = _seam_deviation_db(original, take, out, in_lo, in_hi)
    print(f"\ndifferent tones: level across the seam within {deviation:.3f} dB")
    assert deviation <= 0.5


def test_same_audio_is_rejoined_without_change() -> None:
    """Equal-gain for identical sides: splicing a song into itself gives the song back."""
    original = _noise(3, seed=3)
    out = splice(original, original, RATE // 2, 2 * RATE, RATE)
    np.testing.assert_allclose(out, original, atol=1e-6)


def test_outside_the_region_is_bit_exact_and_inside_is_the_take() -> None:
    original, take = _noise(4, seed=1), _noise(4, seed=2)
    start, end = RATE + 123, 3 * RATE - 77
    out = splice(original, take, start, end, RATE)
    assert np.array_equal(out[:start], original[:start]) and np.array_equal(out[end:], original[end:])
    margin = round(0.02 * RATE) + round(0.003 * RATE) + 1
    assert np.array_equal(out[start + margin : end - margin], take[start + margin : end - margin])


def test_engine_passage_splice_uses_the_same_law() -> None:
    song = _noise(3, seed=4)
    passage = song[RATE : 2 * RATE].copy()
    out = splice_passage(song, RATE, 2 * RATE, passage, fade=882)
    np.testing.assert_allclose(out, song, atol=1e-6)  # same audio: equal-gain, nothing changes
    other = _noise(1, seed=5)
    out = splice_passage(song, RATE, 2 * RATE, other, fade=882)
    assert np.array_equal(out[:RATE], song[:RATE]) and np.array_equal(out[2 * RATE :], song[2 * RATE :])
    np.testing.assert_array_equal(out[RATE : RATE + 882], crossfade(song[RATE : RATE + 882], other[:882]))
    tail = slice(2 * RATE - 882, 2 * RATE)
    np.testing.assert_array_equal(out[tail], crossfade(other[-882:], song[tail]))


def test_fade_gains_follow_the_correlation() -> None:
    unrelated_out, unrelated_in = fade_gains(500, 0.0)
    np.testing.assert_allclose(unrelated_out**2 + unrelated_in**2, 1.0, atol=1e-6)
    alike_out, alike_in = fade_gains(500, 1.0)
    np.testing.assert_allclose(alike_out + alike_in, 1.0, atol=1e-6)


def test_crossfade_rejects_mismatched_sides() -> None:
    with pytest.raises(ValueError):
        crossfade(np.zeros((10, 2), np.float32), np.zeros((11, 2), np.float32))
