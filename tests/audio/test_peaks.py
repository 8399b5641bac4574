"""The peak pyramid: exact against brute force at every zoom and offset, and progressive."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.audio import load_with_peaks
from desktop_app.audio.peaks import BASE_BLOCK, CHUNK_FRAMES, PeakBuilder, PeakPyramid
from tests.support.audio_files import tone, write


def brute_force_columns(pyr: PeakPyramid, channel: int, start: float, fpp: float, count: int):
    """The contract of ``columns`` written as a loop over raw samples, one column at a time."""
    limit = min(pyr.frames, pyr.ready_frames)
    block = pyr.block_for(fpp)
    edges = start + fpp * np.arange(count + 1, dtype=np.float64)  # same arithmetic as the code under test
    mins = np.full(count, np.nan, np.float32)
    maxs = np.full(count, np.nan, np.float32)

    def snap(edge: float) -> int:
        first = min(max(int(np.floor(edge)), 0), limit)
        return min(-(-first // block) * block, limit)

    for i in range(count):
        lo, hi = snap(edges[i]), snap(edges[i + 1])
        if edges[i + 1] > 0 and lo < limit:
            span = pyr.samples[lo : max(hi, lo + 1), channel]
            mins[i], maxs[i] = span.min(), span.max()
    return mins, maxs


def _noise(frames: int, channels: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.standard_normal((frames, channels)).astype(np.float32) * 0.3


@pytest.fixture(scope="module")
def pyramid() -> PeakPyramid:
    # Longer than one chunk, and not a multiple of any block size.
    return PeakPyramid.from_samples(_noise(CHUNK_FRAMES + 3 * BASE_BLOCK * 1000 + 77, 2))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fpp=st.one_of(st.floats(0.05, 3.0), st.floats(3.0, 5_000.0), st.floats(5_000.0, 3_000_000.0)),
    start_fraction=st.floats(-0.2, 1.1),
    count=st.integers(1, 400),
    channel=st.integers(0, 1),
)
def test_columns_match_brute_force(pyramid: PeakPyramid, fpp: float, start_fraction: float, count: int, channel: int):
    start = start_fraction * pyramid.frames
    got = pyramid.columns(channel, start, fpp, count)
    want = brute_force_columns(pyramid, channel, start, fpp, count)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


@pytest.mark.parametrize("fpp", [1.0, 100.0, 1024.0, 4096.0, 65536.0])
def test_whole_track_view_loses_no_peak(pyramid: PeakPyramid, fpp: float):
    """Definition-free check: the columns tile the track, so the extremes all show up."""
    count = int(np.ceil(pyramid.frames / fpp))
    for ch in range(2):
        mins, maxs = pyramid.columns(ch, 0, fpp, count)
        assert not np.isnan(mins).any()
        assert mins.min() == pyramid.samples[:, ch].min() and maxs.max() == pyramid.samples[:, ch].max()


def test_column_edges_move_by_less_than_a_quarter_pixel(pyramid: PeakPyramid):
    for fpp in (1023.0, 1024.0, 5000.0, 100_000.0):
        assert pyramid.block_for(fpp) <= fpp / 4


def test_every_level_is_the_min_max_of_its_blocks():
    samples = _noise(BASE_BLOCK * 37 + 5, 3)
    pyr = PeakPyramid.from_samples(samples)
    assert pyr.mins[-1].shape == (3, 1)
    for level in range(pyr.levels):
        block = BASE_BLOCK << level
        for b in range(pyr.mins[level].shape[1]):
            span = samples[b * block : (b + 1) * block]
            np.testing.assert_array_equal(pyr.mins[level][:, b], span.min(axis=0))
            np.testing.assert_array_equal(pyr.maxs[level][:, b], span.max(axis=0))


@pytest.mark.parametrize("frames", [1, 2, 255, 256, 257, BASE_BLOCK * 4096 + 1])
def test_tiny_and_boundary_lengths(frames: int):
    samples = _noise(frames, 1)
    pyr = PeakPyramid.from_samples(samples)
    assert pyr.complete and pyr.mins[-1].shape == (1, 1)
    assert pyr.mins[-1][0, 0] == samples.min() and pyr.maxs[-1][0, 0] == samples.max()
    mins, _ = pyr.columns(0, 0, frames / 10, 12)
    assert np.isnan(mins[10:]).all() and not np.isnan(mins[:10]).any()


def test_columns_before_the_start_and_after_the_end_are_nan(pyramid: PeakPyramid):
    mins, maxs = pyramid.columns(0, -1000.0, 100.0, 20)
    assert np.isnan(mins[:10]).all() and not np.isnan(mins[10:]).any()
    mins, maxs = pyramid.columns(0, pyramid.frames - 500.0, 100.0, 20)
    assert not np.isnan(maxs[:5]).any() and np.isnan(maxs[5:]).all()


def test_zoomed_in_past_one_frame_per_pixel_shows_the_sample_under_each_pixel(pyramid: PeakPyramid):
    mins, maxs = pyramid.columns(1, 10.0, 0.25, 8)
    expected = np.repeat(pyramid.samples[10:12, 1], 4)
    np.testing.assert_array_equal(mins, expected)
    np.testing.assert_array_equal(maxs, expected)


def test_nan_sample_is_detected_and_shows_in_its_column():
    samples = _noise(BASE_BLOCK * 50, 2)
    samples[BASE_BLOCK * 20 + 3, 1] = np.nan
    pyr = PeakPyramid.from_samples(samples)
    assert not pyr.is_finite()
    mins, _ = pyr.columns(1, 0, BASE_BLOCK * 5, 10)
    assert np.isnan(mins[4]) and not np.isnan(np.delete(mins, 4)).any()
    samples[BASE_BLOCK * 20 + 3, 1] = np.inf
    assert not PeakPyramid.from_samples(samples).is_finite()
    samples[BASE_BLOCK * 20 + 3, 1] = 0.0
    assert PeakPyramid.from_samples(samples).is_finite()


def test_partly_built_pyramid_answers_only_for_ready_frames():
    samples = _noise(BASE_BLOCK * 5000, 1)
    builder = PeakBuilder(samples)
    builder.add(0, BASE_BLOCK * 1000)
    partial = builder.pyramid
    fpp = samples.shape[0] / 100  # whole-track view: a coarse level
    mins, _ = partial.columns(0, 0, fpp, 100)
    assert not np.isnan(mins[:19]).any() and np.isnan(mins[21:]).all()
    np.testing.assert_array_equal(mins, brute_force_columns(partial, 0, 0, fpp, 100)[0])
    with pytest.raises(ValueError):
        builder.finish()


def test_progressive_loading_of_a_long_file(tmp_path: Path):
    frames = CHUNK_FRAMES * 3 + 12_345
    path = write(tmp_path / "long.wav", tone(frames, 2, freq=97.0), 44100, "WAV", "FLOAT")
    seen: list[int] = []
    snapshots: list[tuple[int, np.ndarray]] = []

    def progress(pyr: PeakPyramid) -> None:
        seen.append(pyr.ready_frames)
        fpp = frames / 500
        snapshots.append((pyr.ready_frames, pyr.columns(0, 0, fpp, 500)[1].copy()))

    clip, peaks = load_with_peaks(path, progress=progress)
    assert len(seen) >= 3 and seen == sorted(seen) and seen[0] < frames and seen[-1] == frames
    final = peaks.columns(0, 0, frames / 500, 500)[1]
    for ready, maxs in snapshots:
        # Every column entirely inside the ready part already shows its final value.
        done = int(ready // (frames / 500)) - 1
        np.testing.assert_array_equal(maxs[:done], final[:done])
    assert peaks.samples is clip.samples


def test_columns_reject_a_nonsense_zoom(pyramid: PeakPyramid):
    with pytest.raises(ValueError):
        pyramid.columns(0, 0, 0.0, 10)


def test_peak_is_the_largest_absolute_sample_of_what_is_decoded():
    samples = _noise(BASE_BLOCK * 5000, 2) * 0.01
    samples[BASE_BLOCK * 3000 + 7, 1] = -0.25  # the loudest sample, negative, late, right channel
    assert PeakPyramid.from_samples(samples).peak() == pytest.approx(0.25)
    builder = PeakBuilder(samples)
    builder.add(0, BASE_BLOCK * 1000)
    assert builder.pyramid.peak() == pytest.approx(np.abs(samples[: BASE_BLOCK * 1000]).max())
    assert PeakPyramid.from_samples(np.zeros((1000, 1), np.float32)).peak() == 0.0
