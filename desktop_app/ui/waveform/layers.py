"""Waveform layers rendered on one background thread, so samples arriving never stall the window.

A waveform layer is a pure function of its inputs (:class:`LayerSpec`): the peaks, the mapping from
frames to pixels, the size and the beat lines. Rendering one costs 5–15 ms of numpy and painting, and
when takes arrive several views need one in the same event-loop pass (a new lane, the lanes and the
editor resized to make room, a take's waveform as it decodes). Done there, they add up to a frozen
window on a busy 2-core machine.

``LayerRenderer.request`` renders on one worker thread (``services/serial_worker.py``) and hands the
layer back on the GUI thread; the view keeps drawing what it had until then. Only the newest request
of each view is rendered: one superseded before the worker reaches it is skipped. numpy's reductions
release the interpreter, so most of the work runs beside the GUI thread, not instead of it. QImage
and QPainter on a QImage are safe off the GUI thread.
"""

from __future__ import annotations

import weakref
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from shiboken6 import isValid

from desktop_app.audio import PeakPyramid
from desktop_app.services.serial_worker import SerialWorker
from desktop_app.ui.waveform.render import Lane, RenderedLayer, WavePalette, render_waveform

if TYPE_CHECKING:
    from desktop_app.ui.waveform.view import WaveformView

LABEL = QColor("#8a96a3")
TAG_BACKGROUND = QColor(14, 16, 19, 190)


@dataclass(frozen=True)
class LayerSpec:
    """Everything a layer's pixels depend on, taken on the GUI thread (no widget is read while rendering)."""

    pyramid: PeakPyramid | None
    lanes: list[Lane]
    start_frame: float
    frames_per_device_pixel: float
    width: int  # device pixels
    height: int
    dpr: float
    palette: WavePalette
    beat_xs: np.ndarray | None
    bar_xs: np.ndarray | None
    gain: float
    zoom_db: float  # the amplitude zoom the lane scales are labelled with
    font: QFont


def render_layer(spec: LayerSpec) -> RenderedLayer:
    layer = render_waveform(
        spec.pyramid, spec.lanes, spec.start_frame, spec.frames_per_device_pixel, spec.width, spec.height,
        spec.palette, beat_xs=spec.beat_xs, bar_xs=spec.bar_xs, gain=spec.gain,
    )  # fmt: skip
    # Painted from the QImage itself (no QPixmap conversion): on the raster engine a premultiplied
    # ARGB32 image blits as fast as a pixmap, and it saves a 3 MB copy.
    layer.image.setDevicePixelRatio(spec.dpr)
    _label_lanes(layer, spec)
    return layer


def _label_lanes(layer: RenderedLayer, spec: LayerSpec) -> None:
    painter = QPainter(layer.image)
    font = QFont(spec.font)
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.75))
    painter.setFont(font)
    metrics = painter.fontMetrics()
    width = spec.width / spec.dpr
    for lane in spec.lanes:
        top, height = lane.top / spec.dpr, lane.height / spec.dpr
        if lane.label:
            _tag(painter, metrics, QPointF(4, top + 4), lane.label)
        if height >= 80:
            # Amplitude scale: the level at the lane edges and at half height (vertical zoom moves both).
            edge = -spec.zoom_db
            edge_text = "0 dB" if edge == 0 else f"{edge:.0f} dB".replace("-", "−")
            half_text = f"{edge - 6:.0f}".replace("-", "−")
            for value, text in ((1.0, edge_text), (0.5, half_text), (-0.5, half_text)):
                y = top + (height - 1) / 2 * (1 - value)
                w = metrics.horizontalAdvance(text) + 6
                at = QPointF(width - w - 4, min(max(y - 7, top + 2), top + height - 16))
                _tag(painter, metrics, at, text)
    painter.end()


def _tag(painter: QPainter, metrics: QFontMetrics, at: QPointF, text: str) -> None:
    w, h = metrics.horizontalAdvance(text) + 6, metrics.height() + 1
    painter.fillRect(QRectF(at.x(), at.y(), w, h), TAG_BACKGROUND)
    painter.setPen(LABEL)
    painter.drawText(QRectF(at.x(), at.y(), w, h), Qt.AlignmentFlag.AlignCenter, text)


class LayerRenderer(QObject):
    """One per process (:func:`layer_renderer`); lives on the GUI thread, renders on its worker."""

    _rendered = Signal(object)  # (view ref, key, layer): emitted on the worker, delivered on the GUI thread

    def __init__(self) -> None:
        super().__init__()
        self._worker = SerialWorker("waveform-layers")
        self._rendered.connect(self._deliver)

    def request(self, view: WaveformView, key: Hashable, spec: LayerSpec) -> None:
        """Render ``spec`` for ``view``; ``view.layer_arrived(key, layer)`` follows unless a newer request
        (or a layer rendered on the GUI thread) replaced it first."""
        ref = weakref.ref(view)

        def run() -> None:
            target = ref()
            if target is None or target.wanted_key != key:
                return  # superseded while queued
            self._rendered.emit((ref, key, render_layer(spec)))

        self._worker.submit(run)

    def _deliver(self, delivery: tuple) -> None:
        ref, key, layer = delivery
        view = ref()
        if view is not None and isValid(view):
            view.layer_arrived(key, layer)


_renderer: LayerRenderer | None = None


def layer_renderer() -> LayerRenderer:
    """The process's renderer, made on first use (on the GUI thread, where the views are)."""
    global _renderer
    if _renderer is None or not isValid(_renderer):
        _renderer = LayerRenderer()
    return _renderer
