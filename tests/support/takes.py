"""A finished inpaint job's material: the song and its two takes (shifted, re-levelled, region replaced)."""

from __future__ import annotations

import numpy as np

RATE = 44100
REGION = (6.0, 10.0)
SHIFTS = (300, -120)


def take_song(seconds: float, seed: int) -> np.ndarray:
    """A hum with a slow swell plus noise: ``seed`` makes each replaced passage different."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    base = 0.2 * np.sin(2 * np.pi * 110 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.5 * t))
    return (base[:, None] + rng.standard_normal((len(t), 2)) * 0.05).astype(np.float32)
