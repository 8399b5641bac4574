"""Loudness (ITU-R BS.1770-4) and true peak, for level-matched comparison and the engine's takes.

The one loudness meter of Retake: the results panel, the comparison and the local engine all
measure here, and silence is the same everywhere (``SILENCE_LUFS``, never None).

Louder nearly always sounds better in a quick A/B, so takes are compared at matched loudness
by default: each lane gets the gain that brings its region's integrated loudness to the
original's, capped so that the take's true peak stays below -1 dBTP (:func:`match_gain`).

Both measurements stream: a song is read block by block in float32 (the K-weighting filters and
the 4x oversampling filter carry their state, or overlap, across blocks), so measuring an hour
costs a few megabytes, not a 16x float64 copy. ``start``/``end`` measure a span of a long array
in place. The figures equal pyloudnorm's meter and scipy's whole-signal ``resample_poly``.

Only numpy is used (the K-weighting is audio/kweighting.py): ``import scipy.signal`` takes about a
second since scipy 1.17, and the first comparison of a session waited for it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from desktop_app.audio.kweighting import KWeighting, fast_size

SILENCE_LUFS = -70.0  # BS.1770's absolute gate; anything quieter is silence for our purposes
MAX_MATCH_GAIN_DB = 24.0  # never boost a near-silent take into a blast
TRUE_PEAK_CEILING_DBTP = -1.0  # matched playback never pushes a take's true peak above this
PEAK_CEILING = 0.98  # the engine's takes keep their sample peaks below this
OVERSAMPLING = 4  # BS.1770-4 annex 2: 4x at 44.1/48 kHz
_GATE_S, _STEP_S = 0.4, 0.1  # 400 ms gating blocks every 100 ms (75 % overlap)
_RELATIVE_GATE_LU = 10.0
_CHANNEL_WEIGHTS = (1.0, 1.0, 1.0, 1.41, 1.41)  # L, R, C, Ls, Rs
_BLOCK_FRAMES = 1 << 16  # frames read at a time (~1.5 s at 44.1 kHz)
_PEAK_CHUNK = 1 << 13  # frames oversampled at a time by the true-peak meter


@dataclass(frozen=True)
class Loudness:
    lufs: float  # integrated loudness; SILENCE_LUFS for silence or too-short audio
    true_peak_dbtp: float


def measure(samples: np.ndarray, rate: int, *, start: int = 0, end: int | None = None) -> Loudness:
    """Loudness and true peak of ``samples[start:end]``, read in place block by block."""
    lufs = integrated_lufs(samples, rate, start=start, end=end)
    return Loudness(lufs, true_peak_dbtp(samples, rate, start=start, end=end))


def integrated_lufs(samples: np.ndarray, rate: int, *, start: int = 0, end: int | None = None) -> float:
    """Integrated loudness of ``samples[start:end]`` in LUFS (gated, BS.1770-4).

    Audio shorter than one 400 ms block is measured as one block (padded with silence).
    """
    data = samples if samples.ndim == 2 else samples[:, None]
    start, end = _span(data, start, end)
    frames = end - start
    if frames <= 0:
        return SILENCE_LUFS
    counted = max(frames, math.ceil(_GATE_S * rate))  # shorter audio is one block padded with silence
    blocks = int(np.round((counted / rate - _GATE_S) / _STEP_S)) + 1
    j = np.arange(blocks)
    lower = (_GATE_S * (j * 0.25) * rate).astype(np.int64)  # pyloudnorm's exact block bounds
    upper = (_GATE_S * (j * 0.25 + 1) * rate).astype(np.int64)
    energy = _cumulative_energy_at(data, rate, start, end, np.concatenate([lower, upper]))
    z = (energy[blocks:] - energy[:blocks]) / (_GATE_S * rate)  # (blocks, channels) mean squares
    weights = np.array([_CHANNEL_WEIGHTS[c] if c < len(_CHANNEL_WEIGHTS) else 1.0 for c in range(data.shape[1])])
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10 * np.log10(z @ weights)
        above_absolute = block_lufs >= SILENCE_LUFS
        if not above_absolute.any():
            return SILENCE_LUFS
        relative = -0.691 + 10 * np.log10(z[above_absolute].mean(axis=0) @ weights) - _RELATIVE_GATE_LU
        gated = (block_lufs > relative) & (block_lufs > SILENCE_LUFS)
        if not gated.any():
            return SILENCE_LUFS
        value = float(-0.691 + 10 * np.log10(z[gated].mean(axis=0) @ weights))
    return value if math.isfinite(value) and value > SILENCE_LUFS else SILENCE_LUFS


def true_peak_dbtp(samples: np.ndarray, rate: int, *, start: int = 0, end: int | None = None) -> float:
    """Peak of the 4x oversampled ``samples[start:end]`` in dBTP (BS.1770-4 annex 2).

    The interpolation filter is scipy's ``resample_poly`` filter, split into its four phases and
    applied by FFT chunk by chunk in float32, with enough overlap that every output sample sees
    all of its inputs: the figure is the whole-signal polyphase one, without the 16x copy.
    Chunks are oversampled loudest first; a chunk whose sample peak times the filter's gain
    bound cannot beat the peak found so far is skipped, which leaves the answer unchanged.
    """
    data = samples if samples.ndim == 2 else samples[:, None]
    start, end = _span(data, start, end)
    if end <= start:
        return -math.inf
    chunk_peaks = _chunk_peaks(data, start, end)
    neighbours = np.maximum(chunk_peaks, np.maximum(np.roll(chunk_peaks, 1), np.roll(chunk_peaks, -1)))
    bounds = neighbours * float(np.abs(_oversampling_phases()).sum(axis=1).max())
    peak = 0.0
    for index in np.argsort(bounds)[::-1]:
        if bounds[index] <= peak:
            break  # no output sample of this chunk, or of any quieter one, can be higher
        lo = start + int(index) * _PEAK_CHUNK
        peak = max(peak, _oversampled_peak(data, start, end, lo, min(end, lo + _PEAK_CHUNK)))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def match_gain_db(reference_lufs: float, lufs: float) -> float:
    """Gain in dB that brings ``lufs`` to ``reference_lufs`` (0 when either is silence), clamped."""
    if reference_lufs <= SILENCE_LUFS or lufs <= SILENCE_LUFS:
        return 0.0
    return max(-MAX_MATCH_GAIN_DB, min(MAX_MATCH_GAIN_DB, reference_lufs - lufs))


@dataclass(frozen=True)
class MatchedGain:
    db: float  # gain to apply to the take
    limited: bool  # True when the headroom, not the loudness difference, decided the gain


def match_gain(
    reference_lufs: float, lufs: float, true_peak_dbtp: float, ceiling_dbtp: float = TRUE_PEAK_CEILING_DBTP
) -> MatchedGain:
    """The loudness-matching gain, capped so it never *pushes* the take's true peak above ``ceiling_dbtp``.

    A take that already peaks above the ceiling is not turned down further than matching asks: that
    would make it quieter than the original in the A/B, which is as unfair as louder.
    """
    wanted = match_gain_db(reference_lufs, lufs)
    headroom = ceiling_dbtp - true_peak_dbtp if math.isfinite(true_peak_dbtp) else math.inf
    allowed = max(headroom, 0.0)
    if wanted > allowed:
        return MatchedGain(allowed, True)
    return MatchedGain(wanted, False)


def db_to_gain(db: float) -> float:
    return 10 ** (db / 20)


def match_loudness(take: np.ndarray, rate: int, target_lufs: float) -> np.ndarray:
    """The engine's takes: ``take`` scaled to ``target_lufs`` (unchanged if either is silence), peaks limited."""
    out = take.astype(np.float32, copy=True)
    current = integrated_lufs(out, rate)
    if target_lufs > SILENCE_LUFS and current > SILENCE_LUFS:
        out *= np.float32(db_to_gain(target_lufs - current))
    peak = float(np.abs(out).max()) if out.size else 0.0
    return soft_limit(out) if peak > PEAK_CEILING else out


def soft_limit(samples: np.ndarray) -> np.ndarray:
    """Transparent below the knee, tanh-shaped above it: no hard clipping, no pumping."""
    knee = 0.8
    over = np.abs(samples) > knee
    out = samples.copy()
    excess = np.abs(samples[over]) - knee
    out[over] = np.sign(samples[over]) * (knee + (PEAK_CEILING - knee) * np.tanh(excess / (PEAK_CEILING - knee)))
    return out


# -- internals ---------------------------------------------------------------------------------


def _span(data: np.ndarray, start: int, end: int | None) -> tuple[int, int]:
    frames = data.shape[0]
    end = frames if end is None else min(int(end), frames)
    return max(0, int(start)), end


@lru_cache(maxsize=1)
def _oversampling_phases() -> np.ndarray:
    """(4, taps) polyphase split of the low-pass ``scipy.signal.resample_poly`` designs for 4x.

    Output sample 4m + p of the oversampled signal is ``conv(x, phases[p])[m]`` (shifted by the
    filter's delay of ten input samples).
    """
    half = 10 * OVERSAMPLING
    # scipy.signal.firwin(2 * half + 1, 1 / OVERSAMPLING, window=("kaiser", 5.0)), as resample_poly designs it:
    # a windowed sinc scaled to unit gain at DC.
    offsets = np.arange(2 * half + 1) - half
    taps = np.sinc(offsets / OVERSAMPLING) / OVERSAMPLING * np.kaiser(2 * half + 1, 5.0)
    taps = taps / taps.sum() * OVERSAMPLING
    padded = np.concatenate([taps, np.zeros(-taps.size % OVERSAMPLING)])
    return padded.reshape(-1, OVERSAMPLING).T.copy()


@lru_cache(maxsize=4)
def _phase_spectra(size: int) -> tuple[np.ndarray, ...]:
    return tuple(np.fft.rfft(phase, size) for phase in _oversampling_phases())


def _chunk_peaks(data: np.ndarray, start: int, end: int) -> np.ndarray:
    """Largest absolute sample of each ``_PEAK_CHUNK`` frames of ``data[start:end]``, read block by block."""
    peaks = []
    for lo in range(start, end, _BLOCK_FRAMES):  # _BLOCK_FRAMES is a multiple of _PEAK_CHUNK
        block = np.abs(np.ascontiguousarray(data[lo : min(end, lo + _BLOCK_FRAMES)], dtype=np.float32))
        whole = block.shape[0] // _PEAK_CHUNK * _PEAK_CHUNK
        peaks.append(block[:whole].reshape(-1, _PEAK_CHUNK * block.shape[1]).max(axis=1))  # every channel at once
        if whole < block.shape[0]:
            peaks.append(block[whole:].max(keepdims=True).ravel())
    return np.concatenate(peaks)


def _oversampled_peak(data: np.ndarray, start: int, end: int, lo: int, hi: int) -> float:
    """Largest absolute 4x-oversampled value for the frames ``[lo, hi)`` of the span ``[start, end)``."""
    phases = _oversampling_phases()
    lead = (phases.shape[1] - 1) // 2  # linear phase: oversampled frame m is conv(x, phase)[m + lead]
    seg_lo = max(start, lo - lead)
    block = np.asarray(data[seg_lo : min(end, hi + lead)], dtype=np.float32)  # silence outside the span
    size = fast_size(block.shape[0] + phases.shape[1] - 1)
    spectrum = np.fft.rfft(block, size, axis=0)
    first = lo - seg_lo + lead
    peak = 0.0
    for phase in _phase_spectra(size):
        out = np.fft.irfft(spectrum * phase[:, None], size, axis=0)[first : first + hi - lo]
        peak = max(peak, float(np.abs(out).max()))
    return peak


def _cumulative_energy_at(data: np.ndarray, rate: int, start: int, end: int, marks: np.ndarray) -> np.ndarray:
    """Sum of the K-weighted squares of ``data[start:start + m]`` for each ``m`` in ``marks``, per channel.

    The filters run block by block carrying their state; past ``end`` the signal counts as silence.
    """
    marks = np.minimum(marks, end - start)
    order = np.argsort(marks, kind="stable")
    result = np.zeros((marks.size, data.shape[1]))
    weighting = KWeighting(rate, data.shape[1])  # silence before the span
    total = np.zeros(data.shape[1])
    cursor = 0  # next mark (in sorted order) to fill
    for lo in range(0, end - start, _BLOCK_FRAMES):
        hi = min(end - start, lo + _BLOCK_FRAMES)
        block = weighting.process(np.asarray(data[start + lo : start + hi], dtype=np.float64))
        running = np.cumsum(block * block, axis=0)
        while cursor < marks.size and marks[order[cursor]] <= hi:
            offset = marks[order[cursor]] - lo
            result[order[cursor]] = total + (running[offset - 1] if offset > 0 else 0.0)
            cursor += 1
        total = total + running[-1]
    result[order[cursor:]] = total
    return result
