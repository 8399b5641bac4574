"""Splice a take into the original: bit-exact outside the region, equal-power crossfades inside its edges.

The crossfades live *inside* the region so that every sample outside it is the original's, to
the bit. Each fade starts at a zero crossing of the original near the region edge when one is
close, so the join does not land mid-cycle.
"""

from __future__ import annotations

import numpy as np

DEFAULT_CROSSFADE_S = 0.020
ZERO_CROSS_SEARCH_S = 0.003  # how far into the region we look for a zero crossing


def equal_power_fade(length: int) -> tuple[np.ndarray, np.ndarray]:
    """Fade-out and fade-in gains whose squares sum to one (constant power for uncorrelated audio)."""
    if length <= 0:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    phase = (np.arange(length, dtype=np.float64) + 0.5) / length * (np.pi / 2)
    return np.cos(phase).astype(np.float32), np.sin(phase).astype(np.float32)


def nearest_zero_crossing(samples: np.ndarray, position: int, direction: int, search: int) -> int:
    """First frame at or after (direction=+1) / before (-1) ``position`` where the mono mix changes sign."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    if direction > 0:
        lo, hi = position, min(len(mono) - 1, position + search)
        window = mono[lo : hi + 1]
        flips = np.flatnonzero(np.signbit(window[:-1]) != np.signbit(window[1:]))
        return lo + int(flips[0]) + 1 if len(flips) else position
    lo, hi = max(0, position - search), position
    window = mono[lo : hi + 1]
    flips = np.flatnonzero(np.signbit(window[:-1]) != np.signbit(window[1:]))
    return lo + int(flips[-1]) + 1 if len(flips) else position


def splice(
    original: np.ndarray,
    take: np.ndarray,
    start: int,
    end: int,
    rate: int,
    crossfade_s: float = DEFAULT_CROSSFADE_S,
    zero_cross: bool = True,
) -> np.ndarray:
    """Return a new array: ``original`` outside ``[start, end)``, ``take`` (already aligned) inside it.

    ``take`` must be aligned to the original's frames (see :func:`desktop_app.audio.align.apply_offset`)
    and have as many channels. Crossfades are clamped to half the region each.
    """
    if not 0 <= start < end <= original.shape[0]:
        raise ValueError("the region must lie inside the track with start < end")
    if take.shape[1] != original.shape[1]:
        raise ValueError("the take has a different channel count than the original")
    out = original.copy()
    fade = max(0, min(round(crossfade_s * rate), (end - start) // 2))
    search = int(ZERO_CROSS_SEARCH_S * rate)
    fade_in_at = nearest_zero_crossing(original, start, +1, search) if zero_cross and fade else start
    fade_out_end = nearest_zero_crossing(original, end, -1, search) if zero_cross and fade else end
    fade_in_at = min(fade_in_at, start + (end - start) // 2 - fade)
    fade_out_end = max(fade_out_end, start + (end - start) // 2 + fade)
    fade_in_at, fade_out_end = max(start, fade_in_at), min(end, fade_out_end)
    body_lo, body_hi = fade_in_at + fade, fade_out_end - fade
    take_len = take.shape[0]
    # Original is kept up to the fade start and from the fade end: region edges that the zero-crossing
    # search skipped stay original too, which is still inside the region.
    gain_out, gain_in = equal_power_fade(fade)
    if fade:
        out[fade_in_at:body_lo] = (
            original[fade_in_at:body_lo] * gain_out[:, None]
            + _slice(take, fade_in_at, body_lo, take_len) * gain_in[:, None]
        )
        out[body_hi:fade_out_end] = (
            _slice(take, body_hi, fade_out_end, take_len) * gain_out[:, None]
            + original[body_hi:fade_out_end] * gain_in[:, None]
        )
    out[body_lo:body_hi] = _slice(take, body_lo, body_hi, take_len)
    return out


def _slice(take: np.ndarray, lo: int, hi: int, take_len: int) -> np.ndarray:
    if hi <= take_len:
        return take[lo:hi]
    part = np.zeros((hi - lo, take.shape[1]), np.float32)
    if lo < take_len:
        part[: take_len - lo] = take[lo:take_len]
    return part
