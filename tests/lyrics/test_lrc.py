"""LRC in and out: round trips (standard, enhanced, arbitrary text), bad lines, time checks."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.lyrics import (
    LyricLine,
    Lyrics,
    LyricsError,
    Word,
    check_times,
    from_text,
    parse_lrc,
    write_lrc,
    write_text,
)

SONG = """[ar:Nobody Here]
[ti:Test Song]
[length: 01:20]
[Verse]
[00:01.00]Hello there
[00:03.50]<00:03.50>Second <00:04.00>line <00:04.60>
[Chorus]
[00:06.00][00:12.00]Chorus line
[00:09.00]Other words
"""


def test_standard_and_enhanced_tags_are_read() -> None:
    lyrics, problems = parse_lrc(SONG)
    assert problems == []
    assert lyrics.meta == {"ar": "Nobody Here", "ti": "Test Song", "length": "01:20"}
    assert [(line.text, line.start) for line in lyrics.lines] == [
        ("[Verse]", None),
        ("Hello there", 1.0),
        ("Second line", 3.5),
        ("[Chorus]", None),
        ("Chorus line", 6.0),
        ("Other words", 9.0),
        ("Chorus line", 12.0),  # the compressed form: a line sung at two times
    ]
    second = lyrics.lines[2]
    assert [(w.text, w.start) for w in second.words] == [("Second ", 3.5), ("line", 4.0)]
    assert second.words_end == pytest.approx(4.6)
    assert [lyrics.lines[i].text for i in lyrics.sung_indices()][:2] == ["Hello there", "Second line"]
    assert not lyrics.lines[0].is_sung and lyrics.lines[0].is_section


def test_written_lrc_reads_back_the_same() -> None:
    lyrics, _ = parse_lrc(SONG)
    again, problems = parse_lrc(write_lrc(lyrics))
    assert problems == [] and again == lyrics


def test_offset_moves_every_time_and_is_not_written_twice() -> None:
    lyrics, _ = parse_lrc("[offset:+500]\n[00:02.00]<00:02.00>a <00:02.50>b\n")
    line = lyrics.lines[0]
    assert line.start == pytest.approx(1.5) and line.words[1].start == pytest.approx(2.0)
    assert "offset" not in write_lrc(lyrics)


def test_malformed_lines_are_reported_with_their_numbers_and_skipped() -> None:
    text = "[00:01.00]one\n[00:1x.00]two\n[00:75.00]three\n[01:02.00]<00:xx>four\n[00:05.00]five\n[offset:soon]\n"
    lyrics, problems = parse_lrc(text)
    assert [line.text for line in lyrics.lines] == ["one", "five"]
    assert [p.line_number for p in problems] == [2, 3, 4, 6]
    assert "not a time" in str(problems[0]) and "line 2" in str(problems[0])
    assert "seconds" in problems[1].message and "word time" in problems[2].message
    assert "offset" in problems[3].message


def test_word_times_without_a_line_time_are_refused() -> None:
    lyrics, problems = parse_lrc("<00:01.00>floating\n")
    assert lyrics.lines == () and problems[0].line_number == 1


def test_plain_text_in_and_out() -> None:
    lyrics = from_text("[Verse]\r\nfirst line\n\nsecond line\n\n")
    assert [line.text for line in lyrics.lines] == ["[Verse]", "first line", "", "second line"]
    assert not lyrics.is_timed and len(lyrics.sung_indices()) == 2
    assert write_text(lyrics) == "[Verse]\nfirst line\n\nsecond line\n"
    assert parse_lrc(write_text(lyrics))[0] == lyrics  # plain text is untimed LRC


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[00:05.00]b\n[00:02.00]a\n", "out of order"),
        ("[00:02.00]a\n[00:02.00]b\n", "overlap"),
        ("[00:01.00]<00:01.00>a <00:03.00>b\n[00:02.00]c\n", "overlap"),
        ("[00:01.00]<00:01.50>a <00:01.20>b\n", "out of order"),
        ("[00:01.00]a\n[00:31.00]b\n", "after the song ends"),
    ],
)
def test_impossible_times_are_refused_with_a_sentence(text: str, words: str) -> None:
    lyrics, problems = parse_lrc(text)
    assert problems == []
    with pytest.raises(LyricsError, match=words) as info:
        check_times(lyrics, duration=30.0)
    assert str(info.value).endswith(".")


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="<>\x85"),
    max_size=40,
).map(str.strip)
# LRC has no escapes: a text that itself starts with a time tag cannot be told from one.
_TEXT = _TEXT.filter(lambda text: not re.match(r"\[\s*[-\d]", text))
_CENTIS = st.integers(min_value=0, max_value=99 * 6000)


@st.composite
def _timed_lyrics(draw) -> Lyrics:
    starts = sorted(draw(st.lists(_CENTIS, min_size=1, max_size=12, unique=True)))
    lines = []
    for start in starts:
        text = draw(_TEXT)
        if draw(st.booleans()) and text:  # enhanced: the text cut into timed words
            cuts = sorted(draw(st.sets(st.integers(1, max(1, len(text) - 1)), max_size=3)))
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True) if text[a:b]]
            pieces[-1] = pieces[-1].rstrip()
            pieces = [p for p in pieces if p]
            if pieces and not pieces[0][0].isspace():
                times = [start + i for i in range(len(pieces))]
                words = tuple(Word(p, t / 100) for p, t in zip(pieces, times, strict=True))
                line_text = "".join(pieces).strip()
                lines.append(LyricLine(line_text, start / 100, words, (times[-1] + 1) / 100))
                continue
        lines.append(LyricLine(text, start / 100))
    return Lyrics(tuple(lines))


@given(_timed_lyrics())
def test_any_timed_text_round_trips(lyrics: Lyrics) -> None:
    again, problems = parse_lrc(write_lrc(lyrics))
    assert problems == []
    assert [(line.text, line.start) for line in again.lines] == [(line.text, line.start) for line in lyrics.lines]
    assert [[(w.text, w.start) for w in line.words] for line in again.lines] == [
        [(w.text, w.start) for w in line.words] for line in lyrics.lines
    ]


@given(st.lists(_TEXT.filter(lambda t: not t.startswith("[")), max_size=20))
def test_any_plain_text_round_trips(lines: list[str]) -> None:
    while lines and not lines[-1]:
        lines.pop()
    lyrics = from_text("\n".join(lines))
    assert [line.text for line in lyrics.lines] == lines
    assert parse_lrc(write_text(lyrics)) == (lyrics, [])


@given(st.text(max_size=300) | st.text(alphabet="[]<>:.0123456789 ab\n-+#", max_size=300))
def test_any_text_reads_without_crashing_and_problems_name_real_lines(text: str) -> None:
    lyrics, problems = parse_lrc(text)
    lines_in_file = len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    assert all(1 <= p.line_number <= lines_in_file and p.message for p in problems)
    try:
        check_times(lyrics, duration=60.0)
    except LyricsError as exc:
        assert str(exc).endswith(".")
