"""Render waveform lanes into an image, vectorised with numpy (no per-column Python loop).

One column per device pixel: the pyramid gives min/max per column, a broadcast comparison
against the row numbers gives the filled envelope as a boolean mask, and ``np.where`` paints it
with a per-row colour gradient. Beat lines and the centre line are painted into the same buffer
first. At sample level (fewer samples than pixels) the same mask draws the straight line between
samples column by column, and a small square is stamped on each sample: still pure numpy, because
QPainter's antialiased polylines cost tens of ms at these sizes.

Measured (tests/benchmarks/bench_waveform.py) at 1920×400 for an hour of stereo: see README.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QColor, QImage

from desktop_app.audio import PeakPyramid
from desktop_app.audio.peaks import BASE_BLOCK

CLIP_LEVEL = 0.999
POINTS_BELOW_FPP = 0.25  # draw sample points when a sample is at least 4 px apart


@dataclass(frozen=True)
class Lane:
    channels: tuple[int, ...]  # folded together when more than one
    label: str
    top: int  # device pixels
    height: int


@dataclass(frozen=True)
class WavePalette:
    background: QColor
    lane_alt: QColor
    wave_centre: QColor
    wave_edge: QColor
    centre_line: QColor
    beat_line: QColor
    bar_line: QColor
    clip: QColor
    sample_line: QColor


def default_palette() -> WavePalette:
    return WavePalette(
        background=QColor("#16191d"),
        lane_alt=QColor("#1a1e23"),
        wave_centre=QColor("#7fd4c1"),
        wave_edge=QColor("#2f8f7f"),
        centre_line=QColor("#2c333b"),
        beat_line=QColor("#20262c"),
        bar_line=QColor("#2e3740"),
        clip=QColor("#ff4d4d"),
        sample_line=QColor("#9ae6d4"),
    )


def lane_layout(channels: int, height: int, gap: int = 2) -> list[Lane]:
    """Stereo: two lanes; mono: one; more channels: one lane that folds them all (readable)."""
    if channels == 2:
        top_h = (height - gap) // 2
        return [Lane((0,), "L", 0, top_h), Lane((1,), "R", top_h + gap, height - top_h - gap)]
    if channels == 1:
        return [Lane((0,), "", 0, height)]
    return [Lane(tuple(range(channels)), f"{channels} ch mix", 0, height)]


def lane_columns(
    pyramid: PeakPyramid, channels: tuple[int, ...], start_frame: float, fpp: float, count: int
) -> tuple[np.ndarray, np.ndarray]:
    """Min and max per pixel column (NaN where there is no audio yet), channels folded together."""
    if fpp < BASE_BLOCK:
        return _sample_columns(pyramid, channels, start_frame, fpp, count)
    mins, maxs = pyramid.columns(channels[0], start_frame, fpp, count)
    for ch in channels[1:]:
        lo, hi = pyramid.columns(ch, start_frame, fpp, count)
        mins, maxs = np.fmin(mins, lo), np.fmax(maxs, hi)
    return mins, maxs


def _visible_samples(
    pyramid: PeakPyramid, channels: tuple[int, ...], start_frame: float, fpp: float, count: int, pad: int
) -> tuple[int, np.ndarray]:
    """(first frame, samples) covering the view, channels averaged: a small contiguous copy.

    Slicing first matters: reducing over a strided column of the whole song makes numpy copy
    all of it (tens of ms for an hour), while the visible part is at most a few hundred kB.
    """
    limit = min(pyramid.frames, pyramid.ready_frames)
    first = max(0, int(np.floor(start_frame)) - pad)
    last = min(limit, int(np.ceil(start_frame + count * fpp)) + pad)
    if last <= first:
        return first, np.empty(0, np.float32)
    block = pyramid.samples[first:last, list(channels)]
    values = block.mean(axis=1) if len(channels) > 1 else np.ascontiguousarray(block[:, 0])
    return first, values


def _sample_columns(
    pyramid: PeakPyramid, channels: tuple[int, ...], start_frame: float, fpp: float, count: int
) -> tuple[np.ndarray, np.ndarray]:
    mins = np.full(count, np.nan, np.float32)
    maxs = np.full(count, np.nan, np.float32)
    first, values = _visible_samples(pyramid, channels, start_frame, fpp, count, pad=2)
    if values.size == 0:
        return mins, maxs
    edges = start_frame + fpp * np.arange(count + 1, dtype=np.float64) - first
    if fpp >= 1.0:
        # Several samples per column: reduce each column's span of samples.
        idx = np.clip(np.floor(edges), 0, values.size).astype(np.int64)
        valid = idx[1:] > idx[:-1]
        starts = idx[:-1][valid]
        stops = idx[1:][valid]
        pairs = np.empty(2 * starts.size, np.int64)
        pairs[0::2], pairs[1::2] = starts, np.minimum(stops, values.size - 1)
        lo = np.minimum.reduceat(values, pairs)[0::2]
        hi = np.maximum.reduceat(values, pairs)[0::2]
        tail = stops >= values.size  # reduceat cannot end at len(values): include the last sample
        lo[tail] = np.minimum(lo[tail], values[-1])
        hi[tail] = np.maximum(hi[tail], values[-1])
        mins[valid], maxs[valid] = lo, hi
        return mins, maxs
    # Fewer samples than pixels: the straight line between samples, one pixel column at a time.
    inside = (edges >= 0) & (edges <= values.size - 1)
    line = np.interp(edges, np.arange(values.size), values)
    line[~inside] = np.nan
    a, b = line[:-1], line[1:]
    return np.fmin(a, b), np.fmax(a, b)


def _argb(color: QColor) -> np.uint32:
    return np.uint32(color.rgba())


def _gradient(height: int, centre: QColor, edge: QColor) -> np.ndarray:
    """Per-row colours: bright at the lane's centre line, darker towards the peaks."""
    rows = np.abs(np.arange(height) - (height - 1) / 2) / max(1.0, (height - 1) / 2)
    t = rows**1.5
    c = np.array(centre.getRgb()[:3], np.float64)
    e = np.array(edge.getRgb()[:3], np.float64)
    rgb = (c[None, :] * (1 - t[:, None]) + e[None, :] * t[:, None]).astype(np.uint32)
    return (np.uint32(0xFF000000) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]).astype(np.uint32)


@dataclass(frozen=True)
class RenderedLayer:
    """The image and the numpy buffer it points into (no copy: keep both alive together)."""

    image: QImage
    buffer: np.ndarray


def render_waveform(
    pyramid: PeakPyramid | None,
    lanes: list[Lane],
    start_frame: float,
    fpp: float,
    width: int,
    height: int,
    palette: WavePalette,
    *,
    beat_xs: np.ndarray | None = None,
    bar_xs: np.ndarray | None = None,
    gain: float = 1.0,
) -> RenderedLayer:
    """The waveform layer, ``width``×``height`` device pixels; ``fpp`` is frames per device pixel."""
    buf = np.empty((height, width), np.uint32)
    buf[:] = _argb(palette.background)
    for xs, color in ((beat_xs, palette.beat_line), (bar_xs, palette.bar_line)):
        if xs is not None and xs.size:
            cols = xs[(xs >= 0) & (xs < width)].astype(np.int64)
            buf[:, cols] = _argb(color)
    for lane in lanes:
        _paint_lane(buf, lane, pyramid, start_frame, fpp, width, palette, gain)
    image = QImage(buf.data, width, height, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
    return RenderedLayer(image, buf)


def _paint_lane(
    buf: np.ndarray,
    lane: Lane,
    pyramid: PeakPyramid | None,
    start_frame: float,
    fpp: float,
    width: int,
    palette: WavePalette,
    gain: float,
) -> None:
    region = buf[lane.top : lane.top + lane.height]
    half = (lane.height - 1) / 2
    region[round(half)] = _argb(palette.centre_line)
    if pyramid is None:
        return
    mins, maxs = lane_columns(pyramid, lane.channels, start_frame, fpp, width)
    valid = ~np.isnan(maxs)
    if not valid.any():
        return
    lo, hi = np.where(valid, mins, 0.0), np.where(valid, maxs, 0.0)
    # Close the gaps between neighbouring columns so steep slopes draw as a continuous line.
    prev_hi, prev_lo = np.roll(hi, 1), np.roll(lo, 1)
    prev_hi[0], prev_lo[0] = hi[0], lo[0]
    hi_c, lo_c = np.maximum(hi, prev_lo), np.minimum(lo, prev_hi)
    if fpp < 1.0:
        hi_c, lo_c = hi, lo  # already a connected line
    top = np.floor(half - np.clip(hi_c * gain, -1, 1) * half).astype(np.int32)
    bottom = np.ceil(half - np.clip(lo_c * gain, -1, 1) * half).astype(np.int32)
    # One subtraction and one unsigned comparison per pixel: rows above ``top`` wrap around to
    # huge values, so ``row - top <= span`` is exactly ``top <= row <= bottom``. Empty columns get
    # a top below the lane and a zero span, which matches no row.
    span = np.where(valid, bottom - top, 0).astype(np.uint16)
    top = np.where(valid, top, lane.height).astype(np.uint16)
    rows = np.arange(lane.height, dtype=np.uint16)[:, None]
    mask = (rows - top[None, :]) <= span[None, :]
    if fpp < 1.0:
        colors = np.full(lane.height, _argb(palette.sample_line), np.uint32)
    else:
        colors = _gradient(lane.height, palette.wave_centre, palette.wave_edge)
    np.copyto(region, np.broadcast_to(colors[:, None], region.shape), where=mask)
    clipped = valid & ((maxs >= CLIP_LEVEL) | (mins <= -CLIP_LEVEL))
    if clipped.any():
        band = max(2, lane.height // 40)
        red = _argb(palette.clip)
        region[:band, clipped] = red
        region[-band:, clipped] = red
    if fpp <= POINTS_BELOW_FPP:
        _stamp_points(region, pyramid, lane, start_frame, fpp, width, half, gain, _argb(palette.sample_line))


def _stamp_points(
    region: np.ndarray,
    pyramid: PeakPyramid,
    lane: Lane,
    start_frame: float,
    fpp: float,
    width: int,
    half: float,
    gain: float,
    color: np.uint32,
) -> None:
    """A small square on every sample (only at deep zoom, where samples are ≥ 4 px apart)."""
    first, values = _visible_samples(pyramid, lane.channels, start_frame, fpp, width, pad=1)
    if values.size == 0:
        return
    xs = np.rint((first + np.arange(values.size) - start_frame) / fpp).astype(np.int64)
    ys = np.rint(half - np.clip(values * gain, -1, 1) * half).astype(np.int64)
    radius = 2 if lane.height < 600 else 3
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            x, y = xs + dx, ys + dy
            ok = (x >= 0) & (x < width) & (y >= 0) & (y < lane.height)
            region[y[ok], x[ok]] = color
