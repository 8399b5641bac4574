"""One audio toolkit: the app and the local engine use the same crossfade, meter, beat tracker and zero crossings."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from desktop_app.audio import loudness, snap, splice, tempo
from desktop_app.engine.dsp import features
from tests.support.engine_songs import BPM, RATE, make_song


@pytest.mark.parametrize("module", ["desktop_app.engine.dsp.splice", "desktop_app.engine.dsp.loudness"])
def test_the_engine_has_no_second_implementation(module: str) -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module(module)


def test_the_engine_hears_the_tempo_the_app_shows() -> None:
    samples, _ = make_song((("verse", 4), ("chorus", 4)))
    described = features.describe(samples, RATE)
    shown = tempo.estimate_tempo(samples, RATE)
    assert shown is not None and described.tempo_bpm == pytest.approx(shown.bpm, rel=1e-6)
    assert described.tempo_bpm == pytest.approx(BPM, abs=0.5)


def test_no_steady_pulse_means_no_beat_for_either() -> None:
    rng = np.random.default_rng(2)
    noise = (0.1 * rng.standard_normal((RATE * 10, 2))).astype(np.float32)
    assert tempo.estimate_tempo(noise, RATE) is None
    assert features.describe(noise, RATE).beat_period is None


def test_splice_fades_start_at_the_snap_zero_crossing() -> None:
    t = np.arange(RATE) / RATE
    wave = np.sin(2 * np.pi * 100 * t + 0.3)[:, None].repeat(2, axis=1).astype(np.float32)
    start = 1000
    crossing = snap.nearest_zero_crossing(wave, start, round(splice.ZERO_CROSS_SEARCH_S * RATE), direction=+1)
    assert crossing is not None and crossing >= start
    out = splice.splice(wave, np.zeros_like(wave), start, RATE - 1000, RATE)
    assert np.array_equal(out[:crossing], wave[:crossing]) and not np.array_equal(out[crossing], wave[crossing])


def test_directional_zero_crossings_stay_on_their_side() -> None:
    wave = np.sin(np.arange(400) / 400 * 2 * np.pi * 4)[:, None].astype(np.float32)  # crossings every 50
    assert snap.nearest_zero_crossing(wave, 120, 40) == 101
    assert snap.nearest_zero_crossing(wave, 120, 40, direction=+1) == 151
    assert snap.nearest_zero_crossing(wave, 140, 40, direction=-1) == 101
    assert snap.nearest_zero_crossing(wave, 120, 10, direction=+1) is None


def test_silence_measures_the_same_for_app_and_engine() -> None:
    silent = np.zeros((RATE, 2), np.float32)
    assert loudness.integrated_lufs(silent, RATE) == loudness.SILENCE_LUFS
    assert loudness.measure(silent, RATE).lufs == loudness.SILENCE_LUFS
    assert loudness.match_gain_db(-14.0, loudness.integrated_lufs(silent, RATE)) == 0.0


def test_matching_never_pushes_a_peak_up_and_never_turns_a_hot_take_down_further() -> None:
    from desktop_app.audio.loudness import match_gain

    boosted = match_gain(-14.0, -20.0, -3.0)  # wants +6 dB, has 2 dB of headroom
    assert boosted.limited and boosted.db == pytest.approx(2.0)
    hot_but_quieter = match_gain(-14.0, -15.0, -0.5)  # wants +1 dB, already above the ceiling: left as it is
    assert hot_but_quieter.limited and hot_but_quieter.db == 0.0
    hot_and_louder = match_gain(-14.0, -12.0, 0.5)  # wants -2 dB: matching alone decides
    assert not hot_and_louder.limited and hot_and_louder.db == pytest.approx(-2.0)
    assert match_gain(-14.0, -16.0, -6.0) == match_gain(-14.0, -16.0, -6.0) and not match_gain(-14, -16, -6).limited
