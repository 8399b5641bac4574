"""Extend takes against the original without any widget: alignment at the take's own length, figures over the
continuation, and keeping it (the original to the bit before the point, the take after the fade)."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.audio.compare import span_loudness
from desktop_app.audio.extension import align_extension, extension_figures, keep_extension, reference_span

RATE = 8000


def _song(seconds: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((round(seconds * RATE), 2)) * 0.1).astype(np.float32)


def _take(original: np.ndarray, after: int, extra_s: float, level: float = 0.1) -> np.ndarray:
    continuation = _song(extra_s + (original.shape[0] - after) / RATE, seed=7) * (level / 0.1)
    return np.concatenate([original[:after], continuation])


def test_keeping_an_extension_is_the_original_to_the_bit_then_the_take() -> None:
    original = _song(10.0)
    after = 6 * RATE
    take = _take(original, after, 5.0)
    kept = keep_extension(original, take, after, RATE, crossfade_s=0.02)
    fade = round(0.02 * RATE)
    assert kept.shape == take.shape and kept.shape[0] > original.shape[0]
    assert np.array_equal(kept[:after], original[:after])
    assert np.array_equal(kept[after + fade :], take[after + fade :])
    assert not np.array_equal(kept[after : after + fade], take[after : after + fade])  # faded from the original


def test_extending_from_the_very_end_has_nothing_to_fade_from() -> None:
    original = _song(4.0)
    after = original.shape[0]
    take = _take(original, after, 3.0)
    kept = keep_extension(original, take, after, RATE, crossfade_s=0.02)
    assert np.array_equal(kept, np.concatenate([original, take[after:]]))


def test_a_take_with_nothing_after_the_point_is_refused_in_a_sentence() -> None:
    original = _song(4.0)
    with pytest.raises(ValueError, match="ends before the extension point"):
        keep_extension(original, original[: 2 * RATE], 2 * RATE, RATE, crossfade_s=0.02)


def test_a_shifted_take_is_lined_up_on_the_music_before_the_point_and_keeps_its_length() -> None:
    original = _song(12.0)
    after = 9 * RATE
    take = _take(original, after, 4.0)
    delayed = np.concatenate([np.zeros((100, 2), np.float32), take])  # an encoder's delay
    aligned, alignment = align_extension(original, RATE, delayed, RATE, after)
    assert alignment.offset == 100 and alignment.confidence > 0.9
    assert aligned.shape == take.shape and np.array_equal(aligned[:after], original[:after])
    same, unmoved = align_extension(original, RATE, take, RATE, after)
    assert unmoved.offset == 0 and same is not None and same.shape == take.shape


def test_figures_are_over_the_continuation_and_nothing_changed_before_the_point() -> None:
    original = _song(12.0)
    after = 9 * RATE
    take = _take(original, after, 4.0, level=0.025)  # a continuation 12 dB quieter
    lo, hi = reference_span(after, RATE)
    assert (lo, hi) == (0, after) and reference_span(11 * RATE, RATE) == (RATE, 11 * RATE)
    reference = span_loudness(original, RATE, (lo, hi), (lo, hi))
    figures = extension_figures(original, reference, take, RATE, after, preroll=2 * RATE)
    assert figures.changed_outside_s == 0.0
    assert figures.loudness.lufs == pytest.approx(reference.lufs - 12.0, abs=0.5)
    # +12 dB would match; the true peak over what is heard (2 s of the original before the point too, at the
    # take's gain) caps it below −1 dBTP.
    assert figures.match.limited and 0 < figures.match.db < 12.0
    assert figures.match.db == pytest.approx(-1.0 - figures.loudness.true_peak_dbtp, abs=0.1)
    assert not figures.near_identical and figures.difference_db.size * 0.05 == pytest.approx(take.shape[0] / RATE)
