"""An extend take against the original: where it is compared, what it measures, how it is kept (no Qt).

An extend take is the original up to ``extend_after`` and a continuation after it, so it is usually
longer than the original (shorter when the point lies mid-song and the continuation ends first). It
is compared from ``extend_after`` on: its loudness over the continuation against the original's last
seconds before the point (the music it goes on from), its difference against the original (silence
past the original's end). Keeping it keeps the original to the bit before ``extend_after`` and the
take after it, crossfaded from the original just after the point (where the original goes on).
"""

from __future__ import annotations

import numpy as np

from desktop_app.audio.align import Alignment, apply_offset, estimate_offset
from desktop_app.audio.compare import TakeFigures, conform, figures_from, span_loudness
from desktop_app.audio.crossfade import crossfade
from desktop_app.audio.difference import BLOCK_S, difference_db
from desktop_app.audio.loudness import Loudness

REFERENCE_S = 10.0  # the original's loudness is measured over this much before the point


def reference_span(after: int, rate: int) -> tuple[int, int]:
    """The original's last seconds before ``after`` (frames): what the continuation is matched to."""
    return max(0, after - round(REFERENCE_S * rate)), after


def align_extension(
    original: np.ndarray, original_rate: int, take: np.ndarray, take_rate: int, after: int
) -> tuple[np.ndarray, Alignment]:
    """``take`` on the original's frame grid, at its own length (the continuation is kept whole).

    It is lined up on the music before ``after`` (the part both share), and shifted only when that
    matches; when nothing needs to move the conformed samples are returned as they are.
    """
    conformed = conform(take, take_rate, original_rate, original.shape[1])
    alignment = estimate_offset(original, conformed, after, original.shape[0], original_rate)
    if alignment.confidence < 0.5 or alignment.offset == 0:
        return conformed, Alignment(offset=0, confidence=alignment.confidence)
    frames = max(1, conformed.shape[0] - alignment.offset)
    return apply_offset(conformed, alignment.offset, frames), alignment


def extension_figures(
    original: np.ndarray, reference: Loudness, take: np.ndarray, rate: int, after: int, preroll: int
) -> TakeFigures:
    """Loudness over the continuation (true peak from ``preroll`` frames before the point to the take's end),
    matched to ``reference``; the difference from the original everywhere; "outside" is before the point."""
    end = max(after + 1, take.shape[0])
    loudness = span_loudness(take, rate, (after, end), (max(0, after - preroll), end))
    levels = difference_db(original, take, rate)
    block = max(1, int(BLOCK_S * rate))
    inside = levels[after // block :]
    centres = np.arange(len(levels)) * block + block // 2
    before = centres < after - block  # as changed_outside() counts: the block at the seam is the fade's
    return figures_from(reference, loudness, levels, rate, inside, before)


def keep_extension(original: np.ndarray, take: np.ndarray, after: int, rate: int, crossfade_s: float) -> np.ndarray:
    """The original to the bit before ``after``, then ``take`` (aligned) from ``after`` to its end.

    The crossfade (the one law of ``audio/crossfade.py``) lies after the point, from the original's next
    samples into the take's; when the point is the original's end there is nothing to fade from.
    """
    if not 0 < after <= original.shape[0]:
        raise ValueError("the extension point must lie inside the song")
    if take.shape[0] <= after:
        raise ValueError("that take ends before the extension point: it has nothing to add")
    if take.shape[1] != original.shape[1]:
        raise ValueError("the take has a different channel count than the original")
    tail = take[after:].astype(np.float32, copy=True)
    fade = max(0, min(round(crossfade_s * rate), original.shape[0] - after, tail.shape[0] // 2))
    if fade:
        tail[:fade] = crossfade(original[after : after + fade].astype(np.float32), tail[:fade])
    return np.concatenate([original[:after], tail.astype(original.dtype, copy=False)], axis=0)
