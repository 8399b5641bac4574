"""Measure how long the GUI's event loop stalls while jobs run (used by the stall test and the benchmark).

:class:`StallMeter` is a 10 ms precise ``QTimer`` that records the gap between consecutive ticks: a gap of
10 ms means the loop was free; anything longer is time the loop spent on something else (painting,
signal handlers, a blocking call) while the user would have waited. :func:`submit_jobs` queues jobs on
the open song through the window's ``JobsService`` a click apart, as a user would send them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer

from desktop_app.api.models import InpaintRequest, RemixRequest


@dataclass(frozen=True)
class StallFigures:
    ticks: int
    seconds: float
    longest_ms: float
    p99_ms: float
    over_50ms: int
    over_100ms: int

    def summary(self) -> str:
        return (
            f"event loop over {self.seconds:.1f} s ({self.ticks} ticks of 10 ms): "
            f"longest gap {self.longest_ms:.0f} ms, "
            f"p99 {self.p99_ms:.0f} ms, gaps > 50 ms: {self.over_50ms}, > 100 ms: {self.over_100ms}"
        )


class StallMeter(QObject):
    def __init__(self, interval_ms: int = 10) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._gaps: list[float] = []
        self._last = 0.0
        self._began = 0.0

    def start(self) -> None:
        self._gaps.clear()
        self._began = self._last = time.perf_counter()
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self._gaps.append(now - self._last)
        self._last = now

    def stop(self) -> StallFigures:
        self._timer.stop()
        gaps = sorted(g * 1000 for g in self._gaps) or [0.0]
        return StallFigures(
            ticks=len(self._gaps),
            seconds=time.perf_counter() - self._began,
            longest_ms=gaps[-1],
            p99_ms=gaps[min(len(gaps) - 1, int(len(gaps) * 0.99))],
            over_50ms=sum(g > 50 for g in gaps),
            over_100ms=sum(g > 100 for g in gaps),
        )


def requests_for(song, duration: float, count: int) -> list:
    """Inpaints over different regions and remixes of the open song, alternating."""
    out = []
    for i in range(count):
        if i % 2:
            out.append(RemixRequest(audio_file=song, prompt=f"lo-fi take {i}"))
        else:
            start = 2.0 + (i * 0.9) % max(1.0, duration - 6.0)
            out.append(InpaintRequest(audio_file=song, prompt=f"new fill {i}", replace_start_at=round(start, 2),
                                      replace_end_at=round(start + 3.0, 2)))  # fmt: skip
    return out


def submit_jobs(service, song, duration: float, count: int, spacing_ms: int = 100) -> list[str]:
    """Send ``count`` jobs on the local engine, one every ``spacing_ms`` from the event loop; returns their ids
    as they are created (the list fills while the loop runs)."""
    ids: list[str] = []
    pending = requests_for(song, duration, count)

    def send_next() -> None:
        ids.append(service.submit(pending.pop(0), "local", duration=duration).id)
        if pending:
            QTimer.singleShot(spacing_ms, send_next)

    QTimer.singleShot(0, send_next)
    return ids
