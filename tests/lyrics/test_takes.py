"""A take's timed words → the song's lyrics after "use this take"."""

from __future__ import annotations

from desktop_app.lyrics import parse_lrc
from desktop_app.lyrics.takes import adopt_edit, from_timestamped

SONG = "[Verse]\n[00:01.30]first line\n[00:03.70]second line\n[00:07.15]third line\n[Chorus]\n[00:10.40]fourth line\n"
EDITED = "[Verse]\nfirst line\nnew second\nand a new third\n[Chorus]\nfourth line"


def test_timestamped_rows_become_timed_lines_with_their_silences() -> None:
    rows = [{"index": 1, "text": "b", "start": 3.0, "end": 4.0}, {"index": 0, "text": " a ", "start": 1.0, "end": 2.98},
            {"text": "broken", "start": "soon"}]  # fmt: skip
    lyrics = from_timestamped(rows)
    assert [(line.text, line.start) for line in lyrics.lines] == [("a", 1.0), ("b", 3.0), ("", 4.0)]


def test_used_take_gives_the_song_the_edited_lines_with_the_takes_times() -> None:
    song, _ = parse_lrc(SONG)
    take = from_timestamped([{"text": "New second", "start": 3.9, "end": 6.0}, {"text": "elsewhere", "start": 30.0}])
    adopted = adopt_edit(song, EDITED, take, (2.0, 10.0))
    assert adopted.text() == EDITED
    starts = [(line.text, line.start) for line in adopted.lines if line.is_sung]
    # unchanged lines keep theirs; the take sang "new second" at 3.9; the other new line waits to be timed
    assert starts == [("first line", 1.3), ("new second", 3.9), ("and a new third", None), ("fourth line", 10.4)]


def test_without_take_times_the_block_keeps_its_start() -> None:
    song, _ = parse_lrc(SONG)
    adopted = adopt_edit(song, EDITED)
    assert [line.start for line in adopted.lines if line.is_sung] == [1.3, 3.7, None, 10.4]
    bad_take = from_timestamped([{"text": "new second", "start": 12.0, "end": 13.0}])  # after line 4: disagrees
    assert adopt_edit(song, EDITED, bad_take, None) == adopted
