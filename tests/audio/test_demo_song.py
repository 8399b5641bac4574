"""The shipped demo song is what its README says: length, format, loudness, identical choruses."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from desktop_app import paths
from desktop_app.audio import load


@pytest.fixture(scope="module")
def demo():
    return load(paths.demo_song())


def test_demo_song_format_and_length(demo):
    assert (demo.info.format, demo.sample_rate, demo.channels) == ("FLAC", 44100, 2)
    assert 60 <= demo.duration <= 90
    assert paths.demo_song().stat().st_size < 8_000_000


def test_demo_song_is_mastered_without_clipping(demo):
    assert 20 * np.log10(np.abs(demo.samples).max()) < -1.0
    assert pyloudnorm.Meter(demo.sample_rate).integrated_loudness(demo.samples) == pytest.approx(-14.0, abs=0.5)


def test_demo_song_choruses_repeat_exactly(demo):
    """120 BPM, 2 s bars: chorus 1 is bars 13-20 (24-40 s), chorus 2 bars 29-36 (56-72 s)."""
    rate = demo.sample_rate
    first, second = demo.samples[24 * rate : 40 * rate], demo.samples[56 * rate : 72 * rate]
    assert np.array_equal(first, second)
    assert np.abs(first).max() > 0.5


def test_demo_readme_states_the_facts():
    text = (paths.demo_song().parent / "README.md").read_text()
    for fact in ("120 BPM", "4/4", "A minor", "free to use", "make_demo_song.py", "| chorus | 29 | 36 | 56.0 | 72.0 |"):
        assert fact in text
