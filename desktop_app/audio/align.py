"""Find how far a returned take is shifted against the original, from the audio outside the region.

Services re-encode takes (MP3 adds encoder delay), so a take may start a few hundred samples
late or early. We cross-correlate a mono mix of the original and the take over context windows
before and after the region, where both should be the same song, and take the lag of the peak.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import signal

CONTEXT_S = 8.0  # seconds of context used on each side of the region
MAX_OFFSET_S = 0.5  # takes are never shifted by more than this in practice


@dataclass(frozen=True)
class Alignment:
    offset: int  # take[n + offset] lines up with original[n]
    confidence: float  # normalised correlation at the peak, 0..1 (below ~0.5: not the same audio)


def _mono(samples: np.ndarray) -> np.ndarray:
    return samples.mean(axis=1, dtype=np.float64) if samples.ndim == 2 else samples.astype(np.float64)


def _context_spans(frames: int, start: int, end: int, rate: int) -> list[tuple[int, int]]:
    width = int(CONTEXT_S * rate)
    spans = []
    if start > 0:
        spans.append((max(0, start - width), start))
    if end < frames:
        spans.append((end, min(frames, end + width)))
    if not spans:  # the region is the whole track: use all of it
        spans.append((0, frames))
    return spans


def estimate_offset(
    original: np.ndarray, take: np.ndarray, start: int, end: int, rate: int, max_offset_s: float = MAX_OFFSET_S
) -> Alignment:
    """Estimate the lag of ``take`` against ``original`` using the audio outside ``[start, end)``."""
    max_lag = int(max_offset_s * rate)
    ref_all, take_all = _mono(original), _mono(take)
    total = np.zeros(2 * max_lag + 1)
    energy_ref = energy_take = 0.0
    for lo, hi in _context_spans(len(ref_all), start, end, rate):
        ref = ref_all[lo:hi]
        seg_lo, seg_hi = max(0, lo - max_lag), min(len(take_all), hi + max_lag)
        seg = np.zeros(hi - lo + 2 * max_lag)
        seg[seg_lo - (lo - max_lag) : seg_hi - (lo - max_lag)] = take_all[seg_lo:seg_hi]
        # correlate(seg, ref, "valid")[k] = sum(seg[k + n] * ref[n]); lag = k - max_lag.
        total += signal.correlate(seg, ref, mode="valid", method="fft")
        energy_ref += float(ref @ ref)
        energy_take += float(seg[max_lag : max_lag + len(ref)] @ seg[max_lag : max_lag + len(ref)])
    peak = int(np.argmax(total))
    norm = np.sqrt(energy_ref * energy_take)
    confidence = float(total[peak] / norm) if norm > 0 else 0.0
    return Alignment(offset=peak - max_lag, confidence=max(0.0, min(1.0, confidence)))


def apply_offset(take: np.ndarray, offset: int, frames: int) -> np.ndarray:
    """Shift ``take`` so that it lines up with the original, padded with silence or trimmed to ``frames``."""
    out = np.zeros((frames, take.shape[1]), np.float32)
    src_lo = max(0, offset)
    dst_lo = max(0, -offset)
    count = max(0, min(frames - dst_lo, take.shape[0] - src_lo))
    out[dst_lo : dst_lo + count] = take[src_lo : src_lo + count]
    return out
