"""The comparison of takes against the original: lanes, what is heard, matching, ratings, splices.

State lives here, not in the results widgets: which lanes exist (the original plus each take,
aligned on the original's frames), which one is heard, whether loudness matching and the blind
mode are on, and each take's rating. The GUI only draws what this model says.

Work is in proportion to what is shown. Setting the original measures nothing: loudness and true
peak are measured when takes arrive, over the region (and its context) only. A take's lane exists
from the moment it is asked for ("preparing", with progress), gets its waveform as it decodes and
its figures last (services/take_preparation.py). All of it runs on one worker thread, one step after
another; a step for an original that has since been replaced is skipped, so a burst of finished jobs
never piles up work.
The work starts two turns of the event loop after the lanes are announced: the window lays the new
lanes out and draws them first, before two decoders compete with it for a 2-core machine (with 20
jobs running, the longest stall of the window fell from 85–165 ms to 84–104 ms).
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.api.operations import Operation
from desktop_app.audio import PeakPyramid
from desktop_app.audio.splice import splice
from desktop_app.services.lanes import (
    ORIGINAL,
    PREPARING,
    RATINGS,
    READY,
    Lane,
    TakeSource,
    operation_label,
)
from desktop_app.services.measured_span import MeasuredSpan
from desktop_app.services.serial_worker import SerialWorker
from desktop_app.services.take_preparation import Batch, Delivery, Steps, prepare_takes

__all__ = ["ORIGINAL", "PREPARING", "RATINGS", "READY", "Comparison", "Lane", "TakeSource", "operation_label"]

if TYPE_CHECKING:  # the measuring modules are imported when takes arrive
    from desktop_app.audio.align import Alignment
    from desktop_app.audio.compare import TakeFigures
    from desktop_app.audio.loudness import Loudness


class Comparison(QObject):
    lanes_changed = Signal()  # lanes added or removed (the player's sources change)
    lane_updated = Signal(str)  # a lane's waveform, progress or figures changed (key)
    selection_changed = Signal(str)  # lane key heard now
    options_changed = Signal()
    rating_changed = Signal(str, str)  # lane key, rating
    preparing = Signal(bool)
    failed = Signal(str)  # user-facing message (a take that cannot be read)

    _step = Signal(object)  # (generation, callable) run on the GUI thread: a worker's result

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._step.connect(self._on_step)
        self.lanes: list[Lane] = []
        self.rate = 0
        self.region: tuple[float, float] | None = None  # seconds; None for whole-track operations
        self.extend_after: float | None = None  # an extend job's point: its takes are compared from there on
        self.context_s: tuple[float, float] = (2.0, 2.0)  # pre/post roll heard around the region
        self.selected = ORIGINAL
        self.loudness_match = True
        self.blind = False
        self.titles: dict[str, str] = {}  # job id -> how the heading names it
        self.original_span: str = ""  # over what lane 0's loudness was measured, in words
        self._blind_order: list[str] = []
        self._random = random.Random()
        self._generation = 0
        self._pending = 0
        self._closed = False
        self._holding, self._held = 0, False  # inside one_change(); a lanes_changed is owed
        self._lock = threading.Lock()
        self._worker = SerialWorker("prepare-takes")

    def close(self) -> None:
        """The window is closing: background work stops at its next step and hands nothing back."""
        with self._lock:
            self._closed = True
            self._generation += 1
        self._worker.shutdown()

    @contextlib.contextmanager
    def one_change(self) -> Iterator[None]:
        """Announce what happens inside (a new original, its region, the takes) as one ``lanes_changed``:
        each announcement rebuilds the lane widgets, and twice in a row froze the window."""
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if not self._holding and self._held:
                self._held = False
                self.lanes_changed.emit()

    def _lanes_changed(self) -> None:
        if self._holding:
            self._held = True
        else:
            self.lanes_changed.emit()

    # ------------------------------------------------------------------------------------ setup
    def set_original(self, samples: np.ndarray, rate: int, peaks: PeakPyramid | None = None) -> None:
        """The song the takes are compared with. Nothing is measured here (see the module docstring)."""
        with self._lock:
            self._generation += 1
        self.rate = rate
        self.lanes = [Lane(ORIGINAL, "Original", samples, peaks or PeakPyramid.from_samples(samples))]
        self.selected = ORIGINAL
        self.titles = {}
        self.original_span = ""
        self._blind_order = []
        self._random = random.Random()
        if self._pending:
            self._pending = 0
            self.preparing.emit(False)
        self._lanes_changed()

    def set_region(self, region: tuple[float, float] | None) -> None:
        if region != self.region and self.lanes:
            self.lanes[0].loudness = None  # measured over the old region: no longer what it says
            self.original_span = ""
        self.region = region

    def set_extend_after(self, after: float | None) -> None:
        """An extend job's ``extend_after`` (None for other jobs): the original is measured before it."""
        if after != self.extend_after and self.lanes:
            self.lanes[0].loudness = None
            self.original_span = ""
        self.extend_after = after

    def set_context(self, pre_s: float, post_s: float) -> None:
        """How much is heard around the region; the true peak is measured over it (takes added next)."""
        self.context_s = (max(0.0, pre_s), max(0.0, post_s))

    def add_takes(self, takes: list[TakeSource]) -> None:
        """Lanes appear now, "preparing"; waveforms and figures follow from the worker thread."""
        if not self.lanes:
            raise RuntimeError("set the original first")
        known = {lane.key for lane in self.lanes}
        todo = [t for t in takes if f"{t.job_id}:{t.take_index}" not in known]
        if not todo:
            return
        with self._lock:
            generation = self._generation
        span = self.span()
        new, extend_from = [], span.extend_frame()
        for take in todo:
            self.titles.setdefault(take.job_id, take.title)
            lane = Lane(
                key=f"{take.job_id}:{take.take_index}", label="", samples=None, peaks=None, job_id=take.job_id,
                take_index=take.take_index, operation=take.operation, engine_label=take.engine_label,
                source_path=take.path, rating=take.rating, status=PREPARING, progress=0.0,
                extend_from=extend_from if take.operation == Operation.EXTEND else None,
            )  # fmt: skip
            self.lanes.append(lane)
            # Shuffled once per comparison: each new take lands at a random place, the others stay put.
            self._blind_order.insert(self._random.randint(0, len(self._blind_order)), lane.key)
            new.append(lane)
        self._relabel()
        self._pending += 1
        if self._pending == 1:
            self.preparing.emit(True)
        original, rate = self._original_samples(), self.rate
        frames, heard = span.region_frames(), span.heard_frames()
        # Lane 0 is measured once per region (and context), not again for every job over the same one.
        reference = self.lanes[0].loudness if self.original_span == span.words() else None
        self.original_span = span.words()
        self._lanes_changed()

        batch = Batch(new, original, rate, frames, heard, reference, preroll=round(self.context_s[0] * rate))
        delivery = self._delivery(generation)

        def prepare() -> None:
            self._worker.submit(lambda: prepare_takes(batch, delivery))

        # After the layout's and the paint's posted events (see the module docstring).
        QTimer.singleShot(0, self, lambda: QTimer.singleShot(0, self, prepare))

    # --------------------------------------------------------------------------- worker thread
    def _is_current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation and not self._closed

    def _hand_over(self, generation: int, apply) -> None:
        """Run ``apply`` on the GUI thread (a queued signal), unless the comparison moved on or closed."""
        with self._lock, contextlib.suppress(RuntimeError):  # RuntimeError: the comparison was deleted
            if not self._closed and generation == self._generation:
                self._step.emit((generation, apply))

    def _delivery(self, generation: int) -> Delivery:
        steps = Steps(
            progress=self._set_progress, samples=self._set_samples, original_loudness=self._set_original_loudness,
            figures=self._set_figures, failed=self._set_failed, done=self._batch_done,
        )  # fmt: skip
        return Delivery(lambda: self._is_current(generation), lambda apply: self._hand_over(generation, apply), steps)

    # ------------------------------------------------------------------------------ GUI thread
    def _on_step(self, payload) -> None:
        generation, apply = payload
        if generation == self._generation and not self._closed:
            apply()

    def _set_progress(self, lane: Lane, fraction: float, pyramid: PeakPyramid) -> None:
        if lane.samples is None:
            lane.progress = fraction
            if pyramid.frames and abs(pyramid.frames - self._original_samples().shape[0]) < self.rate:
                lane.peaks = pyramid  # same grid, near enough: draw it while it decodes
            self.lane_updated.emit(lane.key)

    def _set_samples(self, lane: Lane, samples: np.ndarray, peaks: PeakPyramid, alignment: Alignment) -> None:
        lane.samples, lane.peaks, lane.alignment, lane.progress = samples, peaks, alignment, 0.9
        self._lanes_changed()  # a new source for the player

    def _set_original_loudness(self, loudness: Loudness) -> None:
        self.lanes[0].loudness = loudness
        self.lane_updated.emit(ORIGINAL)

    def _set_figures(self, lane: Lane, figures: TakeFigures) -> None:
        lane.figures, lane.status, lane.progress = figures, READY, 1.0
        self.lane_updated.emit(lane.key)
        self.options_changed.emit()  # its gain is known now

    def _set_failed(self, lane: Lane, message: str) -> None:
        if lane in self.lanes:
            self.lanes.remove(lane)
            self._blind_order = [k for k in self._blind_order if k != lane.key]
            self._relabel()
            self._lanes_changed()
        self.failed.emit(message)

    def _batch_done(self) -> None:
        self._pending = max(0, self._pending - 1)
        if not self._pending:
            self.preparing.emit(False)

    @property
    def is_preparing(self) -> bool:
        return any(lane.status == PREPARING for lane in self.lanes)

    def _relabel(self) -> None:
        """ "Remix · take 2"; the job's number among this comparison's jobs only when two share an operation."""
        jobs: list[str] = []
        for lane in self.lanes[1:]:
            if lane.job_id not in jobs:
                jobs.append(lane.job_id or "")
        for lane in self.lanes[1:]:
            same_operation = {other.job_id for other in self.lanes[1:] if other.operation == lane.operation}
            number = lane.take_index or 1
            label = f"{operation_label(lane.operation)} · take {number}" if lane.operation else f"Take {number}"
            if len(same_operation) > 1:
                label += f" (job {jobs.index(lane.job_id or '') + 1})"
            lane.label = label

    # ------------------------------------------------------------------------------- listening
    def select(self, key: str) -> None:
        lane = self.lane(key)
        if lane is not None and lane.samples is not None and key != self.selected:
            self.selected = key
            self.selection_changed.emit(key)

    def select_index(self, index: int) -> None:
        """Keys 0, 1, 2…: 0 is the original, n the n-th take as shown."""
        shown = self.shown_lanes()
        if 0 <= index < len(shown):
            self.select(shown[index].key)

    def shown_lanes(self) -> list[Lane]:
        """Lanes in display order (shuffled takes in blind mode, original always first)."""
        if not self.blind:
            return list(self.lanes)
        by_key = {lane.key: lane for lane in self.lanes}
        return [self.lanes[0]] + [by_key[k] for k in self._blind_order if k in by_key]

    @property
    def hides_identity(self) -> bool:
        """Blind mode until every take has a rating: then the names and figures are revealed."""
        return self.blind and any(not lane.rating for lane in self.lanes[1:])

    def display_name(self, lane: Lane) -> str:
        if lane.is_original:
            return "Original"
        if self.hides_identity:
            takes = self.shown_lanes()[1:]
            return f"Take {chr(ord('A') + takes.index(lane))}"
        return lane.label

    def heading(self) -> str:
        """What the lanes show, in words (always true to the lanes on screen)."""
        takes = self.lanes[1:]
        if not takes:
            return "No takes yet. When a job finishes, its takes appear here next to the original."
        preparing = [lane for lane in takes if lane.status == PREPARING]
        if self.hides_identity:
            text = f"Blind comparison of {len(takes)} takes: rate each one to reveal which is which"
        else:
            jobs = list(dict.fromkeys(lane.job_id for lane in takes))
            names = [self.titles.get(job or "") or operation_label(self._operation_of(job)) for job in jobs]
            engines = sorted({lane.engine_label for lane in takes if lane.engine_label})
            text = " + ".join(names) + (f" · made by {', '.join(engines)}" if engines else "")
        if preparing:
            done = sum(lane.progress for lane in takes) / len(takes)
            text += f" — preparing {len(preparing)} take{'s' if len(preparing) > 1 else ''} ({done:.0%})"
        return text

    def _operation_of(self, job_id: str | None) -> str:
        return next((lane.operation for lane in self.lanes[1:] if lane.job_id == job_id), "")

    def gain_db(self, lane: Lane) -> float:
        if not self.loudness_match or lane.figures is None:
            return 0.0
        return lane.figures.match.db

    def gains(self) -> dict[str, float]:
        if all(lane.figures is None for lane in self.lanes):
            return {lane.key: 1.0 for lane in self.lanes}  # nothing measured (yet): no need for the meter
        from desktop_app.audio.loudness import db_to_gain

        return {lane.key: db_to_gain(self.gain_db(lane)) for lane in self.lanes}

    def set_loudness_match(self, on: bool) -> None:
        self.loudness_match = on
        self.options_changed.emit()

    def set_blind(self, on: bool) -> None:
        """Toggling never reshuffles: the order was drawn once for this comparison."""
        self.blind = on
        self.options_changed.emit()
        self._lanes_changed()

    def rate_lane(self, key: str, rating: str) -> None:
        if rating not in RATINGS:
            raise ValueError(rating)
        lane = self.lane(key)
        if lane is not None and not lane.is_original:
            lane.rating = rating
            self.rating_changed.emit(key, rating)
            self.options_changed.emit()

    def lane(self, key: str) -> Lane | None:
        return next((lane for lane in self.lanes if lane.key == key), None)

    def sources(self) -> dict[str, np.ndarray]:
        """What the player can switch between: every lane whose samples are in."""
        return {lane.key: lane.samples for lane in self.lanes if lane.samples is not None}

    # ---------------------------------------------------------------------------------- splicing
    def spliced(self, key: str, crossfade_s: float) -> np.ndarray:
        """The original outside the region, take ``key`` (aligned) inside it, crossfaded at the edges; for an
        extend take, the original before its point and the take after it (see audio/extension.py)."""
        lane, take = self._take(key)
        if lane.extend_from is not None:  # an extension
            from desktop_app.audio.extension import keep_extension

            return keep_extension(self._original_samples(), take, lane.extend_from, self.rate, crossfade_s)
        if self.region is None:
            raise ValueError("this job has no region: use the whole take instead")
        start, end = self.region_frames()
        return splice(self._original_samples(), take, start, end, self.rate, crossfade_s=crossfade_s)

    def whole_take(self, key: str) -> np.ndarray:
        return self._take(key)[1]

    def _take(self, key: str) -> tuple[Lane, np.ndarray]:
        """Take ``key``'s lane and its (aligned) samples, or a ValueError a producer can read."""
        lane = self.lane(key)
        if lane is None or lane.is_original:
            raise ValueError("choose a take")
        if lane.samples is None:
            raise ValueError("that take is still being prepared")
        return lane, lane.samples

    def can_splice(self, key: str) -> bool:
        """Whether "use this take" has a part of the song to replace: a region, or an extend take's point."""
        lane = self.lane(key)
        return lane is not None and lane.samples is not None and (lane.is_extension or self.region is not None)

    def longest_frames(self) -> int:
        """Frames of the longest lane (an extend take outlasts the original): how far the time axis must reach."""
        return max((lane.samples.shape[0] for lane in self.lanes if lane.samples is not None), default=0)

    # ---------------------------------------------------------------------------------- helpers
    def _original_samples(self) -> np.ndarray:
        """Lane 0's samples: the original's are in from set_original on, never prepared like a take's."""
        samples = self.lanes[0].samples if self.lanes else None
        if samples is None:
            raise RuntimeError("there is no original to compare with")
        return samples

    def span(self) -> MeasuredSpan:
        """Where the original is measured and what a loop plays, for the region, extend point and context set."""
        frames = self._original_samples().shape[0] if self.lanes else 0
        return MeasuredSpan(frames, self.rate, self.region, self.extend_after, self.context_s)

    def region_frames(self) -> tuple[int, int]:
        """Where the original is measured, in its frames (the region, before an extend point, or all)."""
        return self.span().region_frames()
