"""Loudness per ITU-R BS.1770 (pyloudnorm) and true peak, for level-matched comparison of takes.

Louder nearly always sounds better in a quick A/B, so takes are compared at matched loudness
by default: each lane gets the gain that brings its region's integrated loudness to the original's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyloudnorm
from scipy import signal

SILENCE_LUFS = -70.0  # BS.1770's absolute gate; anything quieter is silence for our purposes
MAX_MATCH_GAIN_DB = 24.0  # never boost a near-silent take into a blast
TRUE_PEAK_CEILING_DBTP = -1.0  # matched playback never pushes a take's true peak above this
_MIN_BLOCK_S = 0.4  # BS.1770 gating blocks are 400 ms


@dataclass(frozen=True)
class Loudness:
    lufs: float  # integrated loudness; SILENCE_LUFS for silence or too-short audio
    true_peak_dbtp: float


def integrated_lufs(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness in LUFS; audio shorter than one 400 ms block is measured as one block."""
    data = samples if samples.ndim == 2 else samples[:, None]
    if data.shape[0] == 0:
        return SILENCE_LUFS
    minimum = math.ceil(_MIN_BLOCK_S * rate)
    if data.shape[0] < minimum:
        data = np.concatenate([data, np.zeros((minimum - data.shape[0], data.shape[1]), data.dtype)])
    meter = pyloudnorm.Meter(rate)
    with np.errstate(divide="ignore"):
        value = float(meter.integrated_loudness(data.astype(np.float64, copy=False)))
    return value if math.isfinite(value) and value > SILENCE_LUFS else SILENCE_LUFS


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """Peak of the 4x oversampled signal in dBTP (BS.1770-4 annex 2, polyphase interpolation)."""
    if samples.size == 0:
        return -math.inf
    up = signal.resample_poly(samples.astype(np.float64, copy=False), 4, 1, axis=0)
    peak = float(np.max(np.abs(up)))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def measure(samples: np.ndarray, rate: int) -> Loudness:
    return Loudness(integrated_lufs(samples, rate), true_peak_dbtp(samples, rate))


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
    """The loudness-matching gain, capped so the take's true peak stays at or below ``ceiling_dbtp``."""
    wanted = match_gain_db(reference_lufs, lufs)
    if math.isfinite(true_peak_dbtp) and true_peak_dbtp + wanted > ceiling_dbtp:
        return MatchedGain(ceiling_dbtp - true_peak_dbtp, True)
    return MatchedGain(wanted, False)


def db_to_gain(db: float) -> float:
    return 10 ** (db / 20)
