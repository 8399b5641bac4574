"""``retake lyrics FILE.lrc [--json]`` and the inpaint flags that pick the region by lyric lines.

``retake inpaint SONG --lyrics-file SONG.lrc --lines A-B --new-words TEXT --prompt P`` works out
the region (the lines' sung span, snapped out to bars when a tempo is found in the audio) and
both lyrics fields, says on stderr what it chose, and runs the inpaint as ``--start/--end`` would.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

COMMANDS = ("lyrics",)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lyrics", help="show an LRC (or plain) lyrics file's lines and times")
    p.add_argument("file", metavar="FILE.lrc", type=Path)
    p.add_argument("--json", action="store_true", help="one JSON object: meta, lines, problems")
    p.add_argument("--song", metavar="AUDIO", type=Path, default=None,
                   help="check the times against this song and keep the lyrics with it for the app")  # fmt: skip
    p.set_defaults(handler=run)


def add_inpaint_flags(parser: argparse.ArgumentParser) -> None:
    """``--lines`` and ``--new-words`` on ``retake inpaint`` (``--lyrics-file`` is then LRC)."""
    parser.add_argument("--lines", default=None, metavar="A-B",
                        help="redo these sung lines of --lyrics-file (from 1); the region follows them")  # fmt: skip
    parser.add_argument("--new-words", default=None, metavar="TEXT",
                        help="what the picked lines should say, a newline between lines (bash: $'a\\nb')")  # fmt: skip


def _read(path: Path):
    from desktop_app.lyrics import parse_lrc

    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise OSError(f"The lyrics file “{path.name}” is not UTF-8 text; save it as UTF-8 and try again.") from None
    except FileNotFoundError:
        raise OSError(f"The lyrics file “{path.name}” does not exist.") from None
    except IsADirectoryError:
        raise OSError(f"“{path.name}” is a folder, not a lyrics file.") from None
    return parse_lrc(text)


def _line_rows(lyrics, duration: float | None = None) -> list[dict]:
    rows = []
    ends = lyrics.line_ends(duration)
    numbers = {index: number for number, index in enumerate(lyrics.sung_indices(), start=1)}
    for index, line in enumerate(lyrics.lines):
        kind = "sung" if line.is_sung else "section" if line.is_section else "blank"
        end = ends[index] if line.start is not None and line.is_sung else None
        words = [{"text": w.text, "start": w.start} for w in line.words]
        rows.append({"number": numbers.get(index), "kind": kind, "text": line.text, "start": line.start,
                     "end": end, "words": words})  # fmt: skip
    return rows


def run(args: argparse.Namespace) -> int:
    from desktop_app.lyrics import LyricsError, check_times, format_time

    try:
        lyrics, problems = _read(args.file)
        duration = _song_duration(args.song) if args.song is not None else None
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in problems:
        print(f"{args.file.name}: {problem}", file=sys.stderr)
    try:
        check_times(lyrics, duration)
    except LyricsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.song is not None:
        from desktop_app.lyrics.store import LyricsStore

        store = LyricsStore()
        saved = store.save(store.key_for(args.song), lyrics)
        print(f"kept with {args.song.name}: {saved}", file=sys.stderr)
    rows = _line_rows(lyrics, duration)
    if args.json:
        problems_out = [{"line": p.line_number, "message": p.message} for p in problems]
        print(json.dumps({"meta": lyrics.meta, "lines": rows, "problems": problems_out}, ensure_ascii=False, indent=1))
        return 0
    for row in rows:
        number = f"{row['number']:>3}" if row["number"] is not None else "   "
        start = format_time(row["start"]) if row["start"] is not None else "--:--.--"
        end = f"–{format_time(row['end'])}" if row["end"] is not None else ""
        print(f"{number}  {start + end:<17}  {row['text']}".rstrip())
    return 0


def _song_duration(path: Path) -> float:
    from desktop_app.audio import AudioError, load

    try:
        return load(path).duration
    except AudioError as exc:
        raise OSError(str(exc)) from None


def apply_inpaint_flags(args: argparse.Namespace) -> None:
    """Fill ``args.start/end/lyrics/lyrics_section`` from ``--lines`` (raises InvalidRequestError)."""
    from desktop_app.api.errors import FieldProblem, InvalidRequestError

    def refuse(message: str, field: str = "lines") -> None:
        raise InvalidRequestError([FieldProblem(field, message)])

    if args.lines is None:
        if args.new_words is not None:
            refuse("--new-words needs --lines: which lines do the new words replace?")
        if args.start is None or args.end is None:
            refuse("Give the region with --start and --end, or pick lyric lines with --lyrics-file and --lines.")
        return
    if args.lyrics_file is None:
        refuse("--lines needs --lyrics-file SONG.lrc (the song's timed lyrics).")
    if args.start is not None or args.end is not None or args.lyrics_section is not None:
        refuse("--lines chooses the region and the new lyrics itself: leave out --start, --end and --lyrics-section.")
    if args.source.lower().startswith(("https://", "http://")):
        refuse("--lines needs the song as a local file, to find where its bars are.")
    _apply_lines(args, refuse)


def _apply_lines(args: argparse.Namespace, refuse) -> None:
    from desktop_app.audio import load
    from desktop_app.audio.snap import BeatGrid
    from desktop_app.audio.tempo import estimate_tempo
    from desktop_app.lyrics import (
        LyricsError,
        check_times,
        edit_lines,
        format_time,
        parse_lines_range,
        region_for_lines,
    )

    lyrics, problems = _read(args.lyrics_file)
    for problem in problems:
        print(f"{args.lyrics_file.name}: {problem}", file=sys.stderr)
    clip = load(Path(args.source).expanduser())
    estimate = estimate_tempo(clip.samples, clip.sample_rate)
    grid = BeatGrid(estimate.bpm, estimate.first_downbeat) if estimate is not None else None
    try:
        check_times(lyrics, clip.duration)
        first, last = parse_lines_range(args.lines)
        region = region_for_lines(lyrics, first, last, duration=clip.duration, grid=grid)
        old = "\n".join(lyrics.lines[i].text for i in range(region.first_index, region.last_index + 1))
        edit = edit_lines(lyrics, first, last, old if args.new_words is None else args.new_words)
    except LyricsError as exc:
        refuse(str(exc))
    snapped = f"snapped to bars at {grid.bpm:g} BPM" if grid else "no tempo found, not snapped"
    print(
        f"region {region.start:.3f}–{region.end:.3f} s: lines {first}–{last} are sung "
        f"{format_time(region.span[0])}–{format_time(region.span[1])} ({snapped})",
        file=sys.stderr,
        flush=True,
    )
    for row in edit.diff.splitlines():
        print(f"  {row}", file=sys.stderr)
    args.start, args.end = round(region.start, 3), round(region.end, 3)
    args.lyrics, args.lyrics_file, args.lyrics_section = edit.lyrics, None, edit.section
