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
    Read a few seconds at a time in float32: a 10-minute song costs a few megabytes, not two whole-song
    float64 copies.
    """
    frames = max(original.shape[0], take.shape[0])
    block = max(1, int(block_s * rate))
    blocks = -(-frames // block)
    energy = np.empty(blocks, np.float64)
    step = block * _BLOCKS_PER_STEP
    for lo in range(0, blocks * block, step):
        hi = min(lo + step, blocks * block)
        diff = np.zeros(hi - lo, np.float32)
        b, a = _mono(take[lo:hi]), _mono(original[lo:hi])
        diff[: len(b)] += b
        diff[: len(a)] -= a
        np.square(diff, out=diff)
        energy[lo // block : hi // block] = diff.reshape(-1, block).mean(axis=1, dtype=np.float64)
    with np.errstate(divide="ignore"):
        level = 10 * np.log10(energy)
    return np.maximum(level, FLOOR_DB)


_BLOCKS_PER_STEP = 256  # ~13 s at 44.1 kHz per read


def _mono(samples: np.ndarray) -> np.ndarray:
    if samples.ndim == 1:
        return samples.astype(np.float32, copy=False)
    # Column by column: numpy reduces a 2-wide last axis far slower than it adds two columns.
    total = samples[:, 0].astype(np.float32, copy=True)
    for channel in range(1, samples.shape[1]):
        total += samples[:, channel]
    if samples.shape[1] > 1:
        total *= np.float32(1.0 / samples.shape[1])
    return total


def changed_outside(
    original: np.ndarray, take: np.ndarray, start: int, end: int, rate: int, threshold_db: float = -60.0
) -> float:
    """Seconds of audio outside ``[start, end)`` where the take departs by more than ``threshold_db``."""
    block = max(1, int(BLOCK_S * rate))
    levels = difference_db(original, take, rate)
    centers = (np.arange(len(levels)) * block) + block // 2
    outside = (centers < start - block) | (centers >= end + block)
    return float(np.count_nonzero(levels[outside] > threshold_db) * block / rate)
