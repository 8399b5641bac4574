"""Each region take's own seams, its region edges, measured once per take's audio, and the takes ranked by them.

A take is judged where it meets the song: the seam verdicts at the start and end of its region
(audio/seams.py). Measuring takes 60–200 ms a take, so it runs on a background task; the result for
a take whose audio has since changed (aligned again, replaced) is dropped, and a burst of lane updates
while takes arrive starts no second measurement of the same audio.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from desktop_app.audio.seams import SongContext, TakeReport, measure_take, rank
from desktop_app.services.comparison import Comparison
from desktop_app.services.tasks import Task, Tasks

_MEASURE = "measure"  # the key of the background work


def _identity(entry: tuple[str, np.ndarray]) -> tuple[str, int]:
    return entry[0], id(entry[1])


class TakeEdges(QObject):
    measured = Signal()  # new reports are in

    def __init__(self, comparison: Comparison, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.comparison = comparison
        self._reports: dict[str, tuple[np.ndarray, TakeReport]] = {}  # key -> (samples it measured, report)
        self._measuring: set[tuple[str, int]] = set()  # (key, id of samples) the running measurement covers
        self._tasks = Tasks("take-edges", self)

    def clear(self) -> None:
        """A new song: the last song's takes' reports, and any measurement of them, are of no use now."""
        self._reports.clear()
        self._measuring.clear()
        self._tasks.forget(_MEASURE)

    def report(self, key: str) -> TakeReport | None:
        measured = self._reports.get(key)
        return measured[1] if measured is not None else None

    def ranks(self) -> dict[str, int]:
        """Each measured take's place, 1 for the one whose worst seam is best."""
        reports = [report for _samples, report in self._reports.values()]
        return {report.name: place for place, report in enumerate(rank(reports), start=1)}

    def measure(self) -> None:
        """Measure every region take whose figures are in and whose audio has not been measured yet."""
        comparison = self.comparison
        original = comparison.lanes[0].samples if comparison.lanes else None
        if comparison.region is None or original is None:
            return
        todo = [
            (lane.key, lane.samples)
            for lane in comparison.lanes[1:]
            if lane.samples is not None and lane.figures is not None and not lane.is_whole_track
            and (self._reports.get(lane.key) or (None,))[0] is not lane.samples
        ]  # fmt: skip
        running = self._tasks.current(_MEASURE)
        if not todo or (running is not None and set(map(_identity, todo)) <= self._measuring):
            return  # measured, or being measured: lanes update often while takes arrive
        self._measuring = set(map(_identity, todo))
        rate = comparison.rate
        start, end = comparison.region_frames()

        def work(task: Task) -> list[tuple[str, np.ndarray, TakeReport]]:
            context = SongContext.around(original, rate, start, end)
            out = []
            for key, samples in todo:
                if task.cancelled:
                    break
                out.append((key, samples, measure_take(context, samples, start, end, key)))
            return out

        self._tasks.start(work, key=_MEASURE, on_result=self._measured)

    def _measured(self, measured: list[tuple[str, np.ndarray, TakeReport]]) -> None:
        for key, samples, report in measured:
            lane = self.comparison.lane(key)
            if lane is not None and lane.samples is samples:  # still that take's audio
                self._reports[key] = (samples, report)
        self.measured.emit()
