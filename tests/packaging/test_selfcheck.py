"""``retake --self-check``: its report, its exit code, and how it reacts to each missing part."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.commands import selfcheck

ROOT = Path(__file__).resolve().parents[2]
CHECK_NAMES = {
    "retake", "python", "qt", "audio output", "ffmpeg", "libsndfile",
    "certificates", "keyring", "demo song", "modules",
}  # fmt: skip


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The command a producer types, in a fresh interpreter (self-check caches nothing across runs)."""
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
    )


def status_of(output: str, name: str) -> str:
    for line in output.splitlines():
        status, _, rest = line.partition("  ")
        if rest.strip().startswith(name + " ") or rest.strip() == name:
            return status.strip()
    raise AssertionError(f"no '{name}' line in:\n{output}")


def test_complete_install_reports_every_part_and_exits_zero():
    proc = run_cli("--self-check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in CHECK_NAMES - {"audio output", "keyring"}:
        assert status_of(proc.stdout, name) == "ok", name
    assert status_of(proc.stdout, "audio output") in {"ok", "warn"}
    assert __version__ in proc.stdout
    assert proc.stdout.rstrip().endswith("Retake is ready.")


def test_missing_ffmpeg_fails_and_is_named():
    proc = run_cli("--self-check", RETAKE_FFMPEG="/nonexistent")
    assert proc.returncode == 1
    assert status_of(proc.stdout, "ffmpeg") == "FAIL"
    assert "/nonexistent" in proc.stdout
    assert proc.stdout.rstrip().endswith("Retake is missing something it needs: ffmpeg.")


def test_json_report_lists_every_check():
    proc = run_cli("self-check", "--json", RETAKE_FFMPEG="/nonexistent")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and report["ok"] is False
    assert {c["name"] for c in report["checks"]} == CHECK_NAMES
    failed = [c["name"] for c in report["checks"] if c["status"] == "FAIL"]
    assert failed == ["ffmpeg"]


def test_no_system_keyring_is_a_warning_not_a_failure():
    proc = run_cli("--self-check", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    assert proc.returncode == 0, proc.stdout
    assert status_of(proc.stdout, "keyring") == "warn"
    assert "keys will be asked each session" in proc.stdout


def test_silent_output_setting_is_reported():
    status, detail = selfcheck.check_audio_output()  # conftest sets RETAKE_AUDIO_OUTPUT=silent
    assert (status, detail) == (selfcheck.OK, "silent clock (RETAKE_AUDIO_OUTPUT=silent)")


def test_no_audio_device_is_a_warning(monkeypatch):
    sounddevice = pytest.importorskip("sounddevice")
    monkeypatch.delenv("RETAKE_AUDIO_OUTPUT", raising=False)

    def no_device(*args, **kwargs):
        raise sounddevice.PortAudioError("Error querying device -1")

    monkeypatch.setattr(sounddevice, "query_devices", no_device)
    status, detail = selfcheck.check_audio_output()
    assert status == selfcheck.WARN
    assert detail.startswith("silent clock (no audio device)")


def test_missing_demo_song_fails(monkeypatch, tmp_path):
    monkeypatch.setattr("desktop_app.paths.demo_song", lambda: tmp_path / "demo_song.flac")
    status, detail = selfcheck.check_demo_song()
    assert status == selfcheck.FAIL and "not found" in detail


def test_corrupt_demo_song_fails_with_the_reason(monkeypatch, tmp_path):
    broken = tmp_path / "demo_song.flac"
    broken.write_bytes(b"fLaC" + b"\0" * 100)
    monkeypatch.setattr("desktop_app.paths.demo_song", lambda: broken)
    result = selfcheck._guarded("demo song", selfcheck.check_demo_song)
    assert result.status == selfcheck.FAIL
    assert "Error" in result.detail  # the decoder's own message, e.g. "LibsndfileError: ..."


def test_a_check_that_crashes_is_reported_as_failed():
    def broken() -> tuple[str, str]:
        raise OSError("libfoo.so: cannot open shared object file")

    result = selfcheck._guarded("foo", broken)
    assert result == selfcheck.CheckResult("foo", selfcheck.FAIL, "OSError: libfoo.so: cannot open shared object file")


def test_libsndfile_round_trips_mp3():
    status, detail = selfcheck.check_libsndfile()
    assert status == selfcheck.OK and "MP3 read and write" in detail
