"""A logout (SIGTERM) or Ctrl+C in the terminal (SIGINT) closes the running app as the producer would:
its log says so, it exits 0, and the local engine's worker processes leave nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import WAIT_MS


def _wait_for_line(log: Path, text: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_MS / 1000 * 3
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(encoding="utf-8"):
            return
        if proc.poll() is not None:
            pytest.fail(f"the app ended before logging {text!r}: {proc.communicate()[1]}")
        time.sleep(0.05)  # a log line is what the process shows the world; looked at 20 times a second
    pytest.fail(f"the app never logged {text!r}")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_closes_the_app_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "RETAKE_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "RETAKE_ENGINE_AUTOSTART": "1",  # the engine and its worker processes run when the signal comes
    }
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", "--demo"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)  # fmt: skip
    log = home / "logs" / "retake.log"
    try:
        _wait_for_line(log, "local engine at", proc)
        os.killpg(proc.pid, stop)  # to the whole group, engine workers included, as a terminal's Ctrl+C
        _out, err = proc.communicate(timeout=WAIT_MS / 1000 * 3)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    text = log.read_text(encoding="utf-8")
    assert f"{stop.name} received: closing the window" in text and "Main loop ended" in text
    assert "leaked" not in err and "Traceback" not in err, err
