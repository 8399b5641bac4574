"""Real playback through PortAudio into a PulseAudio null sink, recorded back from its monitor.

The test starts its own PulseAudio daemon (a private socket and runtime folder, a ``nullsink``)
and points PortAudio's ALSA ``pulse`` plugin at it, so it needs no session audio and disturbs
none. Where ``pulseaudio`` is not installed or will not start, it is skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from desktop_app.audio.splice import splice
from desktop_app.services.player import Player
from tests.support import WAIT_MS

RATE = 44100
pytestmark = pytest.mark.realaudio


@pytest.fixture(scope="module")
def null_sink(tmp_path_factory):
    """A private PulseAudio server with one null sink; yields its address."""
    if not (shutil.which("pulseaudio") and shutil.which("pactl") and shutil.which("parec")):
        pytest.skip("pulseaudio and pulseaudio-utils are not installed")
    runtime = Path(tmp_path_factory.mktemp("pulse"))
    server = f"unix:{runtime}/native"
    env = dict(os.environ, HOME=str(runtime), PULSE_RUNTIME_PATH=str(runtime))
    daemon = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr",
         "--load=module-null-sink sink_name=nullsink",
         f"--load=module-native-protocol-unix socket={runtime}/native auth-anonymous=1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while True:  # a daemon start is a process, not a Qt signal: poll its socket with a deadline
        probe = subprocess.run(["pactl", "-s", server, "info"], capture_output=True, timeout=10)
        if probe.returncode == 0:
            break
        if daemon.poll() is not None or time.monotonic() > deadline:
            daemon.kill()
            reason = daemon.stderr.read().decode(errors="replace").strip().splitlines()[-1:] if daemon.stderr else []
            pytest.skip(f"could not start a PulseAudio daemon: {' '.join(reason) or 'no answer'}")
        with contextlib.suppress(subprocess.TimeoutExpired):
            daemon.wait(timeout=0.1)  # returns at once if the daemon died
    previous = os.environ.get("PULSE_SERVER")
    os.environ["PULSE_SERVER"] = server
    _rescan_portaudio()
    yield server
    if previous is None:
        os.environ.pop("PULSE_SERVER", None)
    else:
        os.environ["PULSE_SERVER"] = previous
    daemon.terminate()
    daemon.wait(timeout=10)
    _rescan_portaudio()


def _rescan_portaudio() -> None:
    """PortAudio lists devices once; make it look again now that the server exists (or is gone)."""
    import sounddevice as sd

    sd._terminate()
    sd._initialize()


def _song(seconds: float, chord: tuple[float, ...], level: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    tones = sum(np.sin(2 * np.pi * hz * t + i) for i, hz in enumerate(chord)) / len(chord)
    return np.stack([level * tones, 0.9 * level * tones], axis=1).astype(np.float32)


def _record(server: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        ["parec", "-s", server, "-d", "nullsink.monitor", "--format=float32le", f"--rate={RATE}", "--channels=2",
         "--raw", "--latency-msec=20"],
        stdout=path.open("wb"),
    )  # fmt: skip


def test_switching_and_looping_through_a_real_device_is_click_and_dropout_free(
    qtbot, monkeypatch, tmp_path, null_sink
) -> None:
    monkeypatch.setenv("RETAKE_AUDIO_OUTPUT", "device")
    original = _song(12, (110.0, 165.0), 0.3)
    region = (4 * RATE, 6 * RATE)
    sources = {"original": original}
    for n, (chord, level) in enumerate((((123.5, 185.0), 0.4), ((98.0, 147.0, 196.0), 0.2)), start=1):
        sources[f"take{n}"] = splice(original, _song(12, chord, level), *region, RATE)
    own_step = max(float(np.abs(np.diff(s, axis=0)).max()) for s in sources.values())

    player = Player()
    player.set_sources(sources, RATE, select="original", keep_position=False)
    player.set_loop_range(4.0, 5.5, preroll=0.5)
    player.set_loop_enabled(True)
    capture = tmp_path / "capture.f32"
    recorder = _record(null_sink, capture)
    switches = 0
    try:
        player.play()
        assert not player.is_silent, player.status_message
        qtbot.waitUntil(lambda: 3.6 < player.position < 5.5, timeout=WAIT_MS)  # the first stream starts late
        for key in ["take1", "take2", "original", "take1", "take2", "original"] * 3:
            position = player.position
            qtbot.waitUntil(lambda p=position: abs(player.position - p) > 0.23, timeout=WAIT_MS)
            player.select_source(key)
            switches += 1
        qtbot.waitUntil(lambda: abs(player.position - 5.0) < 0.2, timeout=WAIT_MS)
    finally:
        recorder.terminate()
        recorder.wait(timeout=10)
        player.shutdown()

    recorded = np.frombuffer(capture.read_bytes()[: capture.stat().st_size // 8 * 8], np.float32).reshape(-1, 2)
    sounding = np.flatnonzero(np.abs(recorded).max(axis=1) > 1e-4)
    assert sounding.size > RATE, "the device received almost nothing"
    music = recorded[sounding[0] : sounding[-1] + 1]
    quiet = np.abs(music).max(axis=1) < 1e-4
    longest_gap = _longest_run(quiet)
    steps = np.abs(np.diff(music, axis=0)).max()
    print(f"\n{switches} switches and {music.shape[0] / RATE:.1f} s of looping through a device: largest step "
          f"{steps / own_step:.2f}× the music's own, longest silence {1000 * longest_gap / RATE:.1f} ms, "
          f"underruns {player.underruns}")  # fmt: skip
    assert longest_gap < 0.005 * RATE, "playback dropped out"
    assert steps <= own_step * 1.02 + 1e-4  # float32 ↔ s16 through the sink adds a hair of quantisation


def _longest_run(mask: np.ndarray) -> int:
    if not mask.any():
        return 0
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return int((np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)).max())
