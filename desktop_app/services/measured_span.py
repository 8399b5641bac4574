"""Where a comparison measures the original and what a loop plays, in the original's frames (no Qt).

The original is measured over the region, over an extend job's last seconds before its point, or over the
whole song for a whole-track job; its true peak also covers the pre/post roll a loop plays. The words say
which, beside the original's loudness.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.timefmt import format_time


@dataclass(frozen=True)
class MeasuredSpan:
    frames: int  # the original's length
    rate: int
    region: tuple[float, float] | None  # seconds; None for a whole-track or extend job
    extend_after: float | None  # an extend job's point, in seconds
    context_s: tuple[float, float]  # pre/post roll heard around the region

    def extend_frame(self) -> int | None:
        """An extend job's point in frames, kept inside the song."""
        if self.extend_after is None or self.frames == 0:
            return None
        return max(1, min(self.frames, round(self.extend_after * self.rate)))

    def region_frames(self) -> tuple[int, int]:
        """Where the original is measured: the region, an extend job's last seconds before its point, or all."""
        after = self.extend_frame()
        if after is not None:
            from desktop_app.audio.extension import reference_span

            return reference_span(after, self.rate)
        if self.region is None:
            return 0, self.frames
        start, end = self.region
        lo = max(0, min(self.frames - 1, round(start * self.rate)))
        hi = max(lo + 1, min(self.frames, round(end * self.rate)))
        return lo, hi

    def heard_frames(self) -> tuple[int, int]:
        """The region with its pre/post roll: what a loop plays, so what the true peak must cover."""
        lo, hi = self.region_frames()
        if self.region is None and self.extend_after is None:
            return lo, hi
        pre, post = (round(s * self.rate) for s in self.context_s)
        return max(0, lo - pre), min(self.frames, hi + post)

    def words(self) -> str:
        """What the original's loudness was measured over, as the lanes say it."""
        pre, post = self.context_s
        around = f"(true peak with {pre:g} s / {post:g} s around it)"
        after = self.extend_frame()
        if after is not None:
            lo, _ = self.region_frames()
            point = format_time(after / self.rate, decimals=1)
            return f"over the {(after - lo) / self.rate:.1f} s before {point}, where the takes go on {around}"
        if self.region is None:
            return "over the whole song"
        start, end = self.region
        return f"over the region {format_time(start, decimals=1)}–{format_time(end, decimals=1)} {around}"
