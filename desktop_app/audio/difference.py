"""How far a take departs from the original over time, in dB: the difference lane.

For each block we compare the energy of (take - original) with the original's own energy. A block
where the take is the original to the bit reads ``FLOOR_DB``; a block that was replaced reads
around 0 dB or above. This is what shows a producer at a glance whether the service touched
anything outside the region.
"""

from __future__ import annotations

import numpy as np

FLOOR_DB = -120.0
BLOCK_S = 0.05


def difference_db(original: np.ndarray, take: np.ndarray, rate: int, block_s: float = BLOCK_S) -> np.ndarray:
    """Per-block level of ``take - original`` relative to full scale, in dB (``FLOOR_DB`` when identical).

    Both arrays must be aligned and shaped (frames, channels); the shorter is padded with silence.
    """
    frames = max(original.shape[0], take.shape[0])
    block = max(1, int(block_s * rate))
    blocks = -(-frames // block)
    diff = np.zeros((blocks * block,), np.float64)
    a = original.mean(axis=1) if original.ndim == 2 else original
    b = take.mean(axis=1) if take.ndim == 2 else take
    diff[: len(b)] += b
    diff[: len(a)] -= a
    energy = np.square(diff).reshape(blocks, block).mean(axis=1)
    with np.errstate(divide="ignore"):
        level = 10 * np.log10(energy)
    return np.maximum(level, FLOOR_DB)


def changed_outside(
    original: np.ndarray, take: np.ndarray, start: int, end: int, rate: int, threshold_db: float = -60.0
) -> float:
    """Seconds of audio outside ``[start, end)`` where the take departs by more than ``threshold_db``."""
    block = max(1, int(BLOCK_S * rate))
    levels = difference_db(original, take, rate)
    centers = (np.arange(len(levels)) * block) + block // 2
    outside = (centers < start - block) | (centers >= end + block)
    return float(np.count_nonzero(levels[outside] > threshold_db) * block / rate)
