"""Comp several takes into one song (no Qt): each take plays over its own ranges, the original elsewhere.

Every sample outside every range is the original's, to the bit; inside a range, beyond its
crossfades, every sample is the take's, to the bit. Like the splice (audio/splice.py), fades lie
*inside* the ranges: at a range edge that meets the original the whole fade is inside the range;
where two ranges touch, the fade is centred on the boundary (half in each). Every fade is the one
crossfade law (audio/crossfade.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

import numpy as np

from desktop_app.audio.align import Alignment, apply_offset, estimate_offset
from desktop_app.audio.compare import conform
from desktop_app.audio.crossfade import crossfade
from desktop_app.audio.seams import POOR, Seam, SeamReport, SongContext, measure_seam, with_proposal
from desktop_app.audio.splice import DEFAULT_CROSSFADE_S

ALIGN_MARGIN_S = 10.0  # around a range: more than align.py's context (8 s) plus its largest lag (0.5 s)
MAX_LENGTH_GAP_S = 1.0  # re-encoding pads or trims a take by well under this; more is another edit


class CompError(ValueError):
    """A comp that cannot be built; ``str(err)`` is a sentence the producer can act on."""


@dataclass(frozen=True)
class Segment:
    """``samples`` (aligned to the original's frames) play over frames ``[start, end)``."""

    samples: np.ndarray = field(repr=False)
    start: int
    end: int
    name: str = "take"
    rate: int | None = None  # the take's sample rate when known; must be the song's
    gain: float = 1.0  # linear, applied as it plays (matched-loudness listening); 1.0 for what is kept


def align_take(
    original: np.ndarray, rate: int, take: np.ndarray, take_rate: int, start: int, end: int, name: str
) -> tuple[np.ndarray, Alignment]:
    """``take`` on the original's frames: same rate and channels, shifted by the lag found around ``[start, end)``.

    A take whose length differs from the song's by more than a second is refused: it is not a take
    of this song (or of this edit of it), and lining it up would be a guess.
    """
    conformed = conform(take, take_rate, rate, original.shape[1])
    if abs(conformed.shape[0] - original.shape[0]) > MAX_LENGTH_GAP_S * rate:
        raise CompError(
            f"“{name}” is {_seconds(conformed.shape[0], rate)} s long but the song is "
            f"{_seconds(original.shape[0], rate)} s; a take must be of the whole song."
        )
    # Only the context around the range is correlated: hand over just that (mixing a whole song to
    # mono costs more than the correlation itself).
    margin = int(ALIGN_MARGIN_S * rate)
    lo, hi = max(0, start - margin), min(original.shape[0], end + margin)
    alignment = estimate_offset(original[lo:hi], conformed[lo:hi], start - lo, end - lo, rate)
    if alignment.confidence < 0.5:  # not the same audio around the range: do not shift on a guess
        alignment = Alignment(0, alignment.confidence)
    return apply_offset(conformed, alignment.offset, original.shape[0]), alignment


def validate(original: np.ndarray, rate: int, segments: list[Segment]) -> list[Segment]:
    """The segments sorted by start; raises :class:`CompError` for anything that cannot be comped."""
    frames, channels = original.shape
    song = _seconds(frames, rate)
    for seg in segments:
        where = f"“{seg.name}” {_seconds(seg.start, rate)}–{_seconds(seg.end, rate)} s"
        if seg.rate is not None and seg.rate != rate:
            raise CompError(f"“{seg.name}” is at {seg.rate} Hz but the song is at {rate} Hz; convert it first.")
        if seg.samples.ndim != 2 or seg.samples.shape[1] != channels:
            have = seg.samples.shape[1] if seg.samples.ndim == 2 else 1
            raise CompError(f"“{seg.name}” has {have} channel(s) but the song has {channels}.")
        if seg.samples.shape[0] != frames:
            raise CompError(
                f"“{seg.name}” is {_seconds(seg.samples.shape[0], rate)} s long but the song is {song} s; "
                "a take must be aligned to the whole song."
            )
        if seg.start >= seg.end:
            raise CompError(f"The range {where} is empty: its end must come after its start.")
        if seg.start < 0 or seg.end > frames:
            raise CompError(f"The range {where} lies outside the song (0–{song} s).")
    ordered = sorted(segments, key=lambda s: s.start)
    for prev, cur in itertools.pairwise(ordered):
        if cur.start < prev.end:
            raise CompError(
                f"The ranges of “{prev.name}” ({_seconds(prev.start, rate)}–{_seconds(prev.end, rate)} s) and "
                f"“{cur.name}” ({_seconds(cur.start, rate)}–{_seconds(cur.end, rate)} s) overlap; "
                "each moment of the song can come from one take only."
            )
    return ordered


def render(
    original: np.ndarray, rate: int, segments: list[Segment], crossfade_s: float = DEFAULT_CROSSFADE_S
) -> np.ndarray:
    """The comp as a new float32 array shaped like ``original`` (each segment at its ``gain``)."""
    ordered = validate(original, rate, segments)
    out = np.array(original, dtype=np.float32, copy=True)
    for seg in ordered:
        out[seg.start : seg.end] = seg.samples[seg.start : seg.end]
        if seg.gain != 1.0:
            out[seg.start : seg.end] *= np.float32(seg.gain)
    for lo, hi, (outgoing, out_gain), (incoming, in_gain) in _fades(original, ordered, _fade_frames(crossfade_s, rate)):
        out[lo:hi] = crossfade(outgoing[lo:hi] * np.float32(out_gain), incoming[lo:hi] * np.float32(in_gain))
    return out


def fade_spans(
    original: np.ndarray, rate: int, segments: list[Segment], crossfade_s: float = DEFAULT_CROSSFADE_S
) -> list[tuple[int, int]]:
    """The frames ``[lo, hi)`` of every crossfade :func:`render` makes (what is neither source alone)."""
    ordered = validate(original, rate, segments)
    return [(lo, hi) for lo, hi, _, _ in _fades(original, ordered, _fade_frames(crossfade_s, rate))]


def _fade_frames(crossfade_s: float, rate: int) -> int:
    if crossfade_s < 0:
        raise CompError("The crossfade cannot be negative.")
    return round(crossfade_s * rate)


def _fades(original: np.ndarray, ordered: list[Segment], fade: int):
    """(lo, hi, (outgoing, gain), (incoming, gain)) of each fade: inside a range at the original, centred
    where ranges touch."""
    for i, seg in enumerate(ordered):
        prev = ordered[i - 1] if i > 0 else None
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        length = seg.end - seg.start
        if prev is not None and prev.end == seg.start:
            half = min(fade // 2, (prev.end - prev.start) // 2, length // 2)
            lo, hi, outgoing = seg.start - half, seg.start + half, (prev.samples, prev.gain)
        else:
            lo, hi, outgoing = seg.start, seg.start + min(fade, length // 2), (original, 1.0)
        if hi > lo:
            yield lo, hi, outgoing, (seg.samples, seg.gain)
        if nxt is None or nxt.start != seg.end:
            lo, hi = seg.end - min(fade, length // 2), seg.end
            if hi > lo:
                yield lo, hi, (seg.samples, seg.gain), (original, 1.0)


def comp_seams(original: np.ndarray, rate: int, segments: list[Segment]) -> list[Seam]:
    """Every boundary of the comp as a :class:`Seam` for the seam meter, in time order."""
    ordered = validate(original, rate, segments)
    frames = original.shape[0]
    seams = []
    for i, seg in enumerate(ordered):
        prev = ordered[i - 1] if i > 0 else None
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        if prev is not None and prev.end == seg.start:
            seams.append(Seam(seg.start, prev.samples, seg.samples, prev.start, seg.end, "", (prev.start, seg.end)))
        elif seg.start > 0:
            free_from = prev.end if prev is not None else 0
            seams.append(Seam(seg.start, original, seg.samples, free_from, seg.end, "", (free_from, seg.end)))
        if (nxt is None or nxt.start != seg.end) and seg.end < frames:
            free_to = nxt.start if nxt is not None else frames
            seams.append(Seam(seg.end, seg.samples, original, seg.start, free_to, "", (seg.start, free_to)))
    return seams


def move_boundary(segments: list[Segment], at: int, to: int) -> list[Segment]:
    """``segments`` with every range edge at frame ``at`` moved to ``to`` (validate the result)."""
    return [replace(s, start=to if s.start == at else s.start, end=to if s.end == at else s.end) for s in segments]


def fix_seams(
    original: np.ndarray, rate: int, segments: list[Segment], ctx: SongContext
) -> tuple[list[Segment], list[tuple[SeamReport, SeamReport]]]:
    """Move every poor seam to the seam meter's proposal; returns the segments and (before, after) reports."""
    moved = []
    for seam in comp_seams(original, rate, segments):
        report = measure_seam(ctx, seam)
        if report.verdict != POOR:
            continue
        report = with_proposal(ctx, seam, report)
        if report.proposed_at_s is None:
            continue
        target = round(report.proposed_at_s * rate)
        candidate = move_boundary(segments, seam.at, target)
        try:
            validate(original, rate, candidate)
        except CompError:  # a neighbouring move already took the room this one needs
            continue
        segments = candidate
        after = measure_seam(ctx, replace(seam, at=target))
        moved.append((report, after))
    return segments, moved


def _seconds(frames: int, rate: int) -> str:
    return f"{frames / rate:.2f}".rstrip("0").rstrip(".")
