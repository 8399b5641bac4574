"""Every operation from the command line on the local engine, as a producer runs it (subprocesses)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.support.audio_files import tone, write
from tests.support.cli import retake


@pytest.fixture
def song(tmp_path: Path) -> Path:
    return write(tmp_path / "song.wav", tone(44100 * 6, 2), 44100, "WAV", "PCM_16")


OPERATIONS = {
    "inpaint": ["--start", "1.5", "--end", "3", "--prompt", "a soft guitar fill", "--lyrics", "la la la",
                "--lyrics-section", "la", "--gender", "female"],
    "remix": ["--prompt", "lo-fi with chill beats", "--gender", "neutral"],
    "sing-over": ["--prompt", "soulful", "--lyrics", "never mind, I'll find someone like you"],
    "cover": ["--voice", "local-warm-tenor", "--pitch", "-2"],
    "extend": ["--after", "3", "--prompt", "a long outro", "--gender", "male"],
    "add-vocals": ["--prompt", "calm vocals", "--style", "Jazz", "--title", "Night", "--negative-tags", "Metal",
                   "--gender", "female", "--style-weight", "0.61", "--weirdness", "0.5", "--audio-weight", "0.65"],
}  # fmt: skip
TAKES = {"inpaint": 2, "remix": 2, "sing-over": 2, "cover": 1, "add-vocals": 2, "extend": 2}


@pytest.mark.slow
@pytest.mark.parametrize("command", list(OPERATIONS))
def test_operation_runs_end_to_end_on_the_local_engine(tmp_path: Path, song: Path, command: str) -> None:
    out = tmp_path / "takes"
    before = song.read_bytes()
    proc = retake(tmp_path / "home", command, str(song), "--out", str(out), *OPERATIONS[command])
    assert proc.returncode == 0, proc.stderr
    takes = [Path(line) for line in proc.stdout.splitlines()]
    assert len(takes) == TAKES[command] and all(p.parent == out and p.stat().st_size > 1000 for p in takes)
    summary = json.loads((out / "job.json").read_text(encoding="utf-8"))
    assert summary["state"] == "done" and summary["engine"] == "local"
    assert [t["file"] for t in summary["takes"]] == [p.name for p in takes]
    assert all(t["duration_seconds"] > 0 for t in summary["takes"])
    assert summary["service"]["task_id"]
    assert "[done]" in proc.stderr and "uploading" in proc.stderr
    assert song.read_bytes() == before  # the source is never written


@pytest.mark.slow
def test_extend_keeps_the_original_to_the_bit_before_the_point(tmp_path: Path, song: Path) -> None:
    from desktop_app.audio import load

    out = tmp_path / "takes"
    proc = retake(tmp_path / "home", "extend", str(song), "--after", "2.5", "--prompt", "more", "--takes", "1",
                  "--out", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    [take] = [Path(line) for line in proc.stdout.splitlines()]
    source, made = load(song).samples, load(take).samples
    after = round(2.5 * 44100)
    assert np.array_equal(made[:after], source[:after]) and made.shape[0] > after
    proc = retake(tmp_path / "home", "extend", str(song), "--after", "7", "--prompt", "more")
    assert proc.returncode == 2 and "after the track ends" in proc.stderr


def test_invalid_input_is_refused_before_anything_is_sent(tmp_path: Path, song: Path) -> None:
    home = tmp_path / "home"
    proc = retake(home, "inpaint", str(song), "--start", "4", "--end", "9", "--prompt", "x")
    assert proc.returncode == 2
    assert "after the track ends" in proc.stderr
    proc = retake(home, "remix", str(song), "--prompt", "x", "--lyrics", "a" * 2001)
    assert proc.returncode == 2 and "2001 characters" in proc.stderr
    proc = retake(home, "cover", str(song), "--voice", "v", "--pitch", "13")
    assert proc.returncode == 2 and "between -12 and 12" in proc.stderr
    notes = tmp_path / "notes.wav"
    notes.write_text("not audio")
    proc = retake(home, "remix", str(notes), "--prompt", "x")
    assert proc.returncode == 2 and "notes.wav" in proc.stderr
    proc = retake(home, "add-vocals", str(song), "--prompt", "p", "--style", "s", "--title", "t", "--negative-tags",
                  "n", "--engine", "musicgpt")  # fmt: skip
    assert proc.returncode == 2 and "sunoapi.org" in proc.stderr
    proc = retake(home, "remix", str(song), "--prompt", "x", "--engine", "http://example.com")
    assert proc.returncode == 2 and "http://" in proc.stderr
    assert not (home / "data" / "engine" / "jobs").exists() or not list((home / "data" / "engine" / "jobs").iterdir())


def test_no_credits_on_the_engine_fails_with_what_to_do(tmp_path: Path, song: Path) -> None:
    proc = retake(tmp_path / "home", "remix", str(song), "--prompt", "x", RETAKE_ENGINE_FAULTS="remix:402")
    assert proc.returncode == 1
    assert "run out of credits" in proc.stderr and "Traceback" not in proc.stderr


def test_rate_limit_is_retried_and_the_job_still_finishes(tmp_path: Path, song: Path) -> None:
    proc = retake(tmp_path / "home", "cover", str(song), "--voice", "local-warm-tenor",
                  RETAKE_ENGINE_FAULTS="byid:429@1x2")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("retrying in 1 s") == 2


def test_a_real_engine_without_a_key_says_where_to_put_one(tmp_path: Path, song: Path) -> None:
    proc = retake(tmp_path / "home", "remix", str(song), "--prompt", "x", "--engine", "musicgpt",
                  PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")  # fmt: skip
    assert proc.returncode == 2
    assert "No API key for MusicGPT" in proc.stderr and "RETAKE_MUSICGPT_API_KEY" in proc.stderr
    assert "no jobs" in retake(tmp_path / "home", "jobs", "list").stderr  # nothing was recorded


def test_credits_prints_the_balance(tmp_path: Path) -> None:
    proc = retake(tmp_path / "home", "credits", "--engine", "local")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1000000"


def test_voices_lists_and_searches(tmp_path: Path) -> None:
    proc = retake(tmp_path / "home", "voices", "--json", "--limit", "3")
    assert proc.returncode == 0, proc.stderr
    voices = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(voices) == 3 and all(v["voice_id"] for v in voices)
    name = voices[0]["voice_name"].split()[0]
    found = retake(tmp_path / "home", "voices", "--search", name, "--json")
    assert voices[0]["voice_id"] in found.stdout
