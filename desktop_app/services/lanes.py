"""What a comparison holds: its lanes (the original and each take) and where a take comes from (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from desktop_app.api.operations import Operation
from desktop_app.audio.peaks import PeakPyramid
from desktop_app.jobs.records import Rating

if TYPE_CHECKING:
    from desktop_app.audio.align import Alignment
    from desktop_app.audio.compare import TakeFigures
    from desktop_app.audio.loudness import Loudness

ORIGINAL = "original"
RATINGS = tuple(Rating)  # the marks a take can carry (jobs/store.py defines them)
PREPARING, READY = "preparing", "ready"  # a take lane is preparing until its figures are in


def operation_label(operation: str) -> str:
    return operation.replace("_", " ").capitalize() if operation else "Take"


@dataclass(eq=False)
class Lane:
    key: str  # "original", or "<job id>:<take index>"
    label: str  # "Original", "Remix · take 2", ...
    samples: np.ndarray | None  # None while the take decodes; shared with the document, never copied
    peaks: PeakPyramid | None
    loudness: Loudness | None = None  # the original's: filled when takes are compared
    figures: TakeFigures | None = None
    alignment: Alignment | None = None
    job_id: str | None = None
    take_index: int | None = None
    operation: str = ""
    engine_label: str = ""
    source_path: Path | None = None
    rating: str = ""
    status: str = READY
    progress: float = 1.0  # 0..1 while preparing
    extend_from: int | None = None  # an extend take: the frame (extend_after) its continuation starts at

    @property
    def is_original(self) -> bool:
        return self.key == ORIGINAL

    @property
    def is_whole_track(self) -> bool:
        """Remix, cover, vocals: the whole song is new, there is no region to line up around."""
        return bool(self.operation) and self.operation not in (Operation.INPAINT, Operation.EXTEND)

    @property
    def is_extension(self) -> bool:
        """An extend take: the original up to ``extend_from``, a continuation after it (often longer)."""
        return self.extend_from is not None


@dataclass(frozen=True)
class TakeSource:
    """A take to bring in: its file and where it came from."""

    job_id: str
    take_index: int
    path: Path
    engine_label: str = ""
    rating: str = ""
    operation: str = ""
    title: str = ""  # the job as the heading names it ("Inpaint 6.0–10.0 s: new fill")
