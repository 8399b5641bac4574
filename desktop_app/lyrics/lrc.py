"""LRC in and out (no Qt): ``[mm:ss.xx]`` line times, enhanced ``<mm:ss.xx>`` word times, tags.

Reading is forgiving where the format is (several time tags on one line mean the line is sung
at each of those times; plain text lines are untimed lyrics; ``[ar:]``-style tags are kept as
metadata; ``[offset:ms]`` is applied) and strict where a mistake would move a region: a line that
starts like a time tag but is not one is reported with its line number and skipped, never
guessed at. Writing gives hundredths of a second, which is what every LRC reader accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.lyrics.model import LyricLine, Lyrics, LyricsError, Word

_TIME = r"(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?"
_LINE_TAG = re.compile(r"\[" + _TIME + r"\]")
_WORD_TAG = re.compile(r"<" + _TIME + r">")
_META_TAG = re.compile(r"^\[([A-Za-z#][A-Za-z0-9_# -]*):(.*)\]$")
# A leading bracket with a digit promises a time tag; anything else after it is a mistake.
_LOOKS_TIMED = re.compile(r"^\[\s*[-\d]")
_LOOKS_WORD_TIMED = re.compile(r"<\s*\d+:")


@dataclass(frozen=True)
class Problem:
    line_number: int  # 1-based line of the file
    message: str

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.message}"


def parse_time(minutes: str, seconds: str, fraction: str | None) -> float:
    if int(seconds) >= 60:
        raise ValueError(f"{seconds} is not a number of seconds (00–59)")
    millis = int(fraction.ljust(3, "0")) if fraction else 0
    # One division of whole milliseconds: 1.89 reads back as the same float it was written from.
    return ((int(minutes) * 60 + int(seconds)) * 1000 + millis) / 1000


def format_time(seconds: float) -> str:
    """``mm:ss.xx`` (minutes widen past 99)."""
    hundredths = max(0, round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    return f"{minutes:02d}:{rest // 100:02d}.{rest % 100:02d}"


def parse_lrc(text: str) -> tuple[Lyrics, list[Problem]]:
    """Lyrics from LRC (or plain) text, and the lines that were skipped and why."""
    meta: dict[str, str] = {}
    problems: list[Problem] = []
    entries: list[tuple[int, LyricLine]] = []  # (file line, line)
    multi = False
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    while raw_lines and not raw_lines[-1].strip():
        raw_lines.pop()
    for number, raw in enumerate(raw_lines, start=1):
        line = raw.strip()
        meta_match = _META_TAG.match(line)
        if meta_match and not _LOOKS_TIMED.match(line):
            key, value = meta_match.group(1).strip().lower(), meta_match.group(2).strip()
            if key == "offset" and not re.fullmatch(r"[+-]?\d+", value):
                problems.append(Problem(number, f"the offset “{value}” is not whole milliseconds; it was ignored"))
                continue
            meta[key] = value
            continue
        try:
            times, rest = _leading_times(line)
            words, words_end = _words(rest, times[0] if times else None)
        except ValueError as exc:
            problems.append(Problem(number, f"{exc}; the line was skipped"))
            continue
        line_text = "".join(w.text for w in words).strip() if words else rest.strip()
        multi = multi or len(times) > 1
        starts: list[float | None] = [*times] if times else [None]  # an untimed line keeps its place
        for start in starts:
            shifted = _shift_words(words, words_end, start, times[0] if times else None)
            entries.append((number, LyricLine(line_text, start, *shifted)))
    offset = int(meta.get("offset", "0")) / 1000.0
    if multi:  # the compressed form: one text, several times; the song order is the time order
        timed = sorted((e for e in entries if e[1].start is not None), key=lambda e: e[1].start or 0.0)
        entries = _merge_untimed(entries, timed)
    lines = tuple(_apply_offset(line, offset) for _, line in entries)
    return Lyrics(lines, meta), problems


def write_lrc(lyrics: Lyrics, *, with_meta: bool = True) -> str:
    """LRC text: one tag per timed line, word tags where the words are timed, untimed lines bare."""
    out = [f"[{key}:{value}]" for key, value in lyrics.meta.items() if key != "offset"] if with_meta else []
    for line in lyrics.lines:
        head = f"[{format_time(line.start)}]" if line.start is not None else ""
        if line.words:
            body = "".join((f"<{format_time(w.start)}>" if w.start is not None else "") + w.text for w in line.words)
            if line.words_end is not None:
                body += f"<{format_time(line.words_end)}>"
        else:
            body = line.text
        out.append(head + body)
    return "\n".join(out) + "\n"


def write_text(lyrics: Lyrics) -> str:
    return lyrics.text() + "\n"


def check_times(lyrics: Lyrics, duration: float | None = None) -> None:
    """Refuse times that cannot describe one performance: backwards, overlapping, past the end."""
    ends = lyrics.line_ends(duration)
    previous: tuple[int, LyricLine] | None = None
    for index, line in enumerate(lyrics.lines):
        if line.start is None:
            continue
        if line.start < 0:
            raise LyricsError(f"{_label(lyrics, index)} starts before the song does ({format_time(line.start)}).")
        if duration is not None and line.start > duration + 1e-6:
            raise LyricsError(
                f"{_label(lyrics, index)} starts at {format_time(line.start)}, "
                f"after the song ends ({format_time(duration)})."
            )
        if previous is not None:
            before_index, before = previous
            if line.start < before.start:  # type: ignore[operator]
                raise LyricsError(
                    f"{_label(lyrics, index)} starts at {format_time(line.start)}, before "
                    f"{_label(lyrics, before_index)} ({format_time(before.start)}): the times are out of order."  # type: ignore[arg-type]
                )
            if line.start == before.start and before.is_sung and line.is_sung:
                raise LyricsError(
                    f"{_label(lyrics, index)} starts at the same time as {_label(lyrics, before_index)}: they overlap."
                )
        _check_words(lyrics, index, ends[index])
        previous = (index, line)


def _check_words(lyrics: Lyrics, index: int, end: float | None) -> None:
    line = lyrics.lines[index]
    word_times = [w.start for w in line.words if w.start is not None]
    if line.words_end is not None:
        word_times.append(line.words_end)
    if word_times != sorted(word_times) or (word_times and word_times[0] < line.start - 1e-6):  # type: ignore[operator]
        raise LyricsError(f"The word times of {_label(lyrics, index).lower()} are out of order.")
    if word_times and end is not None and word_times[-1] > end + 1e-6:
        raise LyricsError(
            f"The words of {_label(lyrics, index).lower()} run to {format_time(word_times[-1])}, "
            f"past the start of the next line ({format_time(end)}): they overlap."
        )


def _label(lyrics: Lyrics, index: int) -> str:
    number = lyrics.number_of(index)
    line = lyrics.lines[index]
    if number is not None:
        return f"Line {number} (“{line.text[:30]}”)"
    return f"The tag {line.text}" if line.text else "An empty timed line"


def _leading_times(line: str) -> tuple[list[float], str]:
    times: list[float] = []
    rest = line
    while rest.startswith("["):
        match = _LINE_TAG.match(rest)
        if not match:
            if _LOOKS_TIMED.match(rest):
                tag = rest[: rest.find("]") + 1] if "]" in rest else rest[:12]
                raise ValueError(f"“{tag}” is not a time (write [mm:ss.xx])")
            break
        times.append(parse_time(*match.groups()))
        rest = rest[match.end() :]
    return times, rest


def _words(rest: str, line_start: float | None) -> tuple[tuple[Word, ...], float | None]:
    matches = list(_WORD_TAG.finditer(rest))
    starts = {m.start() for m in matches}
    for botched in _LOOKS_WORD_TIMED.finditer(rest):
        if botched.start() not in starts:
            tag = rest[botched.start() : rest.find(">", botched.start()) + 1 or botched.end() + 6]
            raise ValueError(f"“{tag}” is not a word time (write <mm:ss.xx>)")
    if not matches:
        return (), None
    if line_start is None:
        raise ValueError("word times need a line time in front of them ([mm:ss.xx]<mm:ss.xx>word)")
    words: list[Word] = []
    head = rest[: matches[0].start()]
    if head.strip():
        words.append(Word(head.lstrip(), None))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(rest)
        words.append(Word(rest[match.end() : end], parse_time(*match.groups())))
    words_end = None
    if words and words[-1].text == "":  # a closing tag: when the last word ends
        words_end = words.pop().start
    if words:
        words[-1] = Word(words[-1].text.rstrip(), words[-1].start)
    return tuple(words), words_end


def _shift_words(words, words_end, start, first_start):
    """Word times of a line repeated at ``start`` (compressed LRC), shifted from its first time."""
    if start is None or first_start is None or start == first_start:
        return words, words_end
    shift = start - first_start
    moved = tuple(Word(w.text, None if w.start is None else w.start + shift) for w in words)
    return moved, None if words_end is None else words_end + shift


def _merge_untimed(
    entries: list[tuple[int, LyricLine]], timed: list[tuple[int, LyricLine]]
) -> list[tuple[int, LyricLine]]:
    """Keep untimed lines (tags, blanks) before the timed line that followed them in the file."""
    out: list[tuple[int, LyricLine]] = []
    pending: dict[int, list[tuple[int, LyricLine]]] = {}
    untimed_before: list[tuple[int, LyricLine]] = []
    for number, line in entries:
        if line.start is None:
            untimed_before.append((number, line))
        elif untimed_before:
            pending.setdefault(number, []).extend(untimed_before)
            untimed_before = []
    for number, line in timed:
        out.extend(pending.pop(number, []))
        out.append((number, line))
    return out + untimed_before


def _apply_offset(line: LyricLine, offset: float) -> LyricLine:
    if not offset or line.start is None:
        return line
    # LRC's offset: a positive value makes the lyrics come sooner.
    words = tuple(Word(w.text, None if w.start is None else max(0.0, w.start - offset)) for w in line.words)
    end = None if line.words_end is None else max(0.0, line.words_end - offset)
    return LyricLine(line.text, max(0.0, line.start - offset), words, end)
