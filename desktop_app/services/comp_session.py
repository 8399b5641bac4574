"""The comp being built: which source plays where, as a model with undo, snapping and seam verdicts.

Sources are the original and every take that can be comped (this job's and earlier jobs' on the
same song), each already aligned to the original's frames. The comp is a sorted list of ranges,
each played by one take; the original plays wherever no range is. "Swiping" a source across a
time span (:meth:`CompSession.assign`) trims or splits whatever played there; swiping the
original clears the span. Inpaint takes only ever play inside their own region (outside it they
are the original, re-encoded), so their ranges are clipped to it. Every edit is one QUndoCommand;
edits that share a ``merge_key`` (one drag) merge into one undo step.

Rendering and seam measurement are the Qt-free audio/comp.py and audio/seams.py; range edges
snap to beats and zero crossings through audio/snap.py. They take 60-150 ms a comp, so after an edit
the GUI runs :meth:`CompSession.settle_work` off its thread and hands the result back with
:meth:`CompSession.adopt`; :meth:`render` and :meth:`seam_reports` still compute on the spot when
asked before that (hearing the comp at once, Use comp, export).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from desktop_app.audio.comp import Segment, comp_seams, render
from desktop_app.audio.seams import POOR, SeamReport, SongContext, measure_seam, with_proposal
from desktop_app.audio.snap import BeatGrid, snap_time
from desktop_app.audio.splice import DEFAULT_CROSSFADE_S

ORIGINAL = "original"
MIN_RANGE_S = 0.05  # shorter than this is a slip of the mouse, not a comp
SNAP_TOLERANCE_BEATS = 0.25  # an edge within a quarter beat of a beat lands on it
_MERGE_ID = 0xC03


@dataclass(frozen=True)
class CompSource:
    key: str
    name: str
    samples: np.ndarray = field(repr=False)  # aligned to the original: same frames and channels
    job: str = ""
    engine: str = ""
    region: tuple[int, int] | None = None  # inpaint takes play only inside [start, end) frames


@dataclass(frozen=True)
class CompRange:
    source: str
    start: int
    end: int


class CompSession(QObject):
    """``ranges`` is the comp; ``changed`` fires after every edit, undo and redo."""

    changed = Signal()

    def __init__(self, original: np.ndarray, rate: int, undo_stack: QUndoStack, parent: QObject | None = None):
        super().__init__(parent)
        self.original = original
        self.rate = rate
        self.undo_stack = undo_stack
        self.grid: BeatGrid | None = None
        self.crossfade_s = DEFAULT_CROSSFADE_S
        self._sources: dict[str, CompSource] = {ORIGINAL: CompSource(ORIGINAL, "Original", original)}
        self._ranges: tuple[CompRange, ...] = ()
        self._rendered: np.ndarray | None = None  # what is kept: every source at its own level
        self._heard: np.ndarray | None = None  # what the player plays: each take at its listening gain
        self._gains: dict[str, float] = {}  # source key -> linear listening gain (loudness matching)
        self._reports: list[SeamReport] | None = None  # for the current ranges
        self._context: SongContext | None = None

    # -- sources (not undoable: they arrive with jobs) ---------------------------------------

    def add_source(self, source: CompSource) -> str | None:
        """Make ``source`` available to comp; returns why not as a sentence, or None."""
        if source.samples.shape != self.original.shape:
            return f"“{source.name}” is not aligned to the song (another length or channel count); it cannot be comped."
        if source.key in self._sources:
            return f"“{source.name}” is already in the comp's sources."
        self._sources[source.key] = source
        return None

    def sources(self) -> list[CompSource]:
        return list(self._sources.values())

    def set_grid(self, grid: BeatGrid | None) -> None:
        self.grid = grid
        self._context = self._reports = None

    def set_crossfade(self, seconds: float) -> None:
        self.crossfade_s = max(0.0, float(seconds))
        self._rendered = self._heard = None
        self.changed.emit()

    def set_listening_gains(self, gains: dict[str, float]) -> None:
        """The gain each take is heard at (the comparison's loudness matching): the comp plays each of its
        segments at its take's gain, as the take's own lane does, so switching to it is a fair A/B. What
        is kept (Use comp, export) stays at every source's own level."""
        gains = {key: gain for key, gain in gains.items() if key in self._sources and gain != 1.0}
        if gains != self._gains:
            self._gains = gains
            self._heard = None
            self.changed.emit()

    # -- reading ----------------------------------------------------------------------------

    @property
    def ranges(self) -> tuple[CompRange, ...]:
        return self._ranges

    def source_at(self, seconds: float) -> str:
        frame = round(seconds * self.rate)
        return next((r.source for r in self._ranges if r.start <= frame < r.end), ORIGINAL)

    def segments(self, *, heard: bool = False) -> list[Segment]:
        """The comp's segments, at the sources' own level, or (``heard``) at their listening gains."""
        gains = self._gains if heard else {}
        return [Segment(self._sources[r.source].samples, r.start, r.end, self._sources[r.source].name, self.rate,
                        gains.get(r.source, 1.0)) for r in self._ranges]  # fmt: skip

    def render(self) -> np.ndarray:
        """The comp's audio as it is kept (cached until the next edit)."""
        if self._rendered is None:
            self._rendered = render(self.original, self.rate, self.segments(), self.crossfade_s)
        return self._rendered

    def render_heard(self) -> np.ndarray:
        """The comp as the player plays it, each take at its listening gain (cached until the next change)."""
        if self._heard is None:
            if not self._gains:
                self._heard = self.render()
            else:
                self._heard = render(self.original, self.rate, self.segments(heard=True), self.crossfade_s)
        return self._heard

    def seam_reports(self) -> list[SeamReport]:
        """Every boundary's verdict, with a proposed position for the poor ones (cached until an edit)."""
        if self._reports is None:
            self._reports, self._context = _seam_reports(
                self.original, self.rate, self.segments(), self._context, self.grid, self._ranges
            )
        return list(self._reports)

    @property
    def heard(self) -> np.ndarray | None:
        """The comp as the player plays it, if it is ready (after :meth:`adopt` or :meth:`render_heard`), else None."""
        return self._heard

    @property
    def known_reports(self) -> list[SeamReport]:
        """The seam verdicts if they are ready, else none (nothing is measured here)."""
        return list(self._reports or [])

    def settle_work(self) -> Callable[[], tuple] | None:
        """The comp's audio and seam verdicts as a function for another thread, or None if both are known.

        The function reads only what it is given now (the sources' samples are never written), and
        :meth:`adopt` takes its result only while the comp is still the one it measured.
        """
        if not self._ranges or (self._heard is not None and self._reports is not None):
            return None
        original, rate, grid, ranges, gains = self.original, self.rate, self.grid, self._ranges, self._gains
        segments, heard, crossfade = self.segments(), self.segments(heard=True), self.crossfade_s
        context, reports = self._context, self._reports

        def work() -> tuple:
            played = render(original, rate, heard, crossfade)
            if reports is None:
                return (
                    ranges,
                    crossfade,
                    grid,
                    gains,
                    played,
                    *_seam_reports(original, rate, segments, context, grid, ranges),
                )
            return ranges, crossfade, grid, gains, played, reports, context

        return work

    def adopt(self, result: tuple) -> bool:
        """Keep what :meth:`settle_work` computed, if the comp is still that one; True when kept."""
        ranges, crossfade, grid, gains, played, reports, ctx = result
        if ranges != self._ranges or crossfade != self.crossfade_s or grid is not self.grid or gains != self._gains:
            return False
        self._heard, self._reports, self._context = played, reports, ctx
        if not gains:
            self._rendered = played  # at unity it is also what is kept
        return True

    def describe(self) -> list[dict]:
        """The segments for an export's sidecar: take, job, engine and range in seconds."""
        out = []
        for r in self._ranges:
            source = self._sources[r.source]
            out.append({"take": source.name, "job": source.job, "engine": source.engine,
                        "start": r.start / self.rate, "end": r.end / self.rate})  # fmt: skip
        return out

    def export(self, path, format_key: str, title: str, source_file: str = "", *, overwrite: bool = False):
        """Write the comp with a sidecar whose ``segments`` name each take's job, engine and range."""
        from desktop_app.audio.export import Provenance, export

        parameters = {"crossfade_ms": self.crossfade_s * 1000, "segments": self.describe()}
        provenance = Provenance(title=title, operation="comp", source_file=source_file, parameters=parameters)
        return export(self.render(), self.rate, path, format_key, provenance, overwrite=overwrite)

    # -- editing (undoable) -----------------------------------------------------------------

    def assign(
        self, key: str, start_s: float, end_s: float, *, free: bool = False, merge_key: int | None = None
    ) -> str | None:
        """Play ``key`` over [start_s, end_s) (edges snapped unless ``free``); returns why not, or None."""
        source = self._sources.get(key)
        if source is None:
            return "That take is not available to comp."
        if end_s < start_s:
            start_s, end_s = end_s, start_s
        if not free:
            start_s, end_s = self.snap(start_s), self.snap(end_s)
        frames = self.original.shape[0]
        start, end = max(0, round(start_s * self.rate)), min(frames, round(end_s * self.rate))
        if source.region is not None:
            start, end = max(start, source.region[0]), min(end, source.region[1])
            if end <= start:
                lo, hi = (f"{x / self.rate:.2f}" for x in source.region)
                return f"“{source.name}” is an inpaint take: it can only play inside its region ({lo}–{hi} s)."
        if end - start < MIN_RANGE_S * self.rate:
            return f"A comp range must be at least {MIN_RANGE_S * 1000:.0f} ms long and inside the song."
        text = "Comp original" if key == ORIGINAL else f"Comp {source.name}"
        self._push(_paint(self._ranges, key, start, end), text, merge_key)
        return None

    def move_boundary(self, at_s: float, to_s: float, *, merge_key: int | None = None) -> str | None:
        """Move the seam at ``at_s`` to ``to_s`` (as the seam meter proposes); returns why not, or None."""
        at, to = round(at_s * self.rate), round(to_s * self.rate)
        tolerance = max(1, round(0.001 * self.rate))
        left = next((r for r in self._ranges if abs(r.end - at) <= tolerance), None)
        right = next((r for r in self._ranges if abs(r.start - at) <= tolerance), None)
        if left is None and right is None:
            return "There is no seam there to move."
        shortest = round(MIN_RANGE_S * self.rate)
        lo = left.start + shortest if left else 0
        hi = right.end - shortest if right else self.original.shape[0]
        for piece in (left, right):
            region = self._sources[piece.source].region if piece else None
            if region is not None:
                lo, hi = max(lo, region[0]), min(hi, region[1])
        if not lo <= to <= hi:
            return "The seam cannot move there: a range would vanish or leave its take's region."
        ranges = [r for r in self._ranges if r is not left and r is not right]
        if left:
            ranges.append(CompRange(left.source, left.start, to))
        if right:
            ranges.append(CompRange(right.source, to, right.end))
        self._push(_normalised(ranges), "Move seam", merge_key)
        return None

    def apply_proposal(self, report: SeamReport) -> str | None:
        """Move a poor seam to where the seam meter found both sides agree best."""
        if report.proposed_at_s is None:
            return "The seam meter has no better place for this seam."
        return self.move_boundary(report.at_s, report.proposed_at_s)

    def use_as_working_version(self, document, segments: list | None = None) -> str | None:
        """Make the comp the open song's audio ("Use comp"): one undo step, through its WorkingVersion.

        ``segments`` (SpliceSegments) are what the export's sidecar lists. The working copy is saved off
        the GUI thread; ``document.working.replaced`` says when it is in place.
        """
        if not self._ranges:
            return "The comp is still the original: swipe a take over part of the song first."
        document.working.replace(self.render(), "Use comp", segments)
        return None

    def clear(self) -> None:
        if self._ranges:
            self._push((), "Clear comp", None)

    def snap(self, seconds: float) -> float:
        tolerance = SNAP_TOLERANCE_BEATS * (self.grid.beat_seconds if self.grid else 0.0)
        result = snap_time(seconds, grid=self.grid, samples=self.original, sample_rate=self.rate,
                           to_grid=self.grid is not None, to_zero=True, grid_tolerance=tolerance)  # fmt: skip
        return result.time

    # -- internals --------------------------------------------------------------------------

    def _push(self, ranges: tuple[CompRange, ...], text: str, merge_key: int | None) -> None:
        if ranges != self._ranges:
            self.undo_stack.push(_CompCommand(self, ranges, text, merge_key))

    def _apply(self, ranges: tuple[CompRange, ...]) -> None:
        self._ranges = ranges
        self._rendered = self._heard = self._reports = None
        self.changed.emit()


def _song_context(original: np.ndarray, rate: int, grid: BeatGrid | None, ranges: tuple[CompRange, ...]) -> SongContext:
    """What seams are judged against: the song's beat, or the audio around the comp without a grid."""
    if grid is not None:
        return SongContext(original, rate, grid.beat_seconds)
    return SongContext.around(original, rate, ranges[0].start, ranges[-1].end)


def _seam_reports(
    original: np.ndarray,
    rate: int,
    segments: list[Segment],
    ctx: SongContext | None,
    grid: BeatGrid | None,
    ranges: tuple[CompRange, ...],
) -> tuple[list[SeamReport], SongContext | None]:
    """Each boundary's verdict (a proposal for the poor ones), and the song context, made when first needed."""
    reports = []
    seams = comp_seams(original, rate, segments)
    if not seams:
        return [], ctx
    known = ctx if ctx is not None else _song_context(original, rate, grid, ranges)
    for seam in seams:
        report = measure_seam(known, seam)
        reports.append(with_proposal(known, seam, report) if report.verdict == POOR else report)
    return reports, known


def _paint(ranges: tuple[CompRange, ...], key: str, start: int, end: int) -> tuple[CompRange, ...]:
    """``ranges`` with [start, end) given to ``key`` (or to nobody, for the original)."""
    out = []
    for r in ranges:
        if r.end <= start or r.start >= end:
            out.append(r)
            continue
        if r.start < start:
            out.append(CompRange(r.source, r.start, start))
        if r.end > end:
            out.append(CompRange(r.source, end, r.end))
    if key != ORIGINAL:
        out.append(CompRange(key, start, end))
    return _normalised(out)


def _normalised(ranges: list[CompRange]) -> tuple[CompRange, ...]:
    """Sorted, empty ranges dropped, touching ranges of the same source joined (no seam between them)."""
    merged: list[CompRange] = []
    for r in sorted((r for r in ranges if r.end > r.start), key=lambda r: r.start):
        if merged and merged[-1].source == r.source and merged[-1].end == r.start:
            merged[-1] = CompRange(r.source, merged[-1].start, r.end)
        else:
            merged.append(r)
    return tuple(merged)


class _CompCommand(QUndoCommand):
    def __init__(self, session: CompSession, new: tuple[CompRange, ...], text: str, merge_key: int | None) -> None:
        super().__init__(text)
        self._session = session
        self._old = session.ranges
        self._new = new
        self._merge_key = merge_key

    def id(self) -> int:
        return _MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _CompCommand) or self._merge_key is None or other._merge_key != self._merge_key:
            return False
        self._new = other._new
        return True

    def redo(self) -> None:
        self._session._apply(self._new)

    def undo(self) -> None:
        self._session._apply(self._old)
