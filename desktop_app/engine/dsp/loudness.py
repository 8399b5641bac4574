"""Keep a take as loud as its input (ITU-R BS.1770 via pyloudnorm), so louder never wins by default."""

from __future__ import annotations

import warnings

import numpy as np
import pyloudnorm

PEAK_CEILING = 0.98


def integrated_lufs(samples: np.ndarray, sample_rate: int) -> float | None:
    """Integrated loudness, or None for silence or a clip shorter than one 400 ms block."""
    if samples.shape[0] < int(0.4 * sample_rate) + 1:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyloudnorm warns on clipping; we limit afterwards anyway
        value = pyloudnorm.Meter(sample_rate).integrated_loudness(samples.astype(np.float64, copy=False))
    return float(value) if np.isfinite(value) else None


def match_loudness(take: np.ndarray, sample_rate: int, target_lufs: float | None) -> np.ndarray:
    """Scale ``take`` to ``target_lufs`` and keep its peaks under the ceiling."""
    out = take.astype(np.float32, copy=True)
    current = integrated_lufs(out, sample_rate) if target_lufs is not None else None
    if current is not None and target_lufs is not None:
        out *= np.float32(10 ** ((target_lufs - current) / 20))
    peak = float(np.abs(out).max()) if out.size else 0.0
    if peak > PEAK_CEILING:
        out = soft_limit(out)
    return out


def soft_limit(samples: np.ndarray) -> np.ndarray:
    """Transparent below the knee, tanh-shaped above it: no hard clipping, no pumping."""
    knee = 0.8
    over = np.abs(samples) > knee
    out = samples.copy()
    excess = np.abs(samples[over]) - knee
    out[over] = np.sign(samples[over]) * (knee + (PEAK_CEILING - knee) * np.tanh(excess / (PEAK_CEILING - knee)))
    return out
