"""Real playback through PortAudio into a PulseAudio null sink, recorded back from its monitor.

Runs only where a PulseAudio server with a ``nullsink`` is up (see docs/platform notes):
``pulseaudio -D --exit-idle-time=-1 -n --load="module-null-sink sink_name=nullsink"
--load=module-native-protocol-unix``. Elsewhere it is skipped.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from desktop_app.services.player import Player
from tests.support import WAIT_MS

RATE = 44100


def _point_at_the_real_server() -> None:
    """tests/conftest.py moves HOME into a sandbox; the pulse client finds its server through HOME."""
    if "PULSE_SERVER" in os.environ:
        return
    real_home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    sockets = sorted((real_home / ".config" / "pulse").glob("*-runtime/native"))
    if sockets:
        os.environ["PULSE_SERVER"] = f"unix:{sockets[0]}"
        cookie = real_home / ".config" / "pulse" / "cookie"
        if cookie.exists():
            os.environ["PULSE_COOKIE"] = str(cookie)


def _null_sink_available() -> bool:
    if not (shutil.which("pactl") and shutil.which("parec")):
        return False
    _point_at_the_real_server()
    result = subprocess.run(["pactl", "list", "short", "sinks"], capture_output=True, text=True, timeout=10)
    return result.returncode == 0 and "nullsink" in result.stdout


pytestmark = [
    pytest.mark.realaudio,
    pytest.mark.skipif(not _null_sink_available(), reason="no PulseAudio null sink running"),
]


def test_what_the_player_plays_reaches_the_device(qtbot, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("RETAKE_AUDIO_OUTPUT", "device")
    player = Player()
    t = np.arange(RATE * 6) / RATE
    tone = (0.3 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)[:, None].repeat(2, axis=1)
    player.set_source(tone, RATE, keep_position=False)
    capture = tmp_path / "capture.raw"
    with capture.open("wb") as sink:
        recorder = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", "--format=s16le", f"--rate={RATE}", "--channels=1", "--raw"],
            stdout=sink,
        )
        try:
            player.play()
            assert not player.is_silent, player.status_message
            qtbot.waitUntil(lambda: player.position > 1.5, timeout=WAIT_MS)  # the first stream starts late
        finally:
            recorder.terminate()
            recorder.wait(timeout=10)
            player.shutdown()
    recorded = np.frombuffer(capture.read_bytes(), np.int16).astype(np.float32)
    assert recorded.size > RATE // 2
    spectrum = np.abs(np.fft.rfft(recorded * np.hanning(recorded.size)))
    peak_hz = np.argmax(spectrum) * RATE / recorded.size
    assert peak_hz == pytest.approx(440.0, abs=2.0)
