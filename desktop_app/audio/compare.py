"""Prepare a returned take for comparison against the original (no Qt).

A take may come back at another sample rate or channel count, re-encoded, shifted by some samples
and (sometimes) changed outside the region. ``prepare_take`` brings it onto the original's frame
grid and measures what the results panel shows: offset and confidence, region loudness and the
gain that matches it, true peak, the difference envelope and how much changed outside the region.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import gcd

import numpy as np

from desktop_app.audio.align import Alignment, apply_offset, estimate_offset
from desktop_app.audio.difference import BLOCK_S, FLOOR_DB, changed_outside, difference_db
from desktop_app.audio.loudness import Loudness, MatchedGain, integrated_lufs, match_gain, measure, true_peak_dbtp

# A take whose difference from the original stays below this inside the region (every 50 ms block)
# is "practically the original": a service that gave back what it was sent, give or take encoding.
NEAR_IDENTICAL_DB = -40.0
CHANGED_DB = -60.0  # outside the region, a block departing by more than this counts as changed


@dataclass
class PreparedTake:
    samples: np.ndarray  # aligned to the original: same rate, channels and frame count
    alignment: Alignment
    region_loudness: Loudness
    match_gain_db: float  # gain that brings the take's region loudness to the original's, capped at -1 dBTP
    difference_db: np.ndarray  # per 50 ms block, see audio/difference.py
    changed_outside_s: float
    gain_limited: bool = False  # the true-peak headroom, not the loudness difference, set match_gain_db


def conform(samples: np.ndarray, rate: int, target_rate: int, target_channels: int) -> np.ndarray:
    """Resample and re-channel ``samples`` to the original's format (mono↔stereo, N→M by folding)."""
    data = samples
    if rate != target_rate:
        from scipy import signal  # only for a take at another rate: the import takes a second

        g = gcd(rate, target_rate)
        data = signal.resample_poly(data, target_rate // g, rate // g, axis=0).astype(np.float32)
    channels = data.shape[1]
    if channels == target_channels:
        return np.ascontiguousarray(data, np.float32)
    if channels == 1:
        return np.repeat(data, target_channels, axis=1).astype(np.float32)
    if target_channels == 1:
        return data.mean(axis=1, keepdims=True).astype(np.float32)
    # Fold extra channels onto the available ones, round-robin, keeping the level sensible.
    out = np.zeros((data.shape[0], target_channels), np.float32)
    counts = np.zeros(target_channels)
    for ch in range(channels):
        out[:, ch % target_channels] += data[:, ch]
        counts[ch % target_channels] += 1
    return out / np.maximum(counts, 1)


def region_loudness(samples: np.ndarray, rate: int, start: int, end: int) -> Loudness:
    """Loudness and true peak of ``samples[start:end]``, measured in place (no copy of the song)."""
    return measure(samples, rate, start=start, end=end)


@dataclass(frozen=True)
class TakeFigures:
    """What a take's lane shows once the take is on the original's frame grid."""

    loudness: Loudness  # LUFS over the region; true peak over the region with its context (what is heard)
    match: MatchedGain  # loudness-matching gain, capped by the true-peak headroom
    difference_db: np.ndarray  # per 50 ms block, see audio/difference.py
    changed_outside_s: float
    largest_difference_db: float  # inside the region

    @property
    def near_identical(self) -> bool:
        return self.largest_difference_db <= NEAR_IDENTICAL_DB


def span_loudness(samples: np.ndarray, rate: int, region: tuple[int, int], heard: tuple[int, int]) -> Loudness:
    """Integrated loudness over ``region``, true peak over ``heard`` (the region with its context).

    Only these slices are read: a long song costs what its region costs, not what the song costs.
    """
    return Loudness(
        integrated_lufs(samples, rate, start=region[0], end=region[1]),
        true_peak_dbtp(samples, rate, start=heard[0], end=heard[1]),
    )


def align_take(
    original: np.ndarray,
    original_rate: int,
    take: np.ndarray,
    take_rate: int,
    start: int,
    end: int,
    *,
    align: bool = True,
) -> tuple[np.ndarray, Alignment]:
    """``take`` on the original's frame grid; shifted only when the context outside the region matches.

    With ``align=False`` (whole-track operations: nothing outside a region to line up on) no correlation
    is run. When nothing needs to move the conformed samples are returned as they are, not copied.
    """
    conformed = conform(take, take_rate, original_rate, original.shape[1])
    alignment = Alignment(offset=0, confidence=0.0)
    if align:
        alignment = estimate_offset(original, conformed, start, end, original_rate)  # reads the context only
        if alignment.confidence < 0.5:
            # Not the same audio outside the region (a remix or cover): do not shift it on a guess.
            alignment = Alignment(offset=0, confidence=alignment.confidence)
    if alignment.offset == 0 and conformed.shape[0] == original.shape[0]:
        return conformed, alignment
    return apply_offset(conformed, alignment.offset, original.shape[0]), alignment


def take_figures(
    original: np.ndarray,
    reference: Loudness,
    aligned: np.ndarray,
    rate: int,
    region: tuple[int, int],
    heard: tuple[int, int],
) -> TakeFigures:
    """Measure an aligned take against the original: loudness, capped matching gain, difference."""
    loudness = span_loudness(aligned, rate, region, heard)
    levels = difference_db(original, aligned, rate)
    block = max(1, int(BLOCK_S * rate))
    inside = levels[region[0] // block : max(region[0] // block + 1, -(-region[1] // block))]
    centres = np.arange(len(levels)) * block + block // 2
    outside = (centres < region[0] - block) | (centres >= region[1] + block)  # as changed_outside() counts
    return figures_from(reference, loudness, levels, rate, inside, outside)


def figures_from(
    reference: Loudness, loudness: Loudness, levels: np.ndarray, rate: int, inside: np.ndarray, kept: np.ndarray
) -> TakeFigures:
    """A take's figures from its loudness and difference ``levels``: ``inside`` is the part it was asked to
    change, ``kept`` marks the blocks it should have left alone."""
    block = max(1, int(BLOCK_S * rate))
    return TakeFigures(
        loudness=loudness,
        match=match_gain(reference.lufs, loudness.lufs, loudness.true_peak_dbtp),
        difference_db=levels,
        changed_outside_s=float(np.count_nonzero(levels[kept] > CHANGED_DB) * block / rate),
        largest_difference_db=float(inside.max()) if inside.size else FLOOR_DB,
    )


def prepare_take(
    original: np.ndarray, original_rate: int, take: np.ndarray, take_rate: int, start: int, end: int
) -> PreparedTake:
    """Align ``take`` to ``original`` and measure it against the region ``[start, end)`` (frames)."""
    conformed = conform(take, take_rate, original_rate, original.shape[1])
    alignment = estimate_offset(original, conformed, start, end, original_rate)
    if alignment.confidence < 0.5:
        # Not the same audio outside the region (a remix or cover): do not shift it on a guess.
        alignment = Alignment(offset=0, confidence=alignment.confidence)
    aligned = apply_offset(conformed, alignment.offset, original.shape[0])
    reference = region_loudness(original, original_rate, start, end)
    loudness = region_loudness(aligned, original_rate, start, end)
    gain = match_gain(reference.lufs, loudness.lufs, loudness.true_peak_dbtp)
    return PreparedTake(
        samples=aligned,
        alignment=alignment,
        region_loudness=loudness,
        match_gain_db=gain.db,
        difference_db=difference_db(original, aligned, original_rate),
        changed_outside_s=changed_outside(original, aligned, start, end, original_rate),
        gain_limited=gain.limited,
    )
