"""A CLI job killed (SIGKILL) after the service took it is finished by `retake jobs resume`, never resent."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.audio_files import tone, write
from tests.support.cli import ROOT, retake, retake_env


def wait_for(condition, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)  # polling a condition with a deadline, not a fixed wait
    raise AssertionError(f"timed out waiting for {what}")


def job_with_ids(db: Path):
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT id, task_id, state FROM jobs WHERE task_id IS NOT NULL").fetchone()
    except sqlite3.OperationalError:  # the schema may not be there yet
        return None


def engine_submits(home: Path) -> int:
    return len(list((home / "data" / "engine" / "jobs").glob("*.json")))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "args"),
    [("remix", ["--prompt", "lo-fi"]),
     ("add-vocals", ["--prompt", "p", "--style", "Jazz", "--title", "T", "--negative-tags", "Metal"])],
)  # fmt: skip
def test_killed_after_submit_then_resumed_pays_once(tmp_path: Path, command: str, args: list[str]) -> None:
    home = tmp_path / "home"
    song = write(tmp_path / "song.wav", tone(44100 * 5, 2), 44100, "WAV", "PCM_16")
    out = tmp_path / "takes"
    # The first status poll is slow, so the process is surely still polling when it is killed.
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", command, str(song), "--out", str(out), *args],
        cwd=ROOT,
        env=retake_env(home, RETAKE_ENGINE_FAULTS="byid:slow=30x1,record-info:slow=30x1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        job_id, task_id, state = wait_for(lambda: job_with_ids(home / "data" / "jobs.sqlite3"), what="the job's ids")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert state in ("submitted", "running")
    assert engine_submits(home) == 1
    assert not (out / "job.json").exists()

    listed = retake(home, "jobs", "list", "--json")
    assert json.loads(listed.stdout.splitlines()[0])["state"] in ("submitted", "running")

    resumed = retake(home, "jobs", "resume", "--all")
    assert resumed.returncode == 0, resumed.stderr
    assert engine_submits(home) == 1  # polled, not resubmitted
    summary = json.loads((out / "job.json").read_text(encoding="utf-8"))
    assert (summary["job_id"], summary["state"], summary["service"]["task_id"]) == (job_id, "done", task_id)
    assert len(resumed.stdout.splitlines()) == 2
    assert "uploading" not in resumed.stderr

    again = retake(home, "jobs", "resume", job_id[:6])
    assert again.returncode == 0 and engine_submits(home) == 1


def test_resume_of_an_unknown_job(tmp_path: Path) -> None:
    proc = retake(tmp_path / "home", "jobs", "resume", "nope")
    assert proc.returncode == 2 and "no job" in proc.stderr
    assert "nothing to resume" in retake(tmp_path / "home", "jobs", "resume", "--all").stderr
