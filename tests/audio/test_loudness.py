"""The one loudness meter: BS.1770 loudness and true peak, streamed, equal to the whole-signal figures."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pyloudnorm
import pytest
from scipy import signal

from desktop_app.audio.loudness import (
    PEAK_CEILING,
    SILENCE_LUFS,
    integrated_lufs,
    match_loudness,
    measure,
    true_peak_dbtp,
)

RATE = 44100


def _music(seconds: float, seed: int = 1, rate: int = RATE) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    swell = (1 + np.sin(2 * np.pi * 0.3 * t))[:, None]
    tones = 0.3 * np.sin(2 * np.pi * rate * 0.2317 * t)[:, None]  # near fs/4: peaks fall between samples
    samples = 0.15 * rng.standard_normal((t.size, 2)) * swell + tones
    samples[: t.size // 4] *= 0.02  # a quiet intro the gates must drop
    return samples.astype(np.float32)


def _whole_signal_true_peak(samples: np.ndarray) -> float:
    return 20 * math.log10(float(np.abs(signal.resample_poly(samples.astype(np.float64), 4, 1, axis=0)).max()))


@pytest.mark.parametrize("rate", [44100, 48000, 22050])
def test_true_peak_streams_to_the_whole_signal_figure(rate: int) -> None:
    samples = _music(7.3, rate=rate)
    streamed, whole = true_peak_dbtp(samples, rate), _whole_signal_true_peak(samples)
    print(f"\n{rate} Hz: streamed {streamed:.4f} dBTP, whole-signal polyphase {whole:.4f} dBTP")
    assert streamed == pytest.approx(whole, abs=0.05)


def test_an_intersample_peak_is_found() -> None:
    t = np.arange(RATE) / RATE
    tone = 0.5 * np.sin(2 * np.pi * RATE / 4 * t + np.pi / 4)  # every sample at ±0.354, the wave at ±0.5
    peak = true_peak_dbtp(tone.astype(np.float32)[:, None], RATE)
    assert 20 * math.log10(np.abs(tone).max()) < peak - 2.5
    assert peak == pytest.approx(20 * math.log10(0.5), abs=0.2)  # the abrupt start rings a little


@pytest.mark.parametrize("seconds", [0.25, 0.5, 4.1, 12.0])
def test_loudness_equals_pyloudnorm(seconds: float) -> None:
    samples = _music(seconds)
    padded = samples
    minimum = math.ceil(0.4 * RATE)
    if samples.shape[0] < minimum:
        padded = np.concatenate([samples, np.zeros((minimum - samples.shape[0], 2), np.float32)])
    reference = pyloudnorm.Meter(RATE).integrated_loudness(padded.astype(np.float64))
    assert integrated_lufs(samples, RATE) == pytest.approx(reference, abs=0.01)


def test_a_span_measures_like_a_copy_of_it() -> None:
    song = _music(20)
    start, end = 5 * RATE + 17, 9 * RATE + 3
    span, copy = measure(song, RATE, start=start, end=end), measure(song[start:end].copy(), RATE)
    assert span.lufs == pytest.approx(copy.lufs, abs=1e-6)
    assert span.true_peak_dbtp == pytest.approx(copy.true_peak_dbtp, abs=1e-6)


def test_measuring_a_long_song_needs_no_whole_song_copy() -> None:
    song = _music(60)  # 21 MB of float32; the old 4x float64 oversampling copied 169 MB
    tracemalloc.start()
    try:
        measure(song, RATE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"\nmeasuring 60 s of stereo allocated at most {peak / 1e6:.1f} MB")
    assert peak < song.nbytes / 2


def test_silence_is_the_same_everywhere() -> None:
    silent = np.zeros((RATE, 2), np.float32)
    assert integrated_lufs(silent, RATE) == SILENCE_LUFS
    assert integrated_lufs(silent[:0], RATE) == SILENCE_LUFS
    assert true_peak_dbtp(silent, RATE) == -math.inf
    assert np.array_equal(match_loudness(silent, RATE, -14.0), silent)  # nothing to match: unchanged
    music = 0.5 * _music(3)
    assert np.array_equal(match_loudness(music, RATE, SILENCE_LUFS), music)


def test_engine_matching_reaches_the_target_and_keeps_peaks_down() -> None:
    music = _music(6)
    quieter = match_loudness(music, RATE, integrated_lufs(music, RATE) - 6.0)
    assert integrated_lufs(quieter, RATE) == pytest.approx(integrated_lufs(music, RATE) - 6.0, abs=0.05)
    louder = match_loudness(music, RATE, -8.0)
    assert np.abs(louder).max() <= PEAK_CEILING


def test_a_prepared_take_is_matched_only_up_to_its_true_peak_headroom() -> None:
    from desktop_app.audio.compare import prepare_take

    original = 0.5 * _music(12)
    start, end = 4 * RATE, 8 * RATE
    take = original.copy()
    t = np.arange(end - start) / RATE
    spikes = np.where(np.sin(2 * np.pi * 2 * t) > 0.999, 0.7, 0.01)  # quiet, but with clicks 3 dB under full scale
    take[start:end] = (spikes * np.sin(2 * np.pi * 1000 * t))[:, None].astype(np.float32)
    prepared = prepare_take(original, RATE, take, RATE, start, end)
    assert prepared.gain_limited
    assert prepared.region_loudness.true_peak_dbtp + prepared.match_gain_db == pytest.approx(-1.0, abs=1e-6)
