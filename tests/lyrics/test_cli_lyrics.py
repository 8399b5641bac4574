"""``retake lyrics`` and ``retake inpaint --lyrics-file --lines --new-words`` as a producer runs them."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.support.audio_files import write
from tests.support.cli import retake
from tests.support.songs import beat_song

BPM, DOWNBEAT = 120.0, 0.5  # bars of 2 s from 0.5 s
BAR = 60.0 / BPM * 4
LRC = """[ar:Nobody Here]
[Verse]
[00:01.30]first line
[00:03.70]second line
[00:07.15]third line
[00:1x.00]a line someone mistyped
[Chorus]
[00:10.40]<00:10.40>fourth <00:11.00>line
[00:13.00]
"""


@pytest.fixture
def song(tmp_path: Path) -> Path:
    return write(tmp_path / "song.wav", beat_song(30, bpm=BPM, first_downbeat=DOWNBEAT), 44100, "WAV", "PCM_16")


@pytest.fixture
def lrc(tmp_path: Path) -> Path:
    path = tmp_path / "song.lrc"
    path.write_text(LRC, encoding="utf-8")
    return path


def test_lyrics_prints_lines_with_times_and_reports_bad_lines(tmp_path: Path, lrc: Path) -> None:
    proc = retake(tmp_path / "home", "lyrics", str(lrc))
    assert proc.returncode == 0, proc.stderr
    assert "song.lrc: line 6: “[00:1x.00]” is not a time" in proc.stderr
    assert re.search(r"^\s+2\s+00:03\.70–00:07\.15\s+second line$", proc.stdout, re.M)
    proc = retake(tmp_path / "home", "lyrics", str(lrc), "--json")
    data = json.loads(proc.stdout)
    assert data["meta"] == {"ar": "Nobody Here"}
    assert data["problems"] == [
        {"line": 6, "message": "“[00:1x.00]” is not a time (write [mm:ss.xx]); the line was skipped"}
    ]
    sung = [row for row in data["lines"] if row["kind"] == "sung"]
    assert [(r["number"], r["start"], r["end"]) for r in sung] == [
        (1, 1.3, 3.7), (2, 3.7, 7.15), (3, 7.15, 10.4), (4, 10.4, 13.0)
    ]  # fmt: skip
    assert sung[3]["words"] == [{"text": "fourth ", "start": 10.4}, {"text": "line", "start": 11.0}]


def test_lyrics_refuses_times_out_of_order(tmp_path: Path) -> None:
    path = tmp_path / "bad.lrc"
    path.write_text("[00:05.00]later\n[00:02.00]earlier\n", encoding="utf-8")
    proc = retake(tmp_path / "home", "lyrics", str(path))
    assert proc.returncode == 2 and "out of order" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_inpaint_by_lines_derives_region_and_both_lyrics_fields(tmp_path: Path, song: Path, lrc: Path) -> None:
    out = tmp_path / "takes"
    new_words = "a brand new second line\nand a third"
    proc = retake(tmp_path / "home", "inpaint", str(song), "--lyrics-file", str(lrc), "--lines", "2-3",
                  "--new-words", new_words, "--prompt", "soft vocal", "--out", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "snapped to bars at 120 BPM" in proc.stderr and "- second line" in proc.stderr
    job = json.loads((out / "job.json").read_text(encoding="utf-8"))
    params = job["parameters"]
    span = (3.70, 10.40)  # line 2's start to where line 4 (after line 3) begins
    start, end = params["replace_start_at"], params["replace_end_at"]
    assert start <= span[0] and end >= span[1]  # the sung words are all inside
    assert span[0] - start < BAR and end - span[1] < BAR  # and no more than a bar beyond either side
    assert (start - DOWNBEAT) / BAR == pytest.approx(round((start - DOWNBEAT) / BAR), abs=0.01)  # on bar lines
    assert f"region {start:.3f}–{end:.3f} s" in proc.stderr
    assert params["lyrics_section_to_replace"] == new_words
    assert params["lyrics"] == "[Verse]\nfirst line\na brand new second line\nand a third\n[Chorus]\nfourth line\n"
    assert job["state"] == "done" and len(job["takes"]) == 2


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["--lines", "4-7"], "There is no line 7: the lyrics have 4 sung lines"),
        (["--lines", "two"], "is not a line range"),
        (["--lines", "1", "--start", "1"], "leave out --start"),
        (["--new-words", "x", "--start", "1", "--end", "2"], "--new-words needs --lines"),
    ],
)
def test_bad_lines_are_input_errors(tmp_path: Path, song: Path, lrc: Path, args: list[str], sentence: str) -> None:
    proc = retake(tmp_path / "home", "inpaint", str(song), "--lyrics-file", str(lrc), "--prompt", "p", *args)
    assert proc.returncode == 2, proc.stderr
    assert sentence in proc.stderr and "Traceback" not in proc.stderr
    assert "job " not in proc.stderr  # nothing was sent


def test_lines_past_the_song_end_are_refused(tmp_path: Path, song: Path) -> None:
    path = tmp_path / "long.lrc"
    path.write_text("[00:01.00]one\n[00:45.00]two\n", encoding="utf-8")
    proc = retake(tmp_path / "home", "inpaint", str(song), "--lyrics-file", str(path), "--lines", "1", "--prompt", "p")
    assert proc.returncode == 2 and "after the song ends" in proc.stderr
    proc = retake(tmp_path / "home", "inpaint", str(song), "--prompt", "p")
    assert proc.returncode == 2 and "--start and --end, or pick lyric lines" in proc.stderr


def test_lyrics_kept_with_a_song_are_checked_against_it_and_found_by_the_app(
    tmp_path: Path, song: Path, lrc: Path
) -> None:
    from desktop_app.lyrics.store import LyricsStore

    home = tmp_path / "home"
    proc = retake(home, "lyrics", str(lrc), "--song", str(song))
    assert proc.returncode == 0, proc.stderr
    assert "kept with song.wav" in proc.stderr
    assert re.search(r"^\s+4\s+00:10\.40–00:13\.00\s+fourth line$", proc.stdout, re.M)
    store = LyricsStore(Path(os.environ["RETAKE_DATA_DIR"]) / "lyrics")  # the data folder the command was given
    kept = store.load(LyricsStore.key_for(song))
    assert kept is not None and [line.text for line in kept.lines if line.is_sung][1] == "second line"
    late = tmp_path / "late.lrc"
    late.write_text("[00:01.00]one\n[00:45.00]two\n", encoding="utf-8")
    proc = retake(home, "lyrics", str(late), "--song", str(song))
    assert proc.returncode == 2 and "after the song ends" in proc.stderr
    assert store.load(LyricsStore.key_for(song)) == kept  # nothing was replaced
