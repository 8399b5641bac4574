"""The transport both clocks drive: spans, loops, seams and gapless source switching, sample-exact."""

from __future__ import annotations

import numpy as np

from desktop_app.services.playback import Program, Transport, seam_spans


def _ramp(frames: int, offset: float = 0.0) -> np.ndarray:
    """Each sample's value is its own frame number (plus an offset), so output shows where it came from."""
    values = np.arange(frames, dtype=np.float32) + offset
    return np.stack([values, values], axis=1)


def _render(transport: Transport, frames: int) -> np.ndarray:
    out = np.full((frames, 2), -1.0, np.float32)
    transport.render(out)
    return out[:, 0]


def test_plays_to_the_end_then_stops_and_fills_silence() -> None:
    t = Transport()
    t.set_sources({"a": _ramp(100)}, 1000)
    t.seek(90)
    t.set_playing(True)
    out = _render(t, 20)
    assert list(out[:10]) == list(range(90, 100))
    assert (out[10:] == 0).all()
    assert not t.playing and t.finished_count == 1


def test_switching_source_is_gapless_and_keeps_the_position() -> None:
    t = Transport()
    t.set_sources({"original": _ramp(1000), "take": _ramp(1000, offset=10_000)}, 1000, select="original")
    t.set_playing(True)
    first = _render(t, 64)
    t.select("take")
    second = _render(t, 64)
    assert list(first) == list(range(64))
    assert list(second) == [10_000 + i for i in range(64, 128)]  # continues at frame 64, now from the take


def test_loop_program_repeats_exactly() -> None:
    t = Transport()
    t.set_sources({"a": _ramp(1000)}, 1000)
    t.set_program(Program(((100, 110), (100, 110)), repeat_from=1), start_at_first_span=True)
    t.set_playing(True)
    out = _render(t, 35)
    assert list(out) == [100 + (i % 10) for i in range(35)]
    assert t.playing


def test_seams_play_both_edges_back_to_back() -> None:
    spans = seam_spans(1000, 3000, 200)
    assert spans == ((800, 1200), (2800, 3200))
    assert seam_spans(1000, 1300, 200) == ((800, 1500),)  # close edges merge into one window
    t = Transport()
    t.set_sources({"a": _ramp(5000)}, 1000)
    t.set_program(Program(spans), start_at_first_span=True)
    t.set_playing(True)
    out = _render(t, 900)
    expected = list(range(800, 1200)) + list(range(2800, 3200)) + [0] * 100
    assert list(out) == expected
    assert not t.playing


def test_advance_moves_like_render_without_audio() -> None:
    t = Transport()
    t.set_sources({"a": _ramp(1000)}, 1000)
    t.set_program(Program(((0, 500), (200, 500)), repeat_from=1), start_at_first_span=True)
    t.set_playing(True)
    t.advance(700)  # 500 to the loop end, then 200 into the loop (which starts at 200)
    assert t.position == 400


def test_mono_source_feeds_both_outputs_and_gain_applies() -> None:
    t = Transport()
    t.set_sources({"m": np.ones((100, 1), np.float32)}, 1000)
    t.set_gain("m", 0.5)
    t.set_playing(True)
    out = np.zeros((10, 2), np.float32)
    t.render(out)
    assert (out == 0.5).all()
