"""Seam verdicts drawn on a waveform: a small coloured mark at each seam, its reason as a tooltip.

A mark is a tiny button laid over the waveform at the seam's time (it follows the timeline's zoom
and scroll). A poor seam with a proposed better point is "fixable": one click on its mark asks for
the move (the owner decides what moving means: a comp boundary moves, see comping.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QToolButton, QWidget

from desktop_app.ui.waveform.timeline import TimelineView

if TYPE_CHECKING:  # the seam meter (and scipy behind it) loads with the first takes, not with the window
    from desktop_app.audio.seams import SeamReport, TakeReport
    from desktop_app.ui.results.comp_row import CompStrip
    from desktop_app.ui.waveform.view import WaveformView

CLEAN, AUDIBLE, POOR = "clean", "audible", "poor"  # audio/seams.py's verdicts
VERDICT_COLOURS = {CLEAN: "#3fb950", AUDIBLE: "#d29922", POOR: "#f85149"}
VERDICT_WORDS = {CLEAN: "Clean join", AUDIBLE: "Audible join", POOR: "Poor join"}
MARK_WIDTH, MARK_HEIGHT = 9, 12


def seam_tooltip(report: SeamReport, fixable: bool) -> str:
    """The verdict and its reason in words, and what one click does when the seam can be fixed."""
    verdict = VERDICT_WORDS.get(report.verdict, report.verdict)
    where = f" at {report.at_s:.2f} s"
    reason = report.reason.replace(where, "")  # the time is said once, first
    lines = [f"{verdict}{where}" if report.verdict == CLEAN else f"{verdict}{where}: {reason}"]
    if fixable and report.proposed_at_s is not None:
        after = VERDICT_WORDS.get(report.proposed_verdict or "", "better").lower()
        lines.append(f"Click to move the seam to {report.proposed_at_s:.2f} s ({after} there).")
    return "\n".join(lines)


def rank_words(position: int, report: TakeReport) -> tuple[str, str]:
    """The lane header's seam rank ("seams #1 · 92") and its tooltip (the worst seam's reason)."""
    worst = max(report.seams, key=lambda s: s.badness, default=None)
    text = f"seams #{position} · {report.score:.0f}"
    tip = "Takes ranked by their worst seam (100: inaudible joins)."
    if worst is not None:
        tip += f"\nWorst: {worst.reason} ({worst.verdict})."
    return text, tip


class SeamMark(QToolButton):
    def __init__(self, report: SeamReport, fixable: bool, parent: QWidget) -> None:
        super().__init__(parent)
        self.report = report
        self.fixable = fixable and report.proposed_at_s is not None
        self.setObjectName("seamMark")
        self.setFixedSize(MARK_WIDTH, MARK_HEIGHT)
        self.setCursor(Qt.CursorShape.PointingHandCursor if self.fixable else Qt.CursorShape.WhatsThisCursor)
        colour = VERDICT_COLOURS.get(report.verdict, "#8a96a3")
        self.setStyleSheet(
            f"QToolButton#seamMark {{ background: {colour}; border: 1px solid #0d1117; border-radius: 2px; }}"
        )
        self.setToolTip(seam_tooltip(report, self.fixable))


class SeamMarks(QObject):
    """The marks over one waveform widget, kept at their seams' times as the timeline moves and the widget
    is resized (its ``resized`` signal: a Qt event filter would run Python for every event it gets)."""

    def __init__(
        self,
        view: WaveformView | CompStrip,
        timeline: TimelineView,
        fix: Callable[[SeamReport], None],
        x_offset: Callable[[], int] = lambda: 0,
    ) -> None:
        super().__init__(view)
        self.view, self.timeline, self._fix, self._x_offset = view, timeline, fix, x_offset
        self.marks: list[SeamMark] = []
        timeline.changed.connect(self.place)
        view.resized.connect(self.place)

    def set_reports(self, entries: list[tuple[SeamReport, bool]]) -> None:
        """``entries``: each seam's report and whether its mark may move it."""
        for mark in self.marks:
            mark.hide()  # and gone with the next events (setParent(None) would restyle it first)
            mark.deleteLater()
        self.marks = []
        for report, fixable in entries:
            mark = SeamMark(report, fixable, self.view)
            if mark.fixable:
                mark.clicked.connect(lambda _on=False, r=report: self._fix(r))
            self.marks.append(mark)
            mark.show()
        self.place()

    def place(self) -> None:
        offset = self._x_offset()
        for mark in self.marks:
            x = round(self.timeline.time_to_x(mark.report.at_s)) + offset - MARK_WIDTH // 2
            mark.move(x, max(0, (self.view.height() - MARK_HEIGHT) // 2) if offset else 1)
            mark.setVisible(-MARK_WIDTH < x < self.view.width())
