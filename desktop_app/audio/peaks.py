"""Min/max peak pyramid: what the waveform view paints from, one column per pixel.

Level 0 holds the min and max of every ``BASE_BLOCK`` frames, level k of every
``BASE_BLOCK * 2**k`` frames. Arrays are channel-major ``(channels, blocks)`` because reducing
one channel at a time is several times faster than reducing interleaved frames.

The pyramid can be filled progressively (:class:`PeakBuilder`), chunk by chunk while a file
decodes, so the first screen can paint before the whole file is read; ``ready_frames`` says how
far it is valid.
"""

from __future__ import annotations

import numpy as np

BASE_BLOCK = 256
# Levels up to this block size are filled chunk by chunk; coarser ones once the file is complete.
CHUNK_FRAMES = BASE_BLOCK * 4096  # about 24 s at 44.1 kHz
_CHUNK_LEVELS = 13  # BASE_BLOCK * 2**12 == CHUNK_FRAMES


def _level_count(frames: int) -> int:
    blocks = max(1, -(-frames // BASE_BLOCK))
    return max(1, int(np.ceil(np.log2(blocks))) + 1)


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
            self.mins.append(np.zeros((self.channels, blocks), np.float32))
            self.maxs.append(np.zeros((self.channels, blocks), np.float32))
        self.ready_frames = 0

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def from_samples(cls, samples: np.ndarray) -> PeakPyramid:
        builder = PeakBuilder(samples)
        for start in range(0, max(1, samples.shape[0]), CHUNK_FRAMES):
            builder.add(start, min(samples.shape[0], start + CHUNK_FRAMES))
        builder.finish()
        return builder.pyramid

    @property
    def complete(self) -> bool:
        return self.ready_frames >= self.frames

    def is_finite(self) -> bool:
        """True when no sample is NaN or infinite (min/max propagate both, so level 0 tells)."""
        return bool(np.isfinite(self.mins[0]).all() and np.isfinite(self.maxs[0]).all())

    # -- reading ------------------------------------------------------------------------------

    def level_for(self, frames_per_pixel: float) -> int:
        """The coarsest level whose block still fits in one pixel column."""
        if frames_per_pixel < BASE_BLOCK:
            return -1
        level = int(np.floor(np.log2(frames_per_pixel / BASE_BLOCK)))
        return min(level, self.levels - 1)

    def columns(
        self, channel: int, start_frame: float, frames_per_pixel: float, count: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Min and max for ``count`` pixel columns starting at ``start_frame``.

        Columns past the end of the audio (or past ``ready_frames`` while loading) are NaN, so
        the painter can skip them.
        """
        edges = start_frame + frames_per_pixel * np.arange(count + 1, dtype=np.float64)
        limit = min(self.frames, self.ready_frames)
        edges_i = np.clip(np.floor(edges), 0, limit).astype(np.int64)
        mins = np.full(count, np.nan, np.float32)
        maxs = np.full(count, np.nan, np.float32)
        level = self.level_for(frames_per_pixel)
        if level < 0:
            source_min = source_max = self.samples[:, channel]
            block = 1
        else:
            source_min, source_max = self.mins[level][channel], self.maxs[level][channel]
            block = BASE_BLOCK << level
        valid = edges_i[1:] > edges_i[:-1]
        if not valid.any():
            return mins, maxs
        idx = np.flatnonzero(valid)
        n = len(source_min)
        starts = np.minimum(edges_i[:-1][idx] // block, n - 1)
        stops = np.minimum(np.maximum(-(-edges_i[1:][idx] // block), starts + 1), n)
        mins[idx] = _reduce_spans(np.minimum, source_min, starts, stops)
        maxs[idx] = _reduce_spans(np.maximum, source_max, starts, stops)
        return mins, maxs


def _reduce_spans(func: np.ufunc, source: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """``func`` over each ``source[start:stop]``; spans may overlap (neighbouring columns share a block).

    reduceat over interleaved (start, stop) pairs reduces each span in one vectorised call; a
    stop equal to ``len(source)`` is not a valid index, so those spans lose their last element
    there and are patched up one by one (at most the final column).
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
    """Fills a :class:`PeakPyramid` chunk by chunk as samples arrive (in frame order)."""

    def __init__(self, samples: np.ndarray) -> None:
        self.pyramid = PeakPyramid(samples)

    def add(self, start: int, stop: int) -> None:
        """Summarise ``samples[start:stop]``; ``start`` must be a multiple of CHUNK_FRAMES."""
        pyr = self.pyramid
        if stop <= start:
            return
        chunk = pyr.samples[start:stop]
        first_block = start // BASE_BLOCK
        blocks = -(-(stop - start) // BASE_BLOCK)
        pad = blocks * BASE_BLOCK - (stop - start)
        for ch in range(pyr.channels):
            data = chunk[:, ch]
            if pad:
                data = np.concatenate([data, np.full(pad, data[-1], np.float32)])
            # Copy the strided channel into a contiguous block (cheap, cache-hot) before reducing.
            blocks_view = np.ascontiguousarray(data).reshape(blocks, BASE_BLOCK)
            pyr.mins[0][ch, first_block : first_block + blocks] = blocks_view.min(axis=1)
            pyr.maxs[0][ch, first_block : first_block + blocks] = blocks_view.max(axis=1)
        for level in range(1, min(pyr.levels, _CHUNK_LEVELS)):
            self._fold(level, start, stop)
        pyr.ready_frames = stop

    def _fold(self, level: int, start: int, stop: int) -> None:
        pyr = self.pyramid
        block = BASE_BLOCK << level
        lo, hi = start // block, -(-stop // block)
        below_lo, below_hi = lo * 2, min(hi * 2, pyr.mins[level - 1].shape[1])
        for arrays, below, func in (
            (pyr.mins, pyr.mins[level - 1], np.minimum),
            (pyr.maxs, pyr.maxs[level - 1], np.maximum),
        ):
            src = below[:, below_lo:below_hi]
            if src.shape[1] % 2:
                src = np.concatenate([src, src[:, -1:]], axis=1)
            arrays[level][:, lo:hi] = func(src[:, 0::2], src[:, 1::2])

    def finish(self) -> PeakPyramid:
        pyr = self.pyramid
        for level in range(_CHUNK_LEVELS, pyr.levels):
            self._fold(level, 0, pyr.frames)
        pyr.ready_frames = pyr.frames
        return pyr
