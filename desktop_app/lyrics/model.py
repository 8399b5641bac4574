"""A song's lyrics as lines with optional times (no Qt).

A line is sung text, a section tag (``[Verse]``, ``[Chorus 2]``: kept so the text sent to a
service keeps its structure, never sung) or a blank line (a stanza break or, when timed, the end
of the line before it). Only sung lines are numbered, from 1, the way the lane and the command
line count them. A line is sung from its start until the next timed line begins (or the song
ends): LRC has no line ends, and that is also how a karaoke tap marks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

SECTION_TAG = re.compile(r"^\[[^\]:\d][^\]:]*\]$")


class LyricsError(ValueError):
    """Lyrics or times that cannot be used; the message is a sentence for the user."""


@dataclass(frozen=True)
class Word:
    text: str  # as written, with its trailing space, so the words join back into the line
    start: float | None = None


@dataclass(frozen=True)
class LyricLine:
    text: str
    start: float | None = None
    words: tuple[Word, ...] = ()
    words_end: float | None = None  # enhanced LRC's closing <mm:ss.xx>: when the last word ends

    @property
    def is_section(self) -> bool:
        return bool(SECTION_TAG.match(self.text))

    @property
    def is_sung(self) -> bool:
        return bool(self.text.strip()) and not self.is_section

    @property
    def is_timed(self) -> bool:
        return self.start is not None


@dataclass(frozen=True)
class Lyrics:
    lines: tuple[LyricLine, ...] = ()
    meta: dict[str, str] = field(default_factory=dict)  # LRC's [ar:], [ti:], … (offset already applied)

    # -- numbering ------------------------------------------------------------------------

    def sung_indices(self) -> list[int]:
        """Indices into ``lines`` of the sung lines: line number n is ``sung_indices()[n - 1]``."""
        return [i for i, line in enumerate(self.lines) if line.is_sung]

    def number_of(self, index: int) -> int | None:
        """The 1-based number of ``lines[index]`` when it is sung."""
        try:
            return self.sung_indices().index(index) + 1
        except ValueError:
            return None

    def index_of(self, number: int) -> int:
        indices = self.sung_indices()
        if not 1 <= number <= len(indices):
            raise LyricsError(_count_sentence(number, len(indices)))
        return indices[number - 1]

    # -- text -------------------------------------------------------------------------------

    def text(self) -> str:
        """The words as a service wants them: one line per line, section tags kept, no times."""
        return "\n".join(line.text for line in self.lines)

    @property
    def is_timed(self) -> bool:
        return any(line.is_timed for line in self.lines if line.is_sung)

    # -- times ------------------------------------------------------------------------------

    def line_end(self, index: int, duration: float | None = None) -> float | None:
        """Where ``lines[index]`` stops being sung: the next timed line's start, else the song's end."""
        for later in self.lines[index + 1 :]:
            if later.start is not None:
                return later.start
        return duration

    def line_ends(self, duration: float | None = None) -> list[float | None]:
        """:meth:`line_end` of every line in one backward pass (long files stay linear)."""
        ends: list[float | None] = [None] * len(self.lines)
        following = duration
        for index in range(len(self.lines) - 1, -1, -1):
            ends[index] = following
            if self.lines[index].start is not None:
                following = self.lines[index].start
        return ends

    def span(self, first: int, last: int, duration: float | None = None) -> tuple[float, float]:
        """Seconds from the start of ``lines[first]`` to the end of ``lines[last]`` (indices).

        Refused with a sentence when a picked sung line has no time, or the last line's end is
        unknown (no later line and no song length).
        """
        picked = [i for i in range(first, last + 1) if self.lines[i].is_sung]
        for i in picked:
            if self.lines[i].start is None:
                number = self.number_of(i)
                raise LyricsError(f"Line {number} (“{_short(self.lines[i].text)}”) has no time yet; time it first.")
        start = self.lines[picked[0] if picked else first].start
        end = self.line_end(last, duration)
        if start is None or end is None:
            raise LyricsError("The end of the last picked line is unknown: open the song or time the next line.")
        return start, end

    def with_line(self, index: int, line: LyricLine) -> Lyrics:
        lines = list(self.lines)
        lines[index] = line
        return replace(self, lines=tuple(lines))

    def with_start(self, index: int, start: float | None) -> Lyrics:
        """The line moved to ``start``; its word times move with it."""
        line = self.lines[index]
        if start is None or line.start is None:
            return self.with_line(index, replace(line, start=start, words=(), words_end=None))
        shift = start - line.start
        words = tuple(replace(w, start=None if w.start is None else w.start + shift) for w in line.words)
        end = None if line.words_end is None else line.words_end + shift
        return self.with_line(index, replace(line, start=start, words=words, words_end=end))


def from_text(text: str) -> Lyrics:
    """Plain lyrics (pasted or typed): one line per line, nothing timed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return Lyrics(tuple(LyricLine(line.strip()) for line in lines))


def parse_lines_range(spec: str) -> tuple[int, int]:
    """``"5"`` or ``"5-6"`` → (5, 6); numbers count sung lines from 1."""
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", spec or "")
    if not match:
        raise LyricsError(f"“{spec}” is not a line range; write it as A-B, e.g. 5-6 (lines count from 1).")
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    if last < first:
        raise LyricsError(f"“{spec}”: the range must go forwards (A-B with A ≤ B).")
    return first, last


def _count_sentence(number: int, count: int) -> str:
    if count == 0:
        return "The lyrics have no sung lines to pick."
    return f"There is no line {number}: the lyrics have {count} sung line{'s' if count != 1 else ''} (1–{count})."


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
