"""Min/max peak pyramid: what the waveform view paints from, one column per pixel.

Level 0 holds the min and max of every ``BASE_BLOCK`` frames, level k of every
``BASE_BLOCK * 2**k`` frames. Arrays are channel-major ``(channels, blocks)`` because reducing
one channel at a time is several times faster than reducing interleaved frames.

The pyramid can be filled progressively (:class:`PeakBuilder`), chunk by chunk while a file
decodes, so the first screen can paint before the whole file is read; ``ready_frames`` says how
far it is valid. Blocks not filled yet hold +inf (mins) and -inf (maxs), which every min/max
ignores, so a coarse block that is only partly decoded still reports the part that is.
"""

from __future__ import annotations

import numpy as np

BASE_BLOCK = 256
CHUNK_FRAMES = BASE_BLOCK * 4096  # about 24 s at 44.1 kHz: the decode/summarise hand-off unit
# Level 0 is reduced in slices this long: a slice of one channel (256 KB) stays in the CPU cache
# between the copy that de-interleaves it and the two reductions that read it.
_SLICE_FRAMES = BASE_BLOCK * 256
# A column reads a level whose block is at most 1/_BLOCKS_PER_COLUMN of it, so snapping column
# edges to that level's block grid moves them by less than a quarter pixel.
_BLOCKS_PER_COLUMN = 4


def _level_count(frames: int) -> int:
    blocks = max(1, -(-frames // BASE_BLOCK))
    return int(np.ceil(np.log2(blocks))) + 1


class PeakPyramid:
    """Per channel min/max at power-of-two block sizes, plus a reference to the samples."""

    def __init__(self, samples: np.ndarray) -> None:
        self.samples = samples
        self.frames, self.channels = samples.shape
        self.levels = _level_count(self.frames)
        self.mins: list[np.ndarray] = []
        self.maxs: list[np.ndarray] = []
        for level in range(self.levels):
            blocks = max(1, -(-self.frames // (BASE_BLOCK << level)))
            self.mins.append(np.full((self.channels, blocks), np.inf, np.float32))
            self.maxs.append(np.full((self.channels, blocks), -np.inf, np.float32))
        self.ready_frames = 0

    @classmethod
    def from_samples(cls, samples: np.ndarray) -> PeakPyramid:
        builder = PeakBuilder(samples)
        for start in range(0, samples.shape[0], CHUNK_FRAMES):
            builder.add(start, min(samples.shape[0], start + CHUNK_FRAMES))
        return builder.finish()

    @property
    def complete(self) -> bool:
        return self.ready_frames >= self.frames

    def peak(self) -> float:
        """The largest absolute sample value decoded so far, over all channels (0.0 for silence)."""
        top = self.levels - 1  # its few blocks cover the whole song; those not decoded yet still hold ±inf
        ends = np.abs(np.concatenate([self.mins[top].ravel(), self.maxs[top].ravel()]))
        ends = ends[np.isfinite(ends)]
        return float(ends.max()) if ends.size else 0.0

    def is_finite(self) -> bool:
        """True when no decoded sample is NaN or infinite (min/max propagate both into level 0)."""
        blocks = -(-self.ready_frames // BASE_BLOCK)
        return bool(np.isfinite(self.mins[0][:, :blocks]).all() and np.isfinite(self.maxs[0][:, :blocks]).all())

    # -- reading ------------------------------------------------------------------------------

    def level_for(self, frames_per_pixel: float) -> int:
        """The level a column of ``frames_per_pixel`` reads; -1 means the samples themselves."""
        if frames_per_pixel < BASE_BLOCK * _BLOCKS_PER_COLUMN:
            return -1
        level = int(np.floor(np.log2(frames_per_pixel / (BASE_BLOCK * _BLOCKS_PER_COLUMN))))
        return min(level, self.levels - 1)

    def block_for(self, frames_per_pixel: float) -> int:
        """Frames per block of the level that ``columns`` reads at this zoom (1 = raw samples)."""
        level = self.level_for(frames_per_pixel)
        return 1 if level < 0 else BASE_BLOCK << level

    def columns(
        self, channel: int, start_frame: float, frames_per_pixel: float, count: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Min and max for ``count`` pixel columns; column i covers ``start_frame + i * frames_per_pixel`` onwards.

        Column edges are floored to whole frames, then rounded up to the block grid of the level
        being read (``block_for``), so neighbouring columns share no block and a peak is drawn
        once. Below one frame per pixel a column shows the sample under it. Columns before the
        start or past the end of the audio (or past ``ready_frames`` while loading) are NaN, so
        the painter can skip them.
        """
        if frames_per_pixel <= 0:
            raise ValueError("frames_per_pixel must be positive")
        mins = np.full(count, np.nan, np.float32)
        maxs = np.full(count, np.nan, np.float32)
        limit = min(self.frames, self.ready_frames)
        level = self.level_for(frames_per_pixel)
        block = 1 if level < 0 else BASE_BLOCK << level
        edges = start_frame + frames_per_pixel * np.arange(count + 1, dtype=np.float64)
        first = np.clip(np.floor(edges), 0, limit).astype(np.int64)
        snapped = np.minimum(-(-first // block) * block, limit)
        starts, stops = snapped[:-1], np.maximum(snapped[1:], snapped[:-1] + 1)
        visible = np.flatnonzero((edges[1:] > 0) & (starts < limit))
        if visible.size == 0:
            return mins, maxs
        if level < 0:
            source_min = source_max = self.samples[:limit, channel]
            lo, hi = starts[visible], stops[visible]
        else:
            source_min, source_max = self.mins[level][channel], self.maxs[level][channel]
            lo, hi = starts[visible] // block, -(-stops[visible] // block)
        mins[visible] = _reduce_spans(np.minimum, source_min, lo, hi)
        maxs[visible] = _reduce_spans(np.maximum, source_max, lo, hi)
        return mins, maxs


def _reduce_spans(func: np.ufunc, source: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``func`` over each ``source[start:stop]`` (non-empty spans, which may overlap).

    reduceat over interleaved (start, stop) pairs reduces each span in one vectorised call; a
    stop equal to ``len(source)`` is not a valid index, so those spans (the last column or
    two) are reduced one by one.
    """
    n = len(source)
    pairs = np.empty(2 * len(starts), np.int64)
    pairs[0::2] = starts
    pairs[1::2] = np.minimum(stops, n - 1)
    out = func.reduceat(source, pairs)[0::2]
    for i in np.flatnonzero(stops >= n):
        out[i] = func.reduce(source[starts[i] : n])
    return out


class PeakBuilder:
    """Fills a :class:`PeakPyramid` as samples arrive in frame order, every level as it goes."""

    def __init__(self, samples: np.ndarray) -> None:
        self.pyramid = PeakPyramid(samples)
        self._slice = np.empty(_SLICE_FRAMES, np.float32)

    def add(self, start: int, stop: int) -> None:
        """Summarise ``samples[start:stop]``; ``start`` must be a multiple of BASE_BLOCK."""
        pyr = self.pyramid
        if stop <= start:
            return
        if start % BASE_BLOCK:
            raise ValueError("chunks must start on a block boundary")
        for lo in range(start, stop, _SLICE_FRAMES):
            self._reduce_level0(lo, min(stop, lo + _SLICE_FRAMES))
        for level in range(1, pyr.levels):
            self._fold(level, start, stop)
        pyr.ready_frames = stop

    def _reduce_level0(self, start: int, stop: int) -> None:
        pyr = self.pyramid
        frames = stop - start
        whole = frames - frames % BASE_BLOCK
        first = start // BASE_BLOCK
        for ch in range(pyr.channels):
            column = pyr.samples[start:stop, ch]
            if whole:
                # De-interleave into a reused buffer: no fresh allocation (page faults) per slice.
                buf = self._slice[:whole]
                np.copyto(buf, column[:whole])
                blocks = buf.reshape(-1, BASE_BLOCK)
                span = slice(first, first + len(blocks))
                np.min(blocks, axis=1, out=pyr.mins[0][ch, span])
                np.max(blocks, axis=1, out=pyr.maxs[0][ch, span])
            if whole < frames:  # the file's last, partial block
                tail = column[whole:]
                pyr.mins[0][ch, first + whole // BASE_BLOCK] = tail.min()
                pyr.maxs[0][ch, first + whole // BASE_BLOCK] = tail.max()

    def _fold(self, level: int, start: int, stop: int) -> None:
        """Recompute the level's blocks that ``[start, stop)`` touches from the level below."""
        pyr = self.pyramid
        block = BASE_BLOCK << level
        lo, hi = start // block, min(-(-stop // block), pyr.mins[level].shape[1])
        below_count = pyr.mins[level - 1].shape[1]
        pairs = min(hi, below_count // 2)  # blocks with two children; a last odd one has one
        for arrays, below, func in (
            (pyr.mins, pyr.mins[level - 1], np.minimum),
            (pyr.maxs, pyr.maxs[level - 1], np.maximum),
        ):
            if pairs > lo:
                func(
                    below[:, 2 * lo : 2 * pairs : 2],
                    below[:, 2 * lo + 1 : 2 * pairs : 2],
                    out=arrays[level][:, lo:pairs],
                )
            if hi > pairs:
                arrays[level][:, pairs] = below[:, 2 * pairs]

    def finish(self) -> PeakPyramid:
        if self.pyramid.ready_frames < self.pyramid.frames:
            raise ValueError("finish() before every frame was added")
        return self.pyramid
