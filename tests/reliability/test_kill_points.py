"""SIGKILL the app at every state of a job in turn; one restart (`retake jobs resume --all`) finishes them all.

A separately started local engine (in this test process, so its faults can be switched while the app
runs) holds each job in the state under test: a slow first answer keeps an upload, a first poll or a
download waiting. The state is read from the app's SQLite store, then the process is killed. Afterwards
every job is DONE, the engine accepted exactly one job per prompt (nothing paid twice), no ``.part``
file is left anywhere and every take decodes.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.audio import load
from desktop_app.engine import LocalEngine
from tests.reliability.support import engine_submits, leftover_parts, wait_for
from tests.support.audio_files import tone, write
from tests.support.cli import ROOT, retake, retake_env

# 60 s of stereo WAV is 10.6 MB: more than the loopback socket buffers hold, so an upload the engine
# does not read yet really stops part-way.
SONG_SECONDS = 60.0


@pytest.fixture(scope="module")
def kill_engine(tmp_path_factory):
    with LocalEngine(data_dir=tmp_path_factory.mktemp("kill-engine"), faults="") as running:
        yield running


def job_row(db: Path, prompt: str) -> dict | None:
    if not db.exists():
        return None
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            con.row_factory = sqlite3.Row
            rows = [dict(r) for r in con.execute("SELECT * FROM jobs")]
    except sqlite3.OperationalError:  # the schema may not be there yet
        return None
    return next((r for r in rows if json.loads(r["params"]).get("prompt") == prompt), None)


class App:
    """The app as a subprocess on ``home``, killed once the job reaches a state."""

    def __init__(self, tmp: Path, engine: LocalEngine) -> None:
        self.home = tmp / "home"
        self.db = self.home / "data" / "jobs.sqlite3"
        self.engine = engine
        self.song = write(tmp / "song.wav", tone(int(44100 * SONG_SECONDS), 2), 44100, "WAV", "PCM_16")
        self.out = tmp / "takes"

    def start(self, prompt: str, *, driver: bool = False, hold_draft: bool = False) -> subprocess.Popen:
        common = [str(self.song), "--engine", self.engine.base_url, f"--api-key={self.engine.api_key}",
                  "--prompt", prompt, "--out", str(self.out / prompt.replace(" ", "-"))]  # fmt: skip
        if driver:
            argv = [sys.executable, "-m", "tests.reliability.kill_driver", *common]
            argv += ["--hold-draft"] if hold_draft else []
        else:
            argv = [sys.executable, "-m", "desktop_app", "inpaint", *common, "--start", "1", "--end", "2"]
        return subprocess.Popen(argv, cwd=ROOT, env=retake_env(self.home), stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip

    def kill_at(self, prompt: str, state: str, *, faults: str | None = None, driver: bool = False,
                extra=lambda row: True) -> dict:  # fmt: skip
        self.engine.set_faults(faults)
        proc = self.start(prompt, driver=driver, hold_draft=state == "draft")
        try:

            def reached():
                row = job_row(self.db, prompt)
                return row if row and row["state"] == state and extra(row) else None

            wait_for(lambda: reached() or proc.poll() is not None, timeout=60, what=f"state {state}", step=0.002)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdin.close()
            self.engine.set_faults(None)  # whatever was not used up must not slow the restart
        assert proc.returncode == -signal.SIGKILL, "the app ended before it could be killed"
        row = job_row(self.db, prompt)
        assert row["state"] == state  # killed in that state, not after it
        return row


@pytest.mark.slow
def test_sigkill_at_every_state_then_resume_finishes_every_job(tmp_path: Path, kill_engine: LocalEngine) -> None:
    app = App(tmp_path, kill_engine)
    killed: dict[str, dict] = {}

    # draft: stored, nothing sent yet.
    killed["draft"] = app.kill_at("kill draft", "draft", driver=True)
    # uploading: the engine answers the paid POST only after 2 s, so the 10 MB upload stalls part-way.
    killed["uploading"] = app.kill_at("kill uploading", "uploading", faults="inpaint:slow=2",
                                      extra=lambda row: row["submit_sent_at"] is None)  # fmt: skip
    # submitted: the engine has the job (ids stored); the first poll hangs.
    killed["submitted"] = app.kill_at("kill submitted", "submitted", faults="byid:slow=30",
                                      extra=lambda row: row["task_id"] is not None)  # fmt: skip
    # running: a poll said "processing" while the engine still works (fast polls, a 1 s job).
    killed["running"] = app.kill_at("kill running", "running", driver=True)
    # downloading: the engine finished; the first take's file answers late.
    killed["downloading"] = app.kill_at("kill downloading", "downloading", faults="files:slow=30")
    # downloading, mid-file: killed while a take is half on disk as its .part file.
    killed["mid-file"] = app.kill_at("kill mid-file", "downloading",
                                     extra=lambda row: leftover_parts(app.out / "kill-mid-file"))  # fmt: skip
    assert leftover_parts(app.out / "kill-mid-file"), "the kill should have left a half-written file behind"

    assert killed["uploading"]["submit_sent_at"] is None and not killed["uploading"]["task_id"]
    for name in ("draft", "uploading"):
        assert engine_submits(kill_engine.data_dir, f"kill {name}") == 0
    for name in ("submitted", "running", "downloading", "mid-file"):
        assert engine_submits(kill_engine.data_dir, f"kill {name}") == 1

    # The restart: every unfinished job is finished, polling those the engine has.
    resumed = retake(app.home, "jobs", "resume", "--all", f"--api-key={kill_engine.api_key}", timeout=240)
    assert resumed.returncode == 0, resumed.stderr
    for name, before in killed.items():
        prompt = f"kill {name}"
        row = job_row(app.db, prompt)
        assert row["state"] == "done", (name, row["error_message"])
        assert engine_submits(kill_engine.data_dir, prompt) == 1, name  # sent once, whatever the kill
        if before["task_id"]:
            assert row["task_id"] == before["task_id"]  # the same service job, polled
        out = app.out / prompt.replace(" ", "-")
        takes = sorted(out.glob("take-*.wav"))
        assert [p.name for p in takes] == ["take-1.wav", "take-2.wav"], name
        assert all(load(p).duration == pytest.approx(SONG_SECONDS, abs=0.01) for p in takes)
        assert json.loads((out / "job.json").read_text())["state"] == "done"
    assert leftover_parts(tmp_path) == [] and leftover_parts(kill_engine.data_dir) == []

    again = retake(app.home, "jobs", "list", "--unfinished", "--json")
    assert again.stdout.strip() == ""
