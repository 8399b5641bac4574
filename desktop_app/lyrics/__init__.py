"""Lyrics on the timeline (no Qt): the model, LRC in and out, line spans → regions → requests."""

from desktop_app.lyrics.edit import LyricsEdit, edit_lines, lyrics_diff
from desktop_app.lyrics.lrc import Problem, check_times, format_time, parse_lrc, write_lrc, write_text
from desktop_app.lyrics.model import LyricLine, Lyrics, LyricsError, Word, from_text, parse_lines_range
from desktop_app.lyrics.region import region_for_lines, snap_outward

__all__ = [
    "LyricLine",
    "Lyrics",
    "LyricsEdit",
    "LyricsError",
    "Problem",
    "Word",
    "check_times",
    "edit_lines",
    "format_time",
    "from_text",
    "lyrics_diff",
    "parse_lines_range",
    "parse_lrc",
    "region_for_lines",
    "snap_outward",
    "write_lrc",
    "write_text",
]
