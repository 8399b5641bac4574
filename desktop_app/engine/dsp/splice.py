"""Put a passage into a song between two sample positions, joined by short power-preserving crossfades.

The fades live inside the region, so every sample outside ``[start, end)`` is the original's.
The gain law keeps the *power* of the mix constant: for unrelated material that is the classic
sin/cos equal-power law; for material that is correlated with what it replaces (an aligned
repeat) the same law would add a +3 dB bump in the middle of the fade, so the gains are scaled
by the measured correlation ρ until, for ρ = 1, they sum to one (``a² + b² + 2ρab = 1``).
"""

from __future__ import annotations

import numpy as np


def equal_power_ramps(length: int, correlation: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(fade_out, fade_in) gains keeping a² + b² + 2ρab = 1 for signals with correlation ρ."""
    t = (np.arange(length, dtype=np.float64) + 0.5) / length
    fade_out, fade_in = np.cos(0.5 * np.pi * t), np.sin(0.5 * np.pi * t)
    rho = float(np.clip(correlation, 0.0, 1.0))
    norm = np.sqrt(fade_out**2 + fade_in**2 + 2 * rho * fade_out * fade_in)
    return (fade_out / norm).astype(np.float32), (fade_in / norm).astype(np.float32)


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Zero-lag normalised correlation of two equally long segments (0 when either is silent)."""
    a64, b64 = a.astype(np.float64).ravel(), b.astype(np.float64).ravel()
    energy = float(np.dot(a64, a64)) * float(np.dot(b64, b64))
    return float(np.dot(a64, b64) / np.sqrt(energy)) if energy > 1e-18 else 0.0


def splice_into(song: np.ndarray, start: int, end: int, passage: np.ndarray, fade: int) -> np.ndarray:
    """A copy of ``song`` whose ``[start, end)`` is ``passage`` (same length), faded in and out."""
    if passage.shape != song[start:end].shape:
        raise ValueError("the passage must be exactly as long as the region")
    out = song.copy()
    region = passage.astype(np.float32, copy=True)
    fade = max(0, min(fade, (end - start) // 2))
    if fade:
        original = song[start:end]
        if start > 0:
            head_out, head_in = equal_power_ramps(fade, correlation(original[:fade], region[:fade]))
            region[:fade] = original[:fade] * head_out[:, None] + region[:fade] * head_in[:, None]
        if end < song.shape[0]:
            tail_out, tail_in = equal_power_ramps(fade, correlation(region[-fade:], original[-fade:]))
            region[-fade:] = region[-fade:] * tail_out[:, None] + original[-fade:] * tail_in[:, None]
    out[start:end] = region
    return out
