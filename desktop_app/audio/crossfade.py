"""The one crossfade law of Retake: gains that keep the level of the mix steady whatever is joined.

Two signals faded with the classic sin/cos equal-power law keep their *power* only when they are
unrelated. AI takes are usually very like the original at a seam, and a take spliced into its own
song is often the same audio: for those the equal-power law swells by up to +3 dB mid-fade. The
gains here are normalised by the correlation ρ of the two signals across the fade so that
``a² + b² + 2ρab = 1`` at every sample: equal-power for ρ = 0, equal-gain (a + b = 1) for ρ = 1.

Everything that joins two signals uses this module: the splice, comps, the local engine's
inpainting and the player's click-free source switches.
"""

from __future__ import annotations

import numpy as np


def fade_gains(length: int, correlation: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(fade_out, fade_in) float32 gains of ``length`` samples keeping a² + b² + 2ρab = 1.

    ``correlation`` is clipped to [0, 1]: anti-correlated material is faded as if unrelated.
    """
    if length <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
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


def crossfade(outgoing: np.ndarray, incoming: np.ndarray) -> np.ndarray:
    """Fade from ``outgoing`` to ``incoming`` (same shape, frames first) with gains that follow their correlation."""
    if outgoing.shape != incoming.shape:
        raise ValueError("both sides of a crossfade must have the same shape")
    if outgoing.shape[0] == 0:
        return outgoing.astype(np.float32, copy=True)
    gain_out, gain_in = fade_gains(outgoing.shape[0], correlation(outgoing, incoming))
    shape = (-1,) + (1,) * (outgoing.ndim - 1)
    mixed = outgoing * gain_out.reshape(shape) + incoming * gain_in.reshape(shape)
    return mixed.astype(np.float32, copy=False)
