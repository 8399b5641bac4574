"""Beat grid arithmetic, bars:beats parsing and snapping to beats and zero crossings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.audio.snap import BeatGrid, nearest_zero_crossing, snap_time


def test_bar_beat_counts_from_one_at_the_origin() -> None:
    grid = BeatGrid(bpm=120, origin=0.5)
    assert grid.bar_beat(0.5) == (1, 1, 0.0)
    assert grid.bar_beat(1.0)[:2] == (1, 2)
    assert grid.bar_beat(2.5)[:2] == (2, 1)
    assert grid.bar_beat(0.0)[:2] == (0, 4)  # the pickup before bar 1
    assert grid.format_position(2.75) == "2.1.50"
    assert grid.format_length(8.0) == "4.0"


def test_beats_between_lists_grid_lines() -> None:
    grid = BeatGrid(bpm=60, origin=0.25)
    assert list(grid.beats_between(0.0, 3.0)) == [0.25, 1.25, 2.25]
    assert grid.is_downbeat(4.25) and not grid.is_downbeat(5.25)


@given(bar=st.integers(1, 500), beat=st.integers(1, 4), hundredths=st.integers(0, 99))
def test_position_text_round_trips(bar: int, beat: int, hundredths: int) -> None:
    grid = BeatGrid(bpm=123.0, origin=0.37)
    text = f"{bar}.{beat}" if hundredths == 0 else f"{bar}.{beat}.{hundredths:02d}"
    assert grid.format_position(grid.parse_position(text)) == text


@given(seconds=st.floats(0.0, 600.0))
def test_length_text_round_trips_to_a_hundredth_of_a_beat(seconds: float) -> None:
    grid = BeatGrid(bpm=97.5)
    again = grid.parse_length(grid.format_length(seconds))
    assert abs(again - seconds) <= grid.beat_seconds * 0.005 + 1e-9


@pytest.mark.parametrize("text", ["", "abc", "0.1", "3.0", "1.2.3.4", "-"])
def test_bad_positions_are_explained(text: str) -> None:
    with pytest.raises(ValueError, match=r"bar|beat"):
        BeatGrid(bpm=120).parse_position(text)


def test_parse_accepts_colons_and_bars_only() -> None:
    grid = BeatGrid(bpm=120)
    assert grid.parse_position("3:2") == pytest.approx(4.5)
    assert grid.parse_position("3") == pytest.approx(4.0)
    assert grid.parse_length("4") == pytest.approx(8.0)


def test_tempo_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="BPM"):
        BeatGrid(bpm=5)


def test_zero_crossing_is_the_nearest_sign_change() -> None:
    rate = 1000
    t = np.arange(rate) / rate
    # Crossings every 50 frames, just before frames 49, 99, 149...: the answer is the frame after.
    wave = np.sin(2 * np.pi * 10 * t + 0.1)[:, None].astype(np.float32)
    assert nearest_zero_crossing(wave, 140, 30) == 149
    assert nearest_zero_crossing(wave, 120, 10) is None
    assert nearest_zero_crossing(np.zeros((100, 1), np.float32) + 0.1, 50, 40) is None


def test_snap_prefers_the_beat_then_refines_to_a_zero_crossing() -> None:
    rate = 8000
    t = np.arange(rate * 4) / rate
    wave = np.sin(2 * np.pi * 110 * t + 0.3)[:, None].astype(np.float32)
    grid = BeatGrid(bpm=120)
    result = snap_time(1.03, grid=grid, samples=wave, sample_rate=rate, to_grid=True, to_zero=True, grid_tolerance=0.05)
    assert result.kind == "beat+zero"
    assert abs(result.time - 1.0) <= 0.005
    frame = round(result.time * rate)
    assert np.sign(wave[frame - 1, 0]) != np.sign(wave[frame, 0])


def test_snap_outside_tolerance_and_bypassed() -> None:
    grid = BeatGrid(bpm=120)
    far = snap_time(1.2, grid=grid, samples=None, sample_rate=0, to_grid=True, to_zero=False, grid_tolerance=0.05)
    assert far.kind == "none" and far.time == 1.2
    off = snap_time(1.01, grid=grid, samples=None, sample_rate=0, to_grid=False, to_zero=False, grid_tolerance=0.05)
    assert not off.snapped and off.time == 1.01
    bar = snap_time(2.01, grid=grid, samples=None, sample_rate=0, to_grid=True, to_zero=False, grid_tolerance=0.05)
    assert bar.kind == "bar" and bar.time == 2.0
