"""Seam meter (no Qt): how audible is each join between the original and a take, or two takes?

A seam is a frame where the output switches from one source (``before``) to another (``after``);
every source is aligned to the original's frames. Four figures describe the join (level step,
spectral jump, timing slip, vocal change; see audio/seam_figures.py), each measured against what
the original itself does there, so a chorus that starts on the seam is not taken for a bad join.

Each figure's "badness" is its size over the size that is clearly audible; the worst one gives
the verdict and the reason in words. Takes rank by their worst seam. A poor seam may be moved
within a beat to where both sides agree best.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from desktop_app.audio.seam_figures import (
    Seam,
    SongContext,
    band_db,
    fft_size,
    level_step,
    mix_to_mono,
    shape_distance,
    spectral_jump,
    timing_slip,
    total_db,
    vocal_change,
)

# The size of each figure that is clearly audible at a seam ("poor"); half of it is "audible".
POOR_LEVEL_DB = 3.0
POOR_TIMING_MS = 20.0  # flams become obvious between 20 and 30 ms
POOR_SPECTRAL_EXCESS = 1.0  # a jump of 2x the song's own change
POOR_VOCAL_DB = 6.0

CLEAN, AUDIBLE, POOR = "clean", "audible", "poor"


@dataclass(frozen=True)
class SeamReport:
    at_s: float
    label: str
    level_step_db: float
    spectral_jump: float
    timing_ms: float | None  # None when a side shares no onsets with the original
    vocal_change_db: float
    badness: float
    verdict: str
    reason: str
    proposed_at_s: float | None = None  # for a poor seam: where take and original agree best
    proposed_verdict: str | None = None

    def as_dict(self) -> dict:
        return {
            "at": round(self.at_s, 4),
            "edge": self.label or None,
            "level_step_db": round(self.level_step_db, 2),
            "spectral_jump": round(self.spectral_jump, 2),
            "timing_ms": None if self.timing_ms is None else round(self.timing_ms, 1),
            "vocal_change_db": round(self.vocal_change_db, 2),
            "badness": round(self.badness, 3),
            "verdict": self.verdict,
            "reason": self.reason,
            "proposed_at": None if self.proposed_at_s is None else round(self.proposed_at_s, 4),
            "proposed_verdict": self.proposed_verdict,
        }


@dataclass(frozen=True)
class TakeReport:
    name: str
    seams: list[SeamReport]

    @property
    def worst(self) -> float:
        return max((s.badness for s in self.seams), default=0.0)

    @property
    def score(self) -> float:
        """100 for inaudible joins, 33 when the worst seam is just poor, lower beyond."""
        return round(100.0 / (1.0 + 2.0 * self.worst), 1)

    @property
    def verdict(self) -> str:
        return _verdict(self.worst)

    def as_dict(self) -> dict:
        seams = [s.as_dict() for s in self.seams]
        return {"path": self.name, "score": self.score, "verdict": self.verdict, "seams": seams}


def region_seams(original: np.ndarray, take: np.ndarray, start: int, end: int) -> list[Seam]:
    """The two seams of a take spliced into ``[start, end)``; they move only inside the region."""
    frames = original.shape[0]
    seams = []
    if start > 0:
        seams.append(Seam(start, original, take, 0, end, "start", (start, end)))
    if end < frames:
        seams.append(Seam(end, take, original, start, frames, "end", (start, end)))
    return seams


def measure_seam(ctx: SongContext, seam: Seam) -> SeamReport:
    """The four figures of one seam, its verdict, and the reason in words (worst figure first)."""
    level = level_step(ctx, seam)
    jump = spectral_jump(ctx, seam)
    timing = timing_slip(ctx, seam)
    vocal = vocal_change(ctx, seam)
    parts = {
        "level": abs(level) / POOR_LEVEL_DB,
        "spectral": max(0.0, jump - 1.0) / POOR_SPECTRAL_EXCESS,
        "timing": 0.0 if timing is None else abs(timing) / POOR_TIMING_MS,
        "vocal": abs(vocal) / POOR_VOCAL_DB,
    }
    badness = max(parts.values())
    where = _where(seam, ctx.rate)
    words = {
        "level": f"level jumps {level:+.1f} dB {where}",
        "spectral": f"the sound changes {jump:.1f}x more than the song does {where}",
        "timing": f"timing slips {abs(timing or 0):.0f} ms {'late' if (timing or 0) > 0 else 'early'} {where}",
        "vocal": f"vocal band {'drops' if vocal < 0 else 'rises'} {abs(vocal):.1f} dB {where}",
    }
    flagged = sorted((name for name in parts if parts[name] >= 0.5), key=lambda n: -parts[n])
    reason = "; ".join(words[name] for name in flagged) if flagged else f"clean join {where}"
    timing = None if timing is None else float(timing)
    figures = (float(level), float(jump), timing, float(vocal), float(badness))
    return SeamReport(seam.at / ctx.rate, seam.label, *figures, _verdict(badness), reason)


def measure_take(
    ctx: SongContext, take: np.ndarray, start: int, end: int, name: str, propose: bool = True
) -> TakeReport:
    """Every seam of ``take`` (aligned) spliced into ``[start, end)``, with moves proposed for poor ones."""
    reports = []
    for seam in region_seams(ctx.original, take, start, end):
        report = measure_seam(ctx, seam)
        if propose and report.verdict == POOR:
            report = with_proposal(ctx, seam, report)
        reports.append(report)
    return TakeReport(name, reports)


def rank(takes: list[TakeReport]) -> list[TakeReport]:
    """Best first: by worst seam, then by the sum of all seams' badness."""
    return sorted(takes, key=lambda t: (t.worst, sum(s.badness for s in t.seams)))


def propose_move(ctx: SongContext, seam: Seam) -> tuple[int, SeamReport] | None:
    """Where within ±1 beat (and the seam's movable range) the two sides agree best, and the verdict there.

    Agreement is the level and spectral-shape distance of the two sides in a ~90 ms window around
    each candidate point. The best point before the seam and the best after it are both measured
    in full (a point can agree locally and still leave a take's bad bars in play); the better wins.
    """
    beat = int(ctx.beat_s * ctx.rate)
    lo_bound, hi_bound = seam.movable or (seam.before_lo, seam.after_hi)
    size = fft_size(ctx.rate)
    lo = max(seam.at - beat, lo_bound + size // 2, size // 2)
    hi = min(seam.at + beat, hi_bound - size // 2, ctx.original.shape[0] - size // 2)
    if hi <= lo:
        return None
    hop = max(1, size // 16)
    centres = np.arange(lo, hi + 1, hop)
    first, last = centres[0] - size // 2, centres[-1] + size // 2
    a = band_db(mix_to_mono(seam.before[first:last]), ctx.rate, size, hop)
    b = band_db(mix_to_mono(seam.after[first:last]), ctx.rate, size, hop)
    count = min(len(centres), a.shape[0], b.shape[0])
    centres = centres[:count]
    cost = np.abs(total_db(a[:count]) - total_db(b[:count])) + shape_distance(a[:count], b[:count])
    cost += 1e-3 * np.abs(centres - seam.at) / max(1, beat)  # of equals, the nearest
    best = None
    for side in (centres < seam.at, centres > seam.at):
        if side.any():
            at = int(centres[side][int(np.argmin(cost[side]))])
            report = measure_seam(ctx, replace(seam, at=at))
            if best is None or report.badness < best[1].badness:
                best = (at, report)
    return best


def with_proposal(ctx: SongContext, seam: Seam, report: SeamReport) -> SeamReport:
    """``report`` plus where the seam should move and its verdict there, when moving it helps."""
    proposal = propose_move(ctx, seam)
    # A take louder or late throughout gains nothing from a move: propose none rather than a shrug.
    if proposal is None or proposal[1].badness >= 0.8 * report.badness:
        return report
    return replace(report, proposed_at_s=proposal[0] / ctx.rate, proposed_verdict=proposal[1].verdict)


def _verdict(badness: float) -> str:
    return CLEAN if badness < 0.5 else AUDIBLE if badness < 1.0 else POOR


def _where(seam: Seam, rate: int) -> str:
    return f"at the {seam.label}" if seam.label else f"at {seam.at / rate:.2f} s"
