"""Inpainting recovers a removed passage of a repeated section nearly as well as the repeat itself would."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.audio.splice import splice_passage
from desktop_app.engine.dsp.inpaint import NothingToBorrowError, inpaint
from tests.support.engine_songs import BAR, RATE, make_song, snr_db

TOLERANCE_DB = 1.5
FADE = int(0.02 * RATE)


@pytest.fixture(scope="module")
def song():
    return make_song()  # intro verse chorus verse chorus bridge chorus outro, 104 s


def _region(sections, offset_s: float, length_s: float):
    second_chorus = [s for s in sections if s.name == "chorus"][1]
    start = int((second_chorus.start + offset_s) * RATE)
    return second_chorus, start, start + int(length_s * RATE)


def _true_lags(sections, chorus) -> list[int]:
    return [round((chorus.start - s.start) * RATE) for s in sections if s.name == "chorus" and s is not chorus]


@pytest.mark.parametrize(("offset_s", "length_s"), [(2 * BAR, 2 * BAR), (3.3, 5.1), (1.0, 9.0)])
def test_take_one_is_within_tolerance_of_the_best_borrow(song, offset_s, length_s):
    samples, sections = song
    chorus, start, end = _region(sections, offset_s, length_s)
    reference = samples[start:end]
    lags = _true_lags(sections, chorus)
    best_raw = max(snr_db(reference, samples[start - lag : end - lag]) for lag in lags)

    result = inpaint(samples, RATE, start, end)
    take_one = snr_db(reference, result.takes[0][start:end])
    print(f"\nregion {offset_s:.1f}+{length_s:.1f}s: take 1 {take_one:.2f} dB, best borrow {best_raw:.2f} dB, "
          f"take 2 {snr_db(reference, result.takes[1][start:end]):.2f} dB")  # fmt: skip
    assert take_one >= best_raw - TOLERANCE_DB
    assert result.borrows[0].lag in lags, "take 1 borrows a true repeat, aligned to the sample"
    assert result.borrows[0].source_start != result.borrows[1].source_start


def test_a_removed_region_is_found_without_looking_at_it(song):
    """Silence the region first: the search must choose the same borrow, as it never reads the region."""
    samples, sections = song
    chorus, start, end = _region(sections, 2 * BAR, 2 * BAR)
    removed = samples.copy()
    removed[start:end] = 0.0
    reference = samples[start:end]
    spliced = [splice_passage(removed, start, end, samples[start - lag : end - lag], FADE)[start:end]
               for lag in _true_lags(sections, chorus)]  # fmt: skip
    best_spliced = max(snr_db(reference, candidate) for candidate in spliced)

    intact = inpaint(samples, RATE, start, end)
    result = inpaint(removed, RATE, start, end)
    take_one = snr_db(reference, result.takes[0][start:end])
    print(f"\nremoved region: take 1 {take_one:.2f} dB, best borrow spliced the same way {best_spliced:.2f} dB")
    assert [b.lag for b in result.borrows] == [b.lag for b in intact.borrows]
    assert take_one >= best_spliced - TOLERANCE_DB


def test_outside_the_region_every_sample_is_the_input(song):
    samples, sections = song
    _, start, end = _region(sections, 3.3, 5.1)
    for take in inpaint(samples, RATE, start, end).takes:
        assert np.array_equal(take[:start], samples[:start]) and np.array_equal(take[end:], samples[end:])


def test_region_at_the_very_start_uses_only_what_follows(song):
    samples, _ = song
    result = inpaint(samples, RATE, 0, 2 * RATE)
    assert np.array_equal(result.takes[0][2 * RATE :], samples[2 * RATE :])


def test_a_region_longer_than_anything_left_to_borrow_is_refused():
    samples, _ = make_song((("verse", 4),))
    with pytest.raises(NothingToBorrowError):
        inpaint(samples, RATE, int(1 * RATE), int(6 * RATE))
