"""A take's words → the song's lyrics (no Qt).

Services send a take's timed lines back (MusicGPT's ``lyrics_timestamped``: ``[{index, text,
start, end}]``, stored in seconds by the job store). When a take is used, the song's lyrics take
the job's edited text: lines that did not change keep their times, new lines take the time the
take sang them at when the take says so, else the replaced block's start (the rest wait to be
timed again).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from desktop_app.lyrics.lrc import check_times
from desktop_app.lyrics.model import LyricLine, Lyrics, LyricsError

_GAP_S = 0.05


def from_timestamped(rows: Iterable[dict]) -> Lyrics:
    """Timed lines from ``[{text, start, end}]`` (seconds); a silence after a line gets an empty timed line."""
    good = []
    for row in rows or ():
        try:
            good.append((float(row["start"]), float(row.get("end", row["start"])), str(row.get("text", "")).strip()))
        except (KeyError, TypeError, ValueError):
            continue  # one unreadable row must not lose the others
    good.sort()
    lines: list[LyricLine] = []
    for i, (start, end, text) in enumerate(good):
        lines.append(LyricLine(text, start))
        following = good[i + 1][0] if i + 1 < len(good) else None
        if end > start and (following is None or following - end > _GAP_S):
            lines.append(LyricLine("", end))  # where the singing stops, so the line's span ends there
    return Lyrics(tuple(lines))


def adopt_edit(
    song: Lyrics, edited_text: str, take: Lyrics | None = None, region: tuple[float, float] | None = None
) -> Lyrics:
    """The song's lyrics after a take sang ``edited_text`` (the job's full ``lyrics`` field)."""
    new_texts = [t.strip() for t in edited_text.replace("\r\n", "\n").split("\n")]
    old_texts = [line.text for line in song.lines]
    sung_by_take = _take_times(take, region)
    out: list[LyricLine] = []
    matcher = difflib.SequenceMatcher(a=old_texts, b=new_texts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += song.lines[i1:i2]
            continue
        starts = [line.start for line in song.lines[i1:i2] if line.start is not None]
        block_start = starts[0] if starts else None
        for k, text in enumerate(new_texts[j1:j2]):
            start = sung_by_take.pop(_key(text), None) if text else None
            out.append(LyricLine(text, start if start is not None else (block_start if k == 0 else None)))
    adopted = Lyrics(tuple(out), song.meta)
    try:
        check_times(adopted)
    except LyricsError:  # the take's times disagree with the song's: keep only the block starts
        return adopt_edit(song, edited_text, None, None)
    return adopted


def _take_times(take: Lyrics | None, region: tuple[float, float] | None) -> dict[str, float]:
    times: dict[str, float] = {}
    for line in take.lines if take is not None else ():
        inside = region is None or region[0] - _GAP_S <= (line.start or 0.0) < region[1]
        if line.is_sung and line.start is not None and inside:
            times.setdefault(_key(line.text), line.start)
    return times


def _key(text: str) -> str:
    return " ".join(text.casefold().split())
