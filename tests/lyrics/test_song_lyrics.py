"""The lyrics service: kept per song across restarts, tap timing on the silent clock, lines ↔ region."""

from __future__ import annotations

import pytest

from desktop_app.lyrics.store import LyricsStore
from desktop_app.services.document import Document
from desktop_app.services.lyrics import SongLyrics
from desktop_app.services.player import Player
from tests.support import WAIT_MS
from tests.support.songs import BPM, DOWNBEAT

BAR = 60.0 / BPM * 4
PLAIN = "[Verse]\nfirst line\nsecond line\nthird line\n[Chorus]\nfourth line\n"
TIMED = "[Verse]\n[00:01.30]first line\n[00:03.70]second line\n[00:07.15]third line\n[Chorus]\n[00:10.40]fourth line\n"


@pytest.fixture
def opened(qtbot, song_path, tmp_path):
    def make():
        document = Document()
        player = Player()
        lyrics = SongLyrics(document, player, LyricsStore(tmp_path / "lyrics"))
        with qtbot.waitSignals([document.tempo_estimated, lyrics.loaded], timeout=WAIT_MS):
            document.open(song_path)
        player.set_source(document.clip.samples, document.clip.sample_rate)
        made.append((document, player))
        return document, player, lyrics

    made: list = []
    yield make
    for document, player in made:
        player.shutdown()
        document.shutdown()


def test_lyrics_survive_a_restart_keyed_by_the_song(opened, tmp_path) -> None:
    _, _, lyrics = opened()
    assert lyrics.set_text(TIMED) == []
    assert len(list((tmp_path / "lyrics").glob("*.lrc"))) == 1
    _, _, again = opened()  # a new session opening the same file
    assert again.lyrics == lyrics.lyrics and again.lyrics.lines[2].start == 3.70


def test_tapping_times_each_line_at_the_players_position(opened, qtbot) -> None:
    _, player, lyrics = opened()
    lyrics.set_text(PLAIN)
    lyrics.start_tapping()
    player.play()
    taps = []
    for threshold in (0.6, 1.2, 1.8, 2.4):
        qtbot.waitUntil(lambda t=threshold: player.position >= t, timeout=10000)
        taps.append(player.position)
        assert lyrics.tap() is None
    player.pause()
    starts = [lyrics.lyrics.lines[i].start for i in lyrics.lyrics.sung_indices()]
    assert starts == [round(t, 2) for t in taps] and starts == sorted(starts)
    assert lyrics.tap_next is None  # all four lines timed: tapping ends by itself
    assert "Start tap timing" in lyrics.tap()


def test_a_tap_untimes_later_lines_it_overtakes(opened) -> None:
    _, _, lyrics = opened()
    lyrics.set_text(TIMED)
    lyrics.start_tapping(2)
    lyrics.tap(at=8.0)  # line 2 is heard later than written: line 3 (7.15) cannot stay before it
    starts = [lyrics.lyrics.lines[i].start for i in lyrics.lyrics.sung_indices()]
    assert starts == [1.30, 8.0, None, 10.40]


def test_picking_lines_selects_their_span_snapped_to_bars_and_fills_the_fields(opened) -> None:
    document, _, lyrics = opened()
    lyrics.set_text(TIMED)
    edits = []
    lyrics.edit_changed.connect(edits.append)
    assert lyrics.select_lines(3, 2) is None
    start, end = document.region.bounds()
    assert start <= 3.70 and end >= 10.40 and 3.70 - start < BAR and end - 10.40 < BAR
    assert ((start - DOWNBEAT) / BAR) == pytest.approx(round((start - DOWNBEAT) / BAR), abs=0.01)
    lyrics.set_new_words("new second\nnew third")
    assert edits[-1].section == "new second\nnew third"
    assert edits[-1].lyrics == "[Verse]\nfirst line\nnew second\nnew third\n[Chorus]\nfourth line"
    assert "- second line" in edits[-1].diff and "+ new third" in edits[-1].diff
    document.undo_stack.undo()  # the region goes back: the words follow it
    assert lyrics.selection is None and edits[-1] is None


def test_dragging_the_region_repicks_the_lines(opened) -> None:
    document, _, lyrics = opened()
    lyrics.set_text(TIMED)
    lyrics.set_new_words("changed")
    document.region.set_range(6.5, 12.5)  # line 3 (7.15–10.40) is sung inside it; line 4 (10.40–24) mostly not
    assert lyrics.selection == (3, 3)
    assert lyrics.edit is not None and "- third line" in lyrics.edit.diff


def test_untimed_lines_and_bad_moves_are_refused_with_a_sentence(opened) -> None:
    document, _, lyrics = opened()
    lyrics.set_text(PLAIN)
    messages = []
    lyrics.message.connect(messages.append)
    assert "has no time yet" in lyrics.select_lines(1, 2)
    assert document.region.is_empty
    lyrics.set_text(TIMED)
    index = lyrics.lyrics.index_of(2)
    assert "out of order" in lyrics.set_line_start(index, 8.0)
    assert lyrics.lyrics.lines[index].start == 3.70  # nothing changed
    assert lyrics.nudge(index, 0.05) is None and lyrics.lyrics.lines[index].start == 3.75
    assert "after the song ends" in lyrics.set_text("[05:00.00]too late\n")[0]
    assert messages


def test_a_spliced_take_keeps_the_songs_lyrics(opened) -> None:
    document, _, lyrics = opened()
    lyrics.set_text(TIMED)
    document.replacing_audio = True  # what working_version does when a take is spliced in
    try:
        document.clip_changed.emit()
    finally:
        document.replacing_audio = False
    assert lyrics.lyrics.lines[2].text == "second line"
