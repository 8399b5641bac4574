"""The player on the silent clock (RETAKE_AUDIO_OUTPUT=silent): real speed, loops, seams, switching."""

from __future__ import annotations

import time
from typing import ClassVar

import numpy as np
import pytest

from desktop_app.services.player import Player

RATE = 44100


@pytest.fixture
def player(qapp):
    p = Player()
    p.set_source(np.zeros((RATE * 20, 2), np.float32), RATE, keep_position=False)
    yield p
    p.shutdown()


def test_silent_clock_is_reported(player: Player) -> None:
    assert player.is_silent
    assert "silent clock" in player.status_message


def test_position_advances_at_real_speed_with_frequent_updates(qtbot, player: Player) -> None:
    updates: list[float] = []
    player.position_changed.connect(updates.append)
    started = time.monotonic()
    player.play()
    qtbot.waitUntil(lambda: player.position >= 0.5, timeout=3000)
    elapsed = time.monotonic() - started
    player.pause()
    assert player.position == pytest.approx(elapsed, abs=0.1)
    assert len(updates) >= 0.5 * 30 * 0.8  # at least ~30 updates a second (some slack for a busy CI)
    assert player.state == "paused"


def test_loop_stays_inside_the_selection(qtbot, player: Player) -> None:
    player.set_loop_range(2.0, 2.3)
    player.set_loop_enabled(True)
    player.seek(1.0)  # outside: playback starts at the loop
    seen: list[float] = []
    player.position_changed.connect(seen.append)
    player.play()
    qtbot.waitUntil(lambda: len(seen) > 40, timeout=5000)  # > 0.6 s: several passes of a 0.3 s loop
    player.pause()
    assert min(seen) >= 2.0 - 1e-9
    assert max(seen) <= 2.3 + 1e-9
    assert player.is_playing is False


def test_seams_then_stop(qtbot, player: Player) -> None:
    seen: list[float] = []
    player.position_changed.connect(seen.append)
    with qtbot.waitSignal(player.state_changed, timeout=3000, check_params_cb=lambda s: s == "stopped"):
        player.play_seams(5.0, 10.0, context=0.2)
    inside = [t for t in seen if 4.8 - 1e-6 <= t <= 5.2 + 1e-6 or 9.8 - 1e-6 <= t <= 10.2 + 1e-6]
    assert len(inside) == len(seen)
    assert any(t < 5.2 for t in seen) and any(t > 9.8 for t in seen)


def test_switching_sources_keeps_position(player: Player) -> None:
    a = np.zeros((RATE * 20, 2), np.float32)
    player.set_sources({"original": a, "take 1": a + 0.1}, RATE, select="original")
    player.seek(7.5)
    player.select_source("take 1")
    assert player.source_key == "take 1"
    assert player.position == pytest.approx(7.5)


def test_stop_rewinds_to_the_loop_start(player: Player) -> None:
    player.set_loop_range(3.0, 4.0)
    player.set_loop_enabled(True)
    player.seek(3.5)
    player.stop()
    assert player.position == pytest.approx(3.0)
    player.set_loop_enabled(False)
    player.stop()
    assert player.position == 0.0


class _Status:
    def __init__(self, underflow: bool) -> None:
        self.output_underflow = underflow


def test_underruns_are_counted_and_logged(qtbot, player: Player, caplog) -> None:
    """The callback counts PortAudio's underflow flags; the GUI thread logs them (never the audio thread)."""
    out = np.zeros((512, 2), np.float32)
    player.play()
    for underflow in (False, True, True, False):
        player._callback(out, 512, None, _Status(underflow))
    assert player.underruns == 2
    with caplog.at_level("WARNING", logger="desktop_app.services.player"):
        qtbot.waitUntil(lambda: "underrun: 2 so far" in caplog.text, timeout=3000)


class _FakeStream:
    """Stands in for sounddevice.OutputStream: records how it was opened and reports a latency."""

    opened: ClassVar[dict] = {}

    def __init__(self, **kwargs) -> None:
        _FakeStream.opened = kwargs
        self.latency = 0.2
        self.device = 0

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_the_stream_is_opened_safe_and_the_playhead_allows_for_its_latency(qapp, monkeypatch) -> None:
    import sounddevice

    monkeypatch.setenv("RETAKE_AUDIO_OUTPUT", "device")
    monkeypatch.setattr(sounddevice, "OutputStream", _FakeStream)
    player = Player()
    try:
        player.set_source(np.zeros((RATE * 5, 2), np.float32), RATE, keep_position=False)
        player.play()
        assert not player.is_silent
        assert _FakeStream.opened["latency"] >= 0.1  # "low" (a few ms) dropped out on a busy 2-core machine
        callback = _FakeStream.opened["callback"]
        out = np.zeros((RATE // 10, 2), np.float32)
        for _ in range(5):  # half a second rendered, of which the last 0.2 s is still on its way
            callback(out, out.shape[0], None, _Status(False))
        assert player.transport.position == RATE // 2
        assert player.position == pytest.approx(0.3, abs=1e-6)
    finally:
        player.shutdown()
