"""The comparison of takes against the original: lanes, what is heard, matching, ratings, splices.

State lives here, not in the results widgets: which lanes exist (the original plus each take,
aligned on the original's frames), which one is heard, whether loudness matching and the blind
mode are on, and each take's rating. Takes are prepared (conformed, aligned, measured) on one worker
thread, one request after another; work for an original that has since been replaced is dropped between
steps, so a burst of finished jobs never piles up threads competing with the GUI for the interpreter.
The GUI only draws what this model says.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop_app.audio import PeakPyramid, load
from desktop_app.audio.compare import PreparedTake, prepare_take, region_loudness
from desktop_app.audio.errors import AudioError
from desktop_app.audio.loudness import Loudness, db_to_gain
from desktop_app.audio.splice import splice
from desktop_app.jobs.store import Rating
from desktop_app.services.serial_worker import SerialWorker

log = logging.getLogger(__name__)
ORIGINAL = "original"


@dataclass
class Lane:
    key: str  # "original", or "<job id>:<take index>"
    label: str  # "Original", "Take 1", ...
    samples: np.ndarray
    peaks: PeakPyramid
    loudness: Loudness | None = None  # over the region (or the whole track)
    prepared: PreparedTake | None = None
    job_id: str | None = None
    take_index: int | None = None
    engine_label: str = ""
    source_path: Path | None = None
    rating: str = ""
    details: dict = field(default_factory=dict)

    @property
    def is_original(self) -> bool:
        return self.key == ORIGINAL


@dataclass(frozen=True)
class TakeSource:
    """A take to bring in: its file and where it came from."""

    job_id: str
    take_index: int
    path: Path
    engine_label: str = ""
    rating: str = ""


class Comparison(QObject):
    lanes_changed = Signal()
    selection_changed = Signal(str)  # lane key heard now
    options_changed = Signal()
    rating_changed = Signal(str, str)  # lane key, rating
    preparing = Signal(bool)
    failed = Signal(str)  # user-facing message (a take that cannot be read)

    _ready = Signal(object)  # (generation, lanes, errors) from the preparing thread
    _measured = Signal(object)  # (token, lane, loudness) from the measuring thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ready.connect(self._on_ready)
        self._measured.connect(self._on_measured)
        self._measure_token = 0
        self.lanes: list[Lane] = []
        self.rate = 0
        self.region: tuple[float, float] | None = None  # seconds; None for whole-track operations
        self.selected = ORIGINAL
        self.loudness_match = True
        self.blind = False
        self._blind_order: list[str] = []
        self._generation = 0
        self._closed = False
        self._lock = threading.Lock()
        self._worker = SerialWorker("prepare-takes")

    def close(self) -> None:
        """The window is closing: background work stops at its next step and hands nothing back.

        A preparation still running as the interpreter exits must not touch this object while Qt tears
        it down (that aborted the process); the flag is checked under the same lock as the hand-over.
        """
        with self._lock:
            self._closed = True
            self._generation += 1
            self._measure_token += 1
        self._worker.shutdown()

    def _hand_over(self, signal, payload: object) -> None:
        """Emit a worker's result to the GUI thread (a queued signal), unless the comparison is closed."""
        with self._lock:
            if not self._closed:
                signal.emit(payload)

    # ------------------------------------------------------------------------------------ setup
    def set_original(self, samples: np.ndarray, rate: int, peaks: PeakPyramid | None = None) -> None:
        """The song the takes are compared with (the document's working version)."""
        with self._lock:
            self._generation += 1
        self.rate = rate
        lane = Lane(ORIGINAL, "Original", samples, peaks or PeakPyramid.from_samples(samples))
        self.lanes = [lane]
        self.selected = ORIGINAL
        self._measure_original()
        self.lanes_changed.emit()

    def set_region(self, region: tuple[float, float] | None) -> None:
        self.region = region
        self._measure_original()

    def add_takes(self, takes: list[TakeSource]) -> None:
        """Load, align and measure takes off the GUI thread; lanes appear when ready."""
        if not self.lanes:
            raise RuntimeError("set the original first")
        known = {lane.key for lane in self.lanes}
        todo = [t for t in takes if f"{t.job_id}:{t.take_index}" not in known]
        if not todo:
            return
        with self._lock:
            generation = self._generation
        original, rate, frames = self.lanes[0].samples, self.rate, self._region_frames()
        self.preparing.emit(True)
        self._worker.submit(lambda: self._prepare(todo, original, rate, frames, generation))

    def _is_current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation

    def _prepare(self, takes, original, rate, frames, generation) -> None:
        ready: list[Lane] = []
        errors: list[str] = []
        for take in takes:
            if not self._is_current(generation):
                break  # a newer original replaced this one: its lanes would be thrown away
            try:
                clip = load(take.path)
            except AudioError as error:
                errors.append(str(error))
                continue
            if not self._is_current(generation):
                break
            start, end = frames
            prepared = prepare_take(original, rate, clip.samples, clip.sample_rate, start, end)
            lane = Lane(
                key=f"{take.job_id}:{take.take_index}",
                label="",
                samples=prepared.samples,
                peaks=PeakPyramid.from_samples(prepared.samples),
                loudness=prepared.region_loudness,
                prepared=prepared,
                job_id=take.job_id,
                take_index=take.take_index,
                engine_label=take.engine_label,
                source_path=take.path,
                rating=take.rating,
            )
            ready.append(lane)
        # Hand over to the GUI thread through a queued signal (this object lives there); it also ends the
        # "preparing" state of a dropped request.
        with contextlib.suppress(RuntimeError):  # the comparison was deleted meanwhile
            self._hand_over(self._ready, (generation, ready, errors))

    def _on_ready(self, payload: tuple[int, list[Lane], list[str]]) -> None:
        generation, ready, errors = payload
        with self._lock:
            current = generation == self._generation
        self.preparing.emit(False)
        if not current:
            return  # the original changed meanwhile: these alignments are stale
        known = {lane.key for lane in self.lanes}
        for lane in ready:
            if lane.key not in known:
                self.lanes.append(lane)
        self._relabel()
        for message in errors:
            self.failed.emit(message)
        if self.blind:
            self._blind_order += [lane.key for lane in ready if lane.key not in self._blind_order]
            random.shuffle(self._blind_order)
        self.lanes_changed.emit()

    def _relabel(self) -> None:
        jobs: list[str] = []
        for lane in self.lanes[1:]:
            if lane.job_id not in jobs:
                jobs.append(lane.job_id or "")
        for lane in self.lanes[1:]:
            number = lane.take_index or 1
            lane.label = (
                f"Take {number}" if len(jobs) == 1 else f"Job {jobs.index(lane.job_id or '') + 1} · take {number}"
            )

    # ------------------------------------------------------------------------------- listening
    def select(self, key: str) -> None:
        if any(lane.key == key for lane in self.lanes) and key != self.selected:
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

    def display_name(self, lane: Lane) -> str:
        if lane.is_original:
            return "Original"
        index = self.shown_lanes().index(lane)
        if self.blind and not lane.rating:
            return f"Take {chr(ord('A') + index - 1)}"
        return lane.label

    def gain_db(self, lane: Lane) -> float:
        if not self.loudness_match or lane.prepared is None:
            return 0.0
        return lane.prepared.match_gain_db

    def gains(self) -> dict[str, float]:
        return {lane.key: db_to_gain(self.gain_db(lane)) for lane in self.lanes}

    def set_loudness_match(self, on: bool) -> None:
        self.loudness_match = on
        self.options_changed.emit()

    def set_blind(self, on: bool) -> None:
        self.blind = on
        if on:
            order = [lane.key for lane in self.lanes[1:]]
            random.shuffle(order)
            self._blind_order = order
        self.options_changed.emit()
        self.lanes_changed.emit()

    def rate_lane(self, key: str, rating: str) -> None:
        if rating not in set(Rating):
            raise ValueError(rating)
        for lane in self.lanes:
            if lane.key == key and not lane.is_original:
                lane.rating = rating
                self.rating_changed.emit(key, rating)
                self.lanes_changed.emit()

    def lane(self, key: str) -> Lane | None:
        return next((lane for lane in self.lanes if lane.key == key), None)

    # ---------------------------------------------------------------------------------- splicing
    def spliced(self, key: str, crossfade_s: float) -> np.ndarray:
        """The original outside the region, take ``key`` (aligned) inside it, crossfaded at the edges."""
        lane = self.lane(key)
        if lane is None or lane.is_original:
            raise ValueError("choose a take to splice in")
        if self.region is None:
            raise ValueError("this job has no region: use the whole take instead")
        start, end = self._region_frames()
        return splice(self.lanes[0].samples, lane.samples, start, end, self.rate, crossfade_s=crossfade_s)

    def whole_take(self, key: str) -> np.ndarray:
        lane = self.lane(key)
        if lane is None or lane.is_original:
            raise ValueError("choose a take")
        return lane.samples

    # ---------------------------------------------------------------------------------- helpers
    def _region_frames(self) -> tuple[int, int]:
        frames = self.lanes[0].samples.shape[0] if self.lanes else 0
        if self.region is None:
            return 0, frames
        start, end = self.region
        lo = max(0, min(frames - 1, round(start * self.rate)))
        hi = max(lo + 1, min(frames, round(end * self.rate)))
        return lo, hi

    def _measure_original(self) -> None:
        """Lane 0's loudness over the region, measured on a thread: true peak oversamples the whole region,
        which took up to seconds per finished job on the GUI thread. Only the latest request is kept."""
        if not self.lanes:
            return
        lane, rate, (start, end) = self.lanes[0], self.rate, self._region_frames()
        with self._lock:
            self._measure_token += 1
            token = self._measure_token

        def measure() -> None:
            with self._lock:
                if token != self._measure_token:
                    return  # superseded before it started
            loudness = region_loudness(lane.samples, rate, start, end)
            with contextlib.suppress(RuntimeError):  # the comparison was deleted meanwhile: nothing to show
                self._hand_over(self._measured, (token, lane, loudness))

        self._worker.submit(measure)

    def _on_measured(self, payload: tuple[int, Lane, Loudness]) -> None:
        token, lane, loudness = payload
        with self._lock:
            current = token == self._measure_token
        if current and self.lanes and self.lanes[0] is lane:
            lane.loudness = loudness
            self.options_changed.emit()  # what the lanes show changed (no new sources: not lanes_changed)
