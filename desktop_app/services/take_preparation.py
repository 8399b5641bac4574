"""Preparing a batch of takes for the comparison, on its worker thread: decode, align, measure.

:func:`prepare_takes` decodes two takes at a time (each lane shows its waveform as it decodes, then the
aligned one), measures the original over the heard span once if it has not been, then each take's
figures. Every result goes back to the GUI thread through :class:`Delivery`, which belongs to one
generation of the comparison: once a newer original replaced it (or the window closed), ``current()``
turns false, the remaining steps are skipped and whatever is still handed over is dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.audio import PeakPyramid, load_with_peaks
from desktop_app.audio.errors import AudioError
from desktop_app.services.lanes import Lane

if TYPE_CHECKING:  # the measuring modules are imported when takes arrive
    from desktop_app.audio.align import Alignment
    from desktop_app.audio.compare import TakeFigures
    from desktop_app.audio.loudness import Loudness

PROGRESS_INTERVAL_S = 0.25  # a partial waveform 4 times a second: enough to see it come


@dataclass(frozen=True)
class Batch:
    """The takes to prepare and what they are compared with (the original's samples are shared, not copied)."""

    lanes: list[Lane]
    original: np.ndarray
    rate: int
    frames: tuple[int, int]  # the region, in the original's frames
    heard: tuple[int, int]  # the region with its pre/post roll
    reference: Loudness | None  # the original's loudness over ``heard``, when already measured
    preroll: int  # frames of the original before an extension's point that it is measured against


@dataclass(frozen=True)
class Steps:
    """What the comparison does with each result, on the GUI thread."""

    progress: Callable[[Lane, float, PeakPyramid], None]
    samples: Callable[[Lane, np.ndarray, PeakPyramid, Alignment], None]
    original_loudness: Callable[[Loudness], None]
    figures: Callable[[Lane, TakeFigures], None]
    failed: Callable[[Lane, str], None]
    done: Callable[[], None]


@dataclass(frozen=True)
class Delivery:
    current: Callable[[], bool]  # this generation of the comparison is still the one shown
    hand_over: Callable[[Callable[[], None]], None]  # run on the GUI thread, unless no longer current
    steps: Steps


def prepare_takes(batch: Batch, delivery: Delivery) -> None:
    from desktop_app.audio.compare import span_loudness, take_figures
    from desktop_app.audio.extension import extension_figures

    steps, hand_over = delivery.steps, delivery.hand_over

    def decode(lane: Lane) -> np.ndarray | None:
        if not delivery.current():
            return None  # a newer original replaced this one: its lanes would be thrown away
        return _decode(lane, batch, delivery)

    try:
        # Two takes decode at once: decoding, summarising and aligning release the interpreter, so on
        # two cores the lanes fill in about half the time. Joined here, before anything is measured.
        with ThreadPoolExecutor(max_workers=min(2, len(batch.lanes)), thread_name_prefix="decode-take") as pool:
            decoded = [(lane, s) for lane, s in zip(batch.lanes, pool.map(decode, batch.lanes), strict=True)
                       if s is not None]  # fmt: skip
        if not delivery.current():
            return
        original, rate, reference = batch.original, batch.rate, batch.reference
        if reference is None:
            reference = span_loudness(original, rate, batch.frames, batch.heard)
            measured = reference
            hand_over(lambda: steps.original_loudness(measured))
        for lane, samples in decoded:
            if not delivery.current():
                return
            if lane.extend_from is not None:  # an extension: its continuation, against the original before the point
                figures = extension_figures(original, reference, samples, rate, lane.extend_from, batch.preroll)
            else:
                figures = take_figures(original, reference, samples, rate, batch.frames, batch.heard)
            hand_over(partial(steps.figures, lane, figures))
    finally:
        hand_over(steps.done)


def _decode(lane: Lane, batch: Batch, delivery: Delivery) -> np.ndarray | None:
    """Decode and align one take; its lane shows the waveform as it decodes, then the aligned one."""
    from desktop_app.audio.compare import align_take
    from desktop_app.audio.extension import align_extension

    steps, hand_over = delivery.steps, delivery.hand_over
    last = 0.0

    def report(pyramid: PeakPyramid) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_INTERVAL_S and not pyramid.complete:
            last = now
            fraction = 0.8 * pyramid.ready_frames / max(1, pyramid.frames)
            hand_over(lambda: steps.progress(lane, fraction, pyramid))

    assert lane.source_path is not None, "only takes are prepared, and every take has its file"
    try:
        clip, peaks = load_with_peaks(lane.source_path, progress=report)
    except AudioError as error:
        message = str(error)
        hand_over(lambda: steps.failed(lane, message))
        return None
    if not delivery.current():
        return None  # replaced while it decoded: do not spend an alignment on it
    original, rate = batch.original, batch.rate
    if lane.extend_from is not None:  # an extension: lined up on the music before the point, kept at its own length
        samples, alignment = align_extension(original, rate, clip.samples, clip.sample_rate, lane.extend_from)
    else:
        samples, alignment = align_take(
            original, rate, clip.samples, clip.sample_rate, *batch.frames, align=not lane.is_whole_track
        )
    if samples is not clip.samples:  # moved or conformed: the decoded pyramid no longer lines up
        peaks = PeakPyramid.from_samples(samples)
    hand_over(lambda: steps.samples(lane, samples, peaks, alignment))
    return samples
