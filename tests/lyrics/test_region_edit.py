"""Picked lines → region snapped to the grid, and the two lyrics fields with their diff."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.audio.snap import BeatGrid
from desktop_app.lyrics import LyricsError, edit_lines, parse_lines_range, parse_lrc, region_for_lines, snap_outward

SONG = """[Verse]
[00:02.10]first line
[00:05.90]second line
[00:09.80]third line
[Chorus]
[00:14.05]fourth line
[00:18.00]
fifth line not yet timed
"""
GRID = BeatGrid(120.0, origin=0.25)  # bars of 2 s from 0.25 s


def test_lines_span_runs_to_the_next_timed_line_and_snaps_out_to_bars() -> None:
    lyrics, _ = parse_lrc(SONG)
    region = region_for_lines(lyrics, 2, 3, duration=30.0, grid=GRID)
    assert region.span == (5.90, 14.05)  # line 3 ends where the [Chorus] is next timed: line 4
    assert (region.start, region.end) == pytest.approx((4.25, 14.25))
    assert region.snapped_to == "bar"
    beats = region_for_lines(lyrics, 2, 3, duration=30.0, grid=GRID, unit="beat")
    assert (beats.start, beats.end) == pytest.approx((5.75, 14.25))


def test_without_a_tempo_the_region_is_the_span() -> None:
    lyrics, _ = parse_lrc(SONG)
    region = region_for_lines(lyrics, 4, 4, duration=30.0, grid=None)
    assert (region.start, region.end) == (14.05, 18.0) and region.snapped_to == ""  # the blank timed line ends it


def test_a_boundary_on_a_bar_line_stays_there() -> None:
    assert snap_outward(2.252, 6.248, GRID) == pytest.approx((2.25, 6.25))
    assert snap_outward(0.1, 29.9, GRID, 30.0) == pytest.approx((0.0, 30.0))  # clamped to the song


@given(st.floats(0, 100), st.floats(0.05, 20), st.floats(40, 200), st.floats(0, 3))
def test_snapped_region_holds_the_span_and_adds_less_than_a_bar(start, length, bpm, origin) -> None:
    grid = BeatGrid(bpm, origin)
    lo, hi = snap_outward(start, start + length, grid)
    assert lo <= start and hi >= start + length
    assert max(0.0, start - grid.bar_seconds) - 1e-9 <= lo and hi <= start + length + grid.bar_seconds + 1e-9


def test_untimed_or_missing_lines_cannot_be_picked() -> None:
    lyrics, _ = parse_lrc(SONG)
    with pytest.raises(LyricsError, match=r"Line 5 .* has no time yet"):
        region_for_lines(lyrics, 4, 5, duration=30.0, grid=GRID)
    with pytest.raises(LyricsError, match="There is no line 9: the lyrics have 5 sung lines"):
        region_for_lines(lyrics, 2, 9, duration=30.0, grid=GRID)
    with pytest.raises(LyricsError, match="A-B"):
        parse_lines_range("two")
    assert parse_lines_range(" 2-3 ") == (2, 3) and parse_lines_range("4") == (4, 4)


def test_new_words_fill_both_fields_and_show_a_diff() -> None:
    lyrics, _ = parse_lrc(SONG)
    edit = edit_lines(lyrics, 2, 3, "second line\nbrand new third")
    assert edit.section == "second line\nbrand new third"
    assert edit.lyrics == (
        "[Verse]\nfirst line\nsecond line\nbrand new third\n[Chorus]\nfourth line\n\nfifth line not yet timed"
    )
    assert edit.diff == "  second line\n- third line\n+ brand new third"
    assert [line.start for line in edit.edited.lines[2:4]] == [5.90, 9.80]  # line for line: times kept


def test_fewer_new_lines_keep_the_span_start() -> None:
    lyrics, _ = parse_lrc(SONG)
    edit = edit_lines(lyrics, 2, 3, "one line instead")
    assert edit.edited.lines[2].start == 5.90 and edit.edited.lines[3].text == "[Chorus]"
    assert edit.diff == "- second line\n- third line\n+ one line instead"


def test_section_tags_between_the_picked_lines_stay() -> None:
    lyrics, _ = parse_lrc(SONG)
    same = edit_lines(lyrics, 3, 4, "third line\nfourth line")  # across [Chorus], words unchanged
    assert same.lyrics == lyrics.text()
    assert not any(row.startswith(("- ", "+ ")) for row in same.diff.splitlines())
    fewer = edit_lines(lyrics, 3, 4, "one new line")
    assert fewer.lyrics.splitlines()[3:6] == ["one new line", "[Chorus]", ""]
    assert fewer.diff == "- third line\n+ one new line\n  [Chorus]\n- fourth line"
