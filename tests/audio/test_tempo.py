"""Tempo and first-downbeat estimation against songs whose grid we know."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.audio.tempo import estimate_tempo, tap_tempo
from tests.support.audio_files import tone
from tests.support.songs import beat_song


@pytest.mark.parametrize(("bpm", "downbeat"), [(120.0, 0.5), (123.0, 0.37), (92.0, 1.3), (140.0, 0.05), (128.0, 3.1)])
def test_tempo_and_downbeat_of_a_drum_loop(bpm: float, downbeat: float) -> None:
    estimate = estimate_tempo(beat_song(40, bpm=bpm, first_downbeat=downbeat), 44100)
    assert estimate is not None
    assert estimate.bpm == pytest.approx(bpm, abs=0.05)
    assert estimate.first_downbeat == pytest.approx(downbeat, abs=0.005)  # 5 ms: inaudible as a grid error
    assert estimate.confidence > 0.3


def test_mono_and_other_rates_work() -> None:
    song = beat_song(30, bpm=110, first_downbeat=0.8, rate=48000)[:, :1]
    estimate = estimate_tempo(song, 48000)
    assert estimate is not None
    assert estimate.bpm == pytest.approx(110, abs=0.05)
    assert estimate.first_downbeat == pytest.approx(0.8, abs=0.005)


@pytest.mark.parametrize(
    "signal",
    [
        pytest.param(np.zeros((44100 * 10, 2), np.float32), id="silence"),
        pytest.param(tone(44100 * 10), id="steady tone"),
        pytest.param(np.random.default_rng(1).standard_normal((441000, 2)).astype(np.float32) * 0.1, id="noise"),
        pytest.param(tone(2000), id="too short"),
    ],
)
def test_no_beat_gives_no_grid(signal: np.ndarray) -> None:
    assert estimate_tempo(signal, 44100) is None


def test_tap_tempo_uses_the_last_run_and_ignores_a_stray_tap() -> None:
    taps = [0.0, 0.5, 10.0, 10.5, 11.0, 11.5, 11.9, 12.5]  # an old run, then 120 BPM with one early tap
    assert tap_tempo(taps) == pytest.approx(120.0, abs=3.0)
    assert tap_tempo([1.0]) is None
    assert tap_tempo([1.0, 5.0]) is None


def test_demo_song_grid_matches_its_score() -> None:
    import soundfile as sf

    from desktop_app.paths import demo_song

    if not demo_song().exists():
        pytest.skip("the demo song is not generated in this checkout")
    samples, rate = sf.read(str(demo_song()), dtype="float32", always_2d=True)
    estimate = estimate_tempo(samples, rate)
    assert estimate is not None
    assert estimate.bpm == pytest.approx(120.0, abs=0.01)  # resources/demo/README.md: 120 BPM, bar 1 at 0.0 s
    assert estimate.first_downbeat == pytest.approx(0.0, abs=0.005)
