"""Estimate a song's tempo and first downbeat from its audio (no Qt, numpy only).

Method (the classic onset-envelope pipeline, cf. Ellis 2007 "Beat tracking by dynamic
programming" for the envelope, Scheirer 1998 for the comb): a spectral-flux onset envelope on a
downsampled mono mix; autocorrelation picks the beat period with a mild preference for
80–160 BPM (to avoid octave errors); a comb search refines the period and beat phase; the bar
phase is the beat of the bar whose low-band onsets (kick drums) are strongest.

Only the first couple of minutes are analysed: a constant-tempo grid does not need more, and it
keeps an hour-long file's estimate well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ANALYSIS_RATE = 11025
_WINDOW = 1024
_HOP = 128
_ENVELOPE_BLOCK = 512  # frames per FFT batch in _onset_envelopes (about 2 MB of spectrum)
_LOW_BAND_HZ = 180.0
_BPM_RANGE = (60.0, 200.0)
_PREFERRED_BPM = 120.0


@dataclass(frozen=True)
class TempoEstimate:
    bpm: float
    first_downbeat: float  # seconds
    confidence: float  # 0..1; below ~0.1 the grid is a guess


def estimate_tempo(
    samples: np.ndarray, sample_rate: int, *, beats_per_bar: int = 4, max_seconds: float = 150.0
) -> TempoEstimate | None:
    """Tempo and first downbeat of ``samples`` (frames, channels); None when there is no beat."""
    mono, rate = _analysis_signal(samples, sample_rate, max_seconds)
    if mono.size < _WINDOW * 8:
        return None
    flux, low_flux = _onset_envelopes(mono, rate)
    if not _has_pulse(flux):
        return None
    envelope, low_envelope = _normalise(flux), _normalise(low_flux)
    fps = rate / _HOP
    period, confidence = _autocorrelation_period(envelope, fps)
    if period is None:
        return None
    period, phase = _refine_comb(envelope, fps, period)
    beat_s = period / fps
    # Frame i starts at i*hop; with log compression its flux peaks as soon as an onset enters the
    # window's tail, about 0.85 of a window after the frame starts (measured on clicks).
    offset_s = (_WINDOW * 0.85) / rate
    first_beat, beat_s = _refine_grid(mono, rate, phase / fps + offset_s, beat_s)
    if abs(60.0 / beat_s - round(60.0 / beat_s)) < 0.03:
        beat_s = 60.0 / round(60.0 / beat_s)  # songs made in a DAW sit on whole BPMs
    downbeat = _downbeat_phase(low_envelope + 0.25 * envelope, fps, period, phase, beats_per_bar)
    origin = first_beat + downbeat * beat_s
    start = _music_start(mono, rate)
    bar_s = beat_s * beats_per_bar
    # The first downbeat at (or just before) the point where the music starts.
    origin -= np.floor((origin - start + 0.5 * beat_s) / bar_s) * bar_s
    return TempoEstimate(bpm=round(60.0 / beat_s, 2), first_downbeat=float(origin), confidence=float(confidence))


def tap_tempo(taps: list[float], *, max_gap: float = 2.0) -> float | None:
    """BPM from tap times in seconds (the last run of taps no more than ``max_gap`` apart)."""
    run: list[float] = []
    for t in taps:
        if run and t - run[-1] > max_gap:
            run = []
        run.append(t)
    if len(run) < 2:
        return None
    intervals = np.diff(run)
    # Median of the intervals shrugs off one late or double tap; the mean of the rest refines it.
    median = float(np.median(intervals))
    good = intervals[np.abs(intervals - median) < 0.2 * median]
    return round(60.0 / float(good.mean()), 2) if good.size else None


def _analysis_signal(samples: np.ndarray, sample_rate: int, max_seconds: float) -> tuple[np.ndarray, int]:
    frames = min(samples.shape[0], int(max_seconds * sample_rate))
    data = samples[:frames] if samples.ndim == 2 else samples[:frames, None]
    factor = max(1, sample_rate // ANALYSIS_RATE)
    usable = (frames // factor) * factor
    # Averaging each block of ``factor`` frames over every channel: a crude low-pass, plenty for
    # onset energy. Summed from strided column views, because numpy's mean over a short trailing
    # axis (2 channels, 4 frames) is several times slower than adding whole columns.
    mono = np.zeros(usable // factor, np.float32)
    for channel in range(data.shape[1]):
        for phase in range(factor):
            mono += data[phase:usable:factor, channel]
    mono *= np.float32(1.0 / (factor * data.shape[1]))
    return mono, sample_rate // factor


def _onset_envelopes(mono: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray]:
    frames = sliding_window_view(mono, _WINDOW)[::_HOP]
    window = np.hanning(_WINDOW).astype(np.float32)
    # The bar phase comes from linear low-band energy: log compression would make a snare's
    # broadband noise look as strong as the kick that marks the downbeat.
    low_bins = max(2, int(_LOW_BAND_HZ * _WINDOW / rate))
    flux = np.empty(len(frames))
    low_flux = np.empty(len(frames))
    previous: tuple[np.ndarray, np.ndarray] | None = None
    # A block of frames at a time: the spectra of 150 s would be over 100 MB of temporaries.
    for lo in range(0, len(frames), _ENVELOPE_BLOCK):
        spectrum = np.abs(np.fft.rfft(frames[lo : lo + _ENVELOPE_BLOCK] * window, axis=1))
        log_spec = np.log1p(100.0 * spectrum)
        low = spectrum[:, :low_bins]
        before = previous or (log_spec[:1], low[:1])  # the first frame is its own predecessor
        flux[lo : lo + len(spectrum)] = np.maximum(np.diff(log_spec, axis=0, prepend=before[0]), 0.0).sum(axis=1)
        low_flux[lo : lo + len(spectrum)] = np.maximum(np.diff(low, axis=0, prepend=before[1]), 0.0).sum(axis=1)
        previous = (log_spec[-1:], low[-1:])
    return flux, low_flux


def _has_pulse(flux: np.ndarray) -> bool:
    """Onsets stand out from the average flux: drums give ~4x, a steady tone or noise under 2x."""
    mean = float(flux.mean())
    return mean > 1e-6 and float(np.percentile(flux, 95)) / mean > 2.0


def _normalise(envelope: np.ndarray) -> np.ndarray:
    # Subtract a ~0.5 s moving average so sustained loudness does not look like onsets.
    width = 32
    kernel = np.ones(width) / width
    local = np.convolve(envelope, kernel, mode="same")
    out = np.maximum(envelope - local, 0.0)
    peak = out.max()
    return out / peak if peak > 0 else out


def _autocorrelation_period(envelope: np.ndarray, fps: float) -> tuple[float | None, float]:
    n = envelope.size
    centred = envelope - envelope.mean()
    spectrum = np.fft.rfft(centred, 2 * n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[:n]
    if acf[0] <= 0:
        return None, 0.0
    acf /= acf[0]
    lo = int(fps * 60.0 / _BPM_RANGE[1])
    hi = min(n - 1, int(fps * 60.0 / _BPM_RANGE[0]) + 1)
    if hi <= lo + 2:
        return None, 0.0
    lags = np.arange(lo, hi)
    bpms = 60.0 * fps / lags
    weight = np.exp(-0.5 * (np.log2(bpms / _PREFERRED_BPM) / 0.9) ** 2)
    scores = acf[lo:hi] * weight
    best = int(np.argmax(scores))
    confidence = float(acf[lo + best])
    if confidence < 0.05:
        return None, confidence
    # Parabolic interpolation for a sub-frame lag.
    lag = float(lags[best])
    if 0 < best < len(scores) - 1:
        a, b, c = scores[best - 1], scores[best], scores[best + 1]
        denom = a - 2 * b + c
        if denom < 0:
            lag += 0.5 * (a - c) / denom
    return lag, min(1.0, confidence)


def _comb_scores(envelope: np.ndarray, period: float, phases: np.ndarray) -> np.ndarray:
    count = int((envelope.size - 1 - phases.max()) // period)
    if count < 2:
        return np.zeros(phases.size)
    times = phases[:, None] + period * np.arange(count)[None, :]
    return np.interp(times, np.arange(envelope.size), envelope).mean(axis=1)


def _refine_comb(envelope: np.ndarray, fps: float, period: float) -> tuple[float, float]:
    best = (-1.0, period, 0.0)
    for candidate in period * np.linspace(0.985, 1.015, 61):
        phases = np.arange(0.0, candidate, 0.25)
        scores = _comb_scores(envelope, candidate, phases)
        i = int(np.argmax(scores))
        if scores[i] > best[0]:
            best = (float(scores[i]), float(candidate), float(phases[i]))
    return best[1], best[2]


def _downbeat_phase(envelope: np.ndarray, fps: float, period: float, phase: float, beats_per_bar: int) -> int:
    bar = period * beats_per_bar
    phases = phase + period * np.arange(beats_per_bar)
    return int(np.argmax(_comb_scores(envelope, bar, phases)))


def _refine_grid(mono: np.ndarray, rate: int, first_beat: float, beat_s: float) -> tuple[float, float]:
    """Sharpen phase and period to about a millisecond using the waveform itself.

    The onset envelope has a hop of ~12 ms. Here each predicted beat looks ±40 ms around itself
    for the steepest rise of a 1 ms energy envelope; a straight line through those offsets
    (beat number → offset, outliers dropped) corrects both the first beat and the beat length.
    """
    half = int(0.04 * rate)
    smooth = max(1, rate // 1000)
    energy = np.convolve(np.abs(mono), np.ones(smooth) / smooth, mode="same")
    rise = np.maximum(np.diff(energy, prepend=energy[:1]), 0.0)
    index = np.arange(int(mono.size / rate / beat_s) + 1)
    centres = np.round((first_beat + beat_s * index) * rate).astype(np.int64)
    keep = (centres - half >= 0) & (centres + half < rise.size)
    index, centres = index[keep], centres[keep]
    if centres.size < 8:
        return first_beat, beat_s
    windows = rise[centres[:, None] + np.arange(-half, half + 1)[None, :]]
    strength = windows.max(axis=1)
    offsets = windows.argmax(axis=1) - half
    strong = strength > 0.5 * np.median(strength)
    if strong.sum() < 8:
        return first_beat, beat_s
    k, off = index[strong].astype(np.float64), offsets[strong].astype(np.float64)
    # Theil–Sen start (median of pairwise slopes): off-beat snares and hats cannot drag it.
    i, j = np.triu_indices(k.size, 1)
    slope = float(np.median((off[j] - off[i]) / (k[j] - k[i])))
    intercept = float(np.median(off - slope * k))
    good = np.abs(off - (intercept + slope * k)) < 0.005 * rate  # then least squares on the inliers
    if good.sum() >= 8:
        slope, intercept = np.polyfit(k[good], off[good], 1)
    return first_beat + intercept / rate, beat_s + slope / rate


def _music_start(mono: np.ndarray, rate: int) -> float:
    """Where the audio first rises above -26 dB of its peak: bar 1 should not start in silence."""
    level = np.abs(mono)
    loud = np.flatnonzero(level > 0.05 * level.max())
    return float(loud[0]) / rate if loud.size else 0.0
