"""Swipe comping in the compare view: drag on a lane, hear the comp, see each join's verdict, keep it.

The comp model is :class:`~desktop_app.services.comp_session.CompSession` (undo on the document's
stack, snapping, inpaint regions, seam verdicts); this part only wires it to the lanes:

- a drag across a lane's waveform (with the row's "Comp" button on, or Shift held) plays that lane
  over the dragged span; a plain click still seeks and picks what is heard, as before. Alt: free edges.
- the comp is a player source of its own (``comp``, Shift+C), refreshed shortly after each edit.
- seam marks: each region edge of each region take (ranked by worst seam in the lane headers,
  hidden in blind mode) and each comp boundary (on the comp row and on the lanes either side);
  a poor comp boundary's mark moves it to the proposed point in one click.
- "Use comp" makes the comp the working version, its segments listed in the export's sidecar.

Rendering the comp, judging its seams and measuring each take's region edges take 60-200 ms: they run
on background tasks (services/tasks.py) and land when done, so an edit or a take arriving while jobs
run never holds the event loop (it did, up to 218 ms, in the 20-job stall benchmark).
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QMouseEvent, QShortcut
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout

from desktop_app.audio.seams import SeamReport
from desktop_app.services.comp_session import CompSession, CompSource
from desktop_app.services.comparison import Comparison
from desktop_app.services.take_edges import TakeEdges
from desktop_app.services.tasks import Tasks
from desktop_app.services.working_version import SpliceSegment
from desktop_app.ui.results.comp_row import CompRow, take_colour
from desktop_app.ui.results.lane_widget import LaneWidget
from desktop_app.ui.results.listening import Listening
from desktop_app.ui.results.results_panel import ResultsPanel
from desktop_app.ui.results.seam_marks import SeamMarks, rank_words

COMP = "comp"  # the comp's key among the player's sources
DRAG_THRESHOLD_PX = 4  # less is a click: it seeks and picks the lane, as without comping
REFRESH_MS = 120  # the comp is re-rendered for the player and re-measured this long after the last edit
_COMP = "comp"  # the key of the comp's background work (its audio and seams)


class Comping(QObject):
    def __init__(self, window: QMainWindow, comparison: Comparison, panel: ResultsPanel, listening: Listening) -> None:
        super().__init__(window)
        self.window, self.comparison, self.panel, self.listening = window, comparison, panel, listening
        self.document, self.player = window.document, window.player
        self.session: CompSession | None = None
        self.row = CompRow(panel.timeline)
        layout: QVBoxLayout = panel.layout()
        layout.insertWidget(1, self.row)  # above the lanes, below the listening options
        layout.itemAt(0).layout().insertWidget(1, self.row.mode_button)  # the listening row, after the title
        self.row.mode_button.toggled.connect(lambda _on: self._show_row())
        self.row.strip.reference = self._reference_view
        # The strip's x = 0 is not the lanes': its marks are offset to sit above the lanes' seams.
        self.row_marks = SeamMarks(self.row.strip, panel.timeline, self.fix_seam, self.row.strip.x_offset)
        self._lane_marks: dict[str, SeamMarks] = {}
        self._rank_labels: dict[str, QLabel] = {}
        self._views: dict[QObject, str] = {}
        self._refused: set[str] = set()  # lanes that cannot be comped (already said why)
        self._attached: dict[str, LaneWidget] = {}  # the widget each lane's marks and label belong to
        self.edges = TakeEdges(comparison, self)  # each region take's own seams, and the takes' ranks
        self.edges.measured.connect(self._edges_measured)
        self._drag: dict | None = None
        self._drag_ids = itertools.count(1)
        self._tasks = Tasks("comping", self)
        self._refresh = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh.timeout.connect(self._comp_settled)
        listening.extra_sources.append(self._player_sources)
        self.row.hear_requested.connect(self.hear)
        self.row.use_requested.connect(self.use_comp)
        self.row.clear_requested.connect(lambda: self.session and self.session.clear())
        shortcut = QShortcut(QKeySequence("Shift+C"), window)
        shortcut.activated.connect(self.hear)
        self._shortcut = shortcut
        panel.crossfade.valueChanged.connect(self._crossfade_changed)
        self.document.tempo.changed.connect(self._tempo_changed)
        comparison.lanes_changed.connect(self.lanes_changed)
        comparison.lane_updated.connect(self._lane_updated)
        comparison.selection_changed.connect(lambda _k: self._attach())
        comparison.options_changed.connect(self._show_ranks)
        comparison.options_changed.connect(self._update_gains)
        comparison.options_changed.connect(self._show_names)
        self.lanes_changed()

    @property
    def comp_mode(self) -> bool:
        return self.row.mode_button.isChecked()

    def _say(self, text: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # ------------------------------------------------------------------------------- sources
    def lanes_changed(self) -> None:
        """A new song resets the comp; new takes become sources as soon as their audio is in."""
        lanes = self.comparison.lanes
        original = lanes[0].samples if lanes else None
        if original is None or len(lanes) < 2:
            if self.session is not None:
                self._set_session(None)
        elif self.session is None or self.session.original is not original:
            session = CompSession(original, self.comparison.rate, self.document.undo_stack, self)
            session.crossfade_s = self.panel.crossfade_s
            session.set_grid(self.document.tempo.grid())  # edges snap to the editor's beats
            self.edges.clear()
            self._set_session(session)
        self._add_sources()
        self._update_gains()
        self._attach()
        self._show_row()  # no takes, no comp: neither the row nor its button

    def _set_session(self, session: CompSession | None) -> None:
        if self.session is not None:
            self.session.changed.disconnect(self._comp_changed)
        self.session = session
        if session is not None:
            session.changed.connect(self._comp_changed)
        self._comp_changed()

    def _tempo_changed(self) -> None:
        if self.session is not None:
            self.session.set_grid(self.document.tempo.grid())
            self._comp_changed()  # seams are judged against the beat

    def _crossfade_changed(self, ms: int) -> None:
        if self.session is not None:
            self.session.set_crossfade(ms / 1000.0)

    def _add_sources(self) -> None:
        session = self.session
        if session is None:
            return
        known = {source.key for source in session.sources()}
        region = self.comparison.region_frames() if self.comparison.region is not None else None
        for lane in self.comparison.lanes[1:]:
            if lane.key in known or lane.samples is None:
                continue
            source = CompSource(
                lane.key,
                self.comparison.display_name(lane),
                lane.samples,
                job=lane.job_id or "",
                engine=lane.engine_label,
                region=None if lane.is_whole_track else region,
            )
            problem = session.add_source(source)
            if problem is None:
                known.add(lane.key)
            elif lane.key not in self._refused:  # say it once: the lane stays, it just cannot be comped
                self._refused.add(lane.key)
                self._say(problem, 8000)
        self._show_names()

    def _show_names(self) -> None:
        """The comp row names takes as the lanes do (Take A, B… in blind mode, until all are rated)."""
        if self.session is None:
            return
        lanes = (self.comparison.lane(s.key) for s in self.session.sources())
        names = {lane.key: self.comparison.display_name(lane) for lane in lanes if lane is not None}
        self.row.set_session(self.session, self.colours(), names)

    def colours(self) -> dict[str, str]:
        return {lane.key: take_colour(i) for i, lane in enumerate(self.comparison.lanes[1:])}

    def _lane_updated(self, key: str) -> None:
        lane = self.comparison.lane(key)
        if lane is not None and lane.samples is not None:
            self._add_sources()
            if lane.figures is not None:
                self._update_gains()
                self.edges.measure()
        self._attach()

    def _update_gains(self) -> None:
        """The comp is heard at the same matched levels as the lanes it is made of."""
        if self.session is not None:
            self.session.set_listening_gains(self.comparison.gains())

    # --------------------------------------------------------------------------- lane widgets
    def _reference_view(self):
        widgets = list(self.panel.lane_widgets.values())
        return widgets[0].view if widgets else None

    def _attach(self) -> None:
        """Give every lane widget its drag filter, seam marks and rank label (once per widget)."""
        colours = self.colours()
        widgets = self.panel.lane_widgets
        for key in [k for k, w in self._attached.items() if widgets.get(k) is not w]:  # gone or replaced
            del self._attached[key]
            self._lane_marks.pop(key, None)
            self._rank_labels.pop(key, None)
        for key, widget in widgets.items():
            if key not in self._attached:
                self._attached[key] = widget
                self._views[widget.view] = key
                widget.view.mouse_interceptor = self._lane_mouse
                widget.view.destroyed.connect(lambda _o=None, v=widget.view: self._views.pop(v, None))
                fix = lambda report, k=key: self.fix_seam(report, k)  # noqa: E731 - one per lane
                self._lane_marks[key] = SeamMarks(widget.view, self.panel.timeline, fix)
                self._rank_labels[key] = self._add_rank_label(widget)
            style = f"background: {colours[key]}; color: #0d1117; border-radius: 3px;" if key in colours else None
            if style is not None and widget.badge.styleSheet() != style:  # re-styling costs ms: only on change
                widget.badge.setStyleSheet(style)
        self._show_ranks()
        self._show_seams()
        self.row.strip.update()

    @staticmethod
    def _add_rank_label(widget: LaneWidget) -> QLabel:
        label = QLabel()
        label.setObjectName("seamRank")
        label.setFixedHeight(widget.name.height())
        header = widget.layout().itemAt(0).layout()  # the header row: badge, name, figures, ratings
        header.insertWidget(2, label)
        label.hide()
        return label

    # ---------------------------------------------------------------------------------- drags
    def _lane_mouse(self, view: QObject, event: QMouseEvent) -> bool:
        """A lane's press, move or release (its view's ``mouse_interceptor``); True when a comp drag used it."""
        kind = event.type()
        key = self._views.get(view)
        if key is None or self.session is None:
            return False
        x = event.position().x()
        if kind == QEvent.Type.MouseButtonPress:
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if event.button() == Qt.MouseButton.LeftButton and (self.comp_mode or shift):
                self._drag = {"key": key, "x": x, "t": self._time(x), "id": next(self._drag_ids), "moved": False}
            return False  # the press still seeks and picks the lane: you hear the take you drag
        drag = self._drag
        if drag is None or drag["key"] != key:
            return False
        free = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if kind == QEvent.Type.MouseMove:
            if not event.buttons() & Qt.MouseButton.LeftButton:
                self._drag = None
                return False
            if drag["moved"] or abs(x - drag["x"]) >= DRAG_THRESHOLD_PX:
                drag["moved"] = True
                self.session.assign(key, drag["t"], self._time(x), free=free, merge_key=drag["id"])
                return True
            return False
        self._drag = None
        if not drag["moved"]:
            return False
        problem = self.session.assign(key, drag["t"], self._time(x), free=free, merge_key=drag["id"])
        if problem:
            self._say(problem)
        return True  # a drag is not a click: no seek on release

    def _time(self, x: float) -> float:
        timeline = self.panel.timeline
        return min(max(0.0, timeline.x_to_time(x)), timeline.duration)

    # ------------------------------------------------------------------------------- the comp
    def _show_row(self) -> None:
        """The comp row takes a line of the lanes' height: only while comping, or while there is a comp."""
        session = self.session
        self.row.mode_button.setVisible(session is not None)
        self.row.setVisible(session is not None and (self.comp_mode or bool(session.ranges)))

    def _comp_changed(self) -> None:
        self._show_row()
        self.row.refresh()
        self._refresh.start()

    def _comp_settled(self) -> None:
        """After an edit: the comp is rendered and its seams judged in the background, then shown."""
        work = self.session.settle_work() if self.session is not None else None
        if work is None:
            self._tasks.forget(_COMP)
            self._show_settled()
            return
        session = self.session
        self._tasks.start(lambda _task: work(), key=_COMP, on_result=lambda result: self._adopt(session, result))

    def _adopt(self, session: CompSession, result: tuple) -> None:
        if session is self.session and session.adopt(result):
            self._show_settled()

    def _show_settled(self) -> None:
        """The player gets the new comp, the seams their verdicts."""
        self._show_seams()
        hearing = self.player.source_key == COMP
        if self.session is not None and self.document.clip is not None and self.comparison.lanes:
            self.listening.sources_changed()
            if hearing and self._player_sources():  # an undo back to no comp leaves the selected lane heard
                self.player.select_source(COMP)

    def _player_sources(self) -> dict:
        session = self.session
        if session is None or not session.ranges or session.heard is None:
            return {}
        return {COMP: session.heard}

    def hear(self) -> None:
        if self.session is None or not self.session.ranges:
            self._say("The comp is still the original: turn on Comp and drag across a take's lane.")
            return
        self.session.render_heard()  # now, if the edit has not settled yet: the producer asked to hear it
        self.listening.sources_changed()
        self.player.select_source(COMP)
        self._say("Hearing the comp. 0–9 switch back to a lane; “Use comp” keeps it.", 6000)

    def use_comp(self) -> None:
        session = self.session
        if session is None:
            return
        problem = session.use_as_working_version(self.document, self.splice_segments())
        self._say(problem or "Use comp: saving the working version…", 6000)

    def splice_segments(self) -> list[SpliceSegment]:
        """The comp's segments for the export's sidecar: take, job, engine, operation, range."""
        segments = []
        for entry, r in zip(self.session.describe(), self.session.ranges, strict=True):
            lane = self.comparison.lane(r.source)
            operation = self.comparison._operation_of(lane.job_id) if lane is not None else ""
            segments.append(
                SpliceSegment(entry["take"], entry["job"], entry["engine"], operation, entry["start"], entry["end"])
            )
        return segments

    # ---------------------------------------------------------------------------------- seams
    def fix_seam(self, report: SeamReport, key: str | None = None) -> None:
        """Move a poor seam to its proposed point: a comp boundary moves; a take's own region edge (``key``'s
        "start" or "end") puts that take in the comp over its region with that edge moved."""
        if self.session is None or report.proposed_at_s is None:
            return
        if key is not None and report.label in ("start", "end") and self.comparison.region is not None:
            lo, hi = self.comparison.region
            lo, hi = (report.proposed_at_s, hi) if report.label == "start" else (lo, report.proposed_at_s)
            problem = self.session.assign(key, lo, hi, free=True)
        else:
            problem = self.session.apply_proposal(report)
        self._say(problem or f"Seam moved from {report.at_s:.2f} s to {report.proposed_at_s:.2f} s.", 6000)

    def comp_reports(self) -> list[SeamReport]:
        """The comp's seam verdicts as far as they are known (they land shortly after each edit)."""
        return self.session.known_reports if self.session is not None and self.session.ranges else []

    def _show_seams(self) -> None:
        """Comp boundaries on the row and on the lanes either side (fixable); region edges on their takes."""
        reports = self.comp_reports()
        self.row_marks.set_reports([(report, True) for report in reports])
        session = self.session
        for key, marks in self._lane_marks.items():
            edges = self.edges.report(key)
            entries = [(report, True) for report in edges.seams] if edges is not None else []
            for report in reports if session is not None else []:
                frame = round(report.at_s * session.rate)
                sides = (session.source_at((frame - 1) / session.rate), session.source_at(frame / session.rate))
                if key in sides:
                    entries.append((report, True))
            marks.set_reports(entries)

    # ---------------------------------------------------------------------------------- ranks
    def _edges_measured(self) -> None:
        self._show_ranks()
        self._show_seams()

    def _show_ranks(self) -> None:
        """Each region take's place by its worst seam, in its lane header (not in blind mode)."""
        order = self.edges.ranks()
        hidden = self.comparison.hides_identity
        for key, label in self._rank_labels.items():
            report = self.edges.report(key)
            if hidden or report is None:
                label.hide()
                continue
            text, tip = rank_words(order[key], report)
            label.setText(f"<span style='color:#8a96a3'>{text}</span>")
            label.setToolTip(tip)
            label.show()
