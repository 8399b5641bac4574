"""Splice a take into the original: bit-exact outside the region, crossfades inside its edges.

The crossfades live *inside* the region so that every sample outside it is the original's, to
the bit. Each fade starts at a zero crossing of the original near the region edge when one is
close, so the join does not land mid-cycle. The fades follow the one crossfade law
(:mod:`desktop_app.audio.crossfade`): equal-gain where take and original are alike at the seam
(as AI takes usually are), equal-power where they are unrelated, so the level never bumps.
"""

from __future__ import annotations

import numpy as np

from desktop_app.audio.crossfade import crossfade
from desktop_app.audio.snap import nearest_zero_crossing

DEFAULT_CROSSFADE_S = 0.020
ZERO_CROSS_SEARCH_S = 0.003  # how far into the region we look for a zero crossing


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
    fade = max(0, min(round(crossfade_s * rate), (end - start) // 2))
    fade_in_at, fade_out_end = start, end
    if zero_cross and fade:
        search = int(ZERO_CROSS_SEARCH_S * rate)
        found = nearest_zero_crossing(original, start, search, direction=+1)
        fade_in_at = start if found is None else found
        found = nearest_zero_crossing(original, end, search, direction=-1)
        fade_out_end = end if found is None else found
    middle = start + (end - start) // 2
    fade_in_at = max(start, min(fade_in_at, middle - fade))
    fade_out_end = min(end, max(fade_out_end, middle + fade))
    # Region edges that the zero-crossing search skipped stay original, which is still inside the region.
    out = original.copy()
    passage = _slice(take, fade_in_at, fade_out_end)
    out[fade_in_at:fade_out_end] = join(original[fade_in_at:fade_out_end], passage, fade)
    return out


def splice_passage(song: np.ndarray, start: int, end: int, passage: np.ndarray, fade: int) -> np.ndarray:
    """A copy of ``song`` whose ``[start, end)`` is ``passage`` (exactly as long), faded in and out.

    The local engine's inpainting uses this: its passage is borrowed from elsewhere in the song.
    No fade is made at the very start or end of the song, where there is nothing to join.
    """
    if passage.shape != song[start:end].shape:
        raise ValueError("the passage must be exactly as long as the region")
    out = song.copy()
    fade = max(0, min(fade, (end - start) // 2))
    out[start:end] = join(song[start:end], passage, fade, fade_in=start > 0, fade_out=end < song.shape[0])
    return out


def join(
    outer: np.ndarray, passage: np.ndarray, fade: int, *, fade_in: bool = True, fade_out: bool = True
) -> np.ndarray:
    """``passage`` faded in from ``outer`` over its first ``fade`` frames and back to it over its last.

    Both have the same shape; ``fade`` is at most half their length.
    """
    region = passage.astype(np.float32, copy=True)
    if fade <= 0:
        return region
    if fade_in:
        region[:fade] = crossfade(outer[:fade], region[:fade])
    if fade_out:
        region[-fade:] = crossfade(region[-fade:], outer[-fade:])
    return region


def _slice(take: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """``take[lo:hi]``, padded with silence where the take is shorter."""
    take_len = take.shape[0]
    if hi <= take_len:
        return take[lo:hi]
    part = np.zeros((hi - lo, take.shape[1]), np.float32)
    if lo < take_len:
        part[: take_len - lo] = take[lo:take_len]
    return part
