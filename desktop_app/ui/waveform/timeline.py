"""Time ↔ x mapping, zoom and scroll as a model that several waveform widgets can share.

The original and the takes in the results panel each get a widget, and all of them observe one
:class:`TimelineView`, so zooming or scrolling any of them moves all of them together.

Positions are kept in frames (float64: exact at any zoom for hours of audio); ``x`` is in
logical pixels. ``frames_per_pixel`` below 1 means several pixels per sample (sample level).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal

MAX_PIXELS_PER_FRAME = 32.0  # deepest zoom: one sample every 32 px
ZOOM_STEP = 1.5
AMPLITUDE_ZOOM_STEP_DB = 3.0  # one Alt+wheel notch; a quiet song opens at a zoom in these steps
QUIET_SONG_HEADROOM_DB = 12.0  # a song peaking lower fills under a quarter of its lanes: it opens zoomed


class TimelineView(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.frames = 0
        self.rate = 44100
        self.width = 1
        self.start_frame = 0.0
        self.frames_per_pixel = 1.0
        self._fitted = True  # follow the width while the whole song is shown
        # Vertical zoom shared by every view on this timeline (editor and take lanes), in dB of gain:
        # a quiet song (peaks at −20 dBFS) is a flat line at 0 dB and readable at +18 dB.
        self.amplitude_zoom_db = 0.0

    # -- content and size -----------------------------------------------------------------------

    def set_content(self, frames: int, rate: int) -> None:
        self.frames, self.rate = max(0, int(frames)), max(1, int(rate))
        self.fit()

    def set_width(self, width: int) -> None:
        width = max(1, int(width))
        if width == self.width:
            return
        self.width = width
        if self._fitted:
            self.fit()
        else:
            self._clamp_and_emit()

    MAX_AMPLITUDE_ZOOM_DB = 36.0

    @property
    def amplitude_gain(self) -> float:
        return 10 ** (self.amplitude_zoom_db / 20)

    def set_amplitude_zoom_db(self, db: float) -> None:
        db = min(max(0.0, float(db)), self.MAX_AMPLITUDE_ZOOM_DB)
        if db != self.amplitude_zoom_db:
            self.amplitude_zoom_db = db
            self.changed.emit()

    def fit_level(self, peak: float) -> None:
        """Open a song at a vertical zoom that shows it. ``peak`` is its loudest sample (linear). A song
        peaking under −12 dBFS would fill less than a quarter of the lanes: it opens zoomed so its peak lands
        within 3 dB of the lanes' edge (−30 dBFS opens at +27 dB instead of as a flat line). Louder songs
        open at +0 dB. The scale beside the lanes names the real levels either way."""
        headroom_db = -20 * math.log10(min(peak, 1.0)) if peak > 0.0 else 0.0  # silence: nothing to show
        if headroom_db < QUIET_SONG_HEADROOM_DB:
            self.set_amplitude_zoom_db(0.0)
        else:
            self.set_amplitude_zoom_db(AMPLITUDE_ZOOM_STEP_DB * math.floor(headroom_db / AMPLITUDE_ZOOM_STEP_DB))

    # -- mapping --------------------------------------------------------------------------------

    @property
    def duration(self) -> float:
        return self.frames / self.rate

    @property
    def seconds_per_pixel(self) -> float:
        return self.frames_per_pixel / self.rate

    def time_to_x(self, seconds: float) -> float:
        return (seconds * self.rate - self.start_frame) / self.frames_per_pixel

    def x_to_time(self, x: float) -> float:
        return (self.start_frame + x * self.frames_per_pixel) / self.rate

    def visible_range(self) -> tuple[float, float]:
        return self.x_to_time(0), self.x_to_time(self.width)

    @property
    def is_fitted(self) -> bool:
        return self._fitted

    @property
    def min_frames_per_pixel(self) -> float:
        return 1.0 / MAX_PIXELS_PER_FRAME

    @property
    def max_frames_per_pixel(self) -> float:
        return max(self.min_frames_per_pixel, self.frames / self.width) if self.frames else 1.0

    # -- zoom -------------------------------------------------------------------------------------

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom in (factor > 1) or out, keeping the time under ``anchor_x`` where it is."""
        anchor = self.width / 2 if anchor_x is None else anchor_x
        anchor_frame = self.start_frame + anchor * self.frames_per_pixel
        fpp = min(max(self.frames_per_pixel / factor, self.min_frames_per_pixel), self.max_frames_per_pixel)
        self.frames_per_pixel = fpp
        self.start_frame = anchor_frame - anchor * fpp
        self._fitted = fpp >= self.max_frames_per_pixel
        self._clamp_and_emit()

    def zoom_in(self, anchor_x: float | None = None) -> None:
        self.zoom(ZOOM_STEP, anchor_x)

    def zoom_out(self, anchor_x: float | None = None) -> None:
        self.zoom(1 / ZOOM_STEP, anchor_x)

    def zoom_to(self, start: float, end: float, *, margin: float = 0.05) -> None:
        """Show [start, end] seconds with a small margin either side."""
        if end <= start or not self.frames:
            return
        span = (end - start) * self.rate * (1 + 2 * margin)
        fpp = min(max(span / self.width, self.min_frames_per_pixel), self.max_frames_per_pixel)
        self.frames_per_pixel = fpp
        centre = (start + end) / 2 * self.rate
        self.start_frame = centre - self.width * fpp / 2
        self._fitted = fpp >= self.max_frames_per_pixel
        self._clamp_and_emit()

    def fit(self) -> None:
        self.frames_per_pixel = self.max_frames_per_pixel
        self.start_frame = 0.0
        self._fitted = True
        self.changed.emit()

    def set_frames_per_pixel(self, fpp: float, anchor_x: float | None = None) -> None:
        self.zoom(self.frames_per_pixel / fpp, anchor_x)

    # -- scroll -------------------------------------------------------------------------------------

    def scroll_to(self, seconds: float) -> None:
        """Put ``seconds`` at the left edge."""
        self.start_frame = seconds * self.rate
        self._clamp_and_emit()

    def scroll_by_pixels(self, dx: float) -> None:
        self.start_frame += dx * self.frames_per_pixel
        self._clamp_and_emit()

    def centre_on(self, seconds: float) -> None:
        self.scroll_to(seconds - self.width * self.seconds_per_pixel / 2)

    def ensure_visible(self, seconds: float) -> None:
        """Page the view when the playhead runs off the right edge (or is left of the left one)."""
        x = self.time_to_x(seconds)
        if x < 0 or x > self.width:
            self.scroll_to(seconds - self.width * self.seconds_per_pixel * 0.05)

    def scroll_fraction(self) -> tuple[float, float]:
        """(start, visible) as fractions of the song, for scrollbars and the overview."""
        if not self.frames:
            return 0.0, 1.0
        return self.start_frame / self.frames, min(1.0, self.width * self.frames_per_pixel / self.frames)

    def _clamp_and_emit(self) -> None:
        visible = self.width * self.frames_per_pixel
        self.start_frame = min(max(0.0, self.start_frame), max(0.0, self.frames - visible))
        self.changed.emit()
