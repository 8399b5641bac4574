"""``python -m desktop_app info`` as a producer runs it: a JSON line per file, errors told, the run goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.support.audio_files import tone, write

ROOT = Path(__file__).resolve().parents[1]


def _run_info(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "info", *map(str, files)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=120,
    )


def test_info_reports_each_file_and_continues_after_a_bad_one(tmp_path: Path):
    good_wav = write(tmp_path / "good.wav", tone(44100 + 17, 2), 44100, "WAV", "PCM_24")
    bad_wav = tmp_path / "bad.wav"
    bad_wav.write_text("this is a note, not a song\n" * 10)
    good_flac = write(tmp_path / "good.flac", tone(48000 * 2, 1, 48000), 48000, "FLAC", "PCM_16")

    proc = _run_info(good_wav, bad_wav, good_flac)

    assert proc.returncode != 0
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["path"] for line in lines] == [str(good_wav), str(bad_wav), str(good_flac)]
    first, bad, last = lines
    assert first == {
        "path": str(good_wav),
        "format": "WAV",
        "subtype": "PCM_24",
        "bit_depth": 24,
        "sample_rate": 44100,
        "channels": 2,
        "frames": 44117,
        "duration_seconds": round(44117 / 44100, 6),
    }
    assert (last["format"], last["sample_rate"], last["channels"], last["frames"]) == ("FLAC", 48000, 1, 96000)
    assert last["duration_seconds"] == 2.0
    assert set(bad) == {"path", "error"} and "text file, not audio" in bad["error"]
    assert "bad.wav" in proc.stderr and "Traceback" not in proc.stderr


def test_info_on_good_files_only_exits_zero(tmp_path: Path):
    path = write(tmp_path / "ok.aiff", tone(8000, 1, 8000), 8000, "AIFF", "PCM_16")
    proc = _run_info(path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["duration_seconds"] == 1.0


def test_info_on_a_missing_file_and_nan_file(tmp_path: Path):
    nan = tone(100, 1)
    nan[3] = np.nan
    nan_path = write(tmp_path / "nan.wav", nan, 44100, "WAV", "FLOAT")
    proc = _run_info(tmp_path / "gone.wav", nan_path)
    assert proc.returncode == 1
    errors = [json.loads(line)["error"] for line in proc.stdout.splitlines()]
    assert "does not exist" in errors[0] and "NaN or infinity" in errors[1]
    assert "Traceback" not in proc.stderr
