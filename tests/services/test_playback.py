"""The transport both clocks drive: spans, loops, seams and source switching, sample-exact between fades."""

from __future__ import annotations

import numpy as np

from desktop_app.services.playback import Program, Transport, seam_spans

RATE = 1000  # at this rate a fade (8 ms) is 8 frames
FADE = 8
SCALE = 2.0**16


def _ramp(frames: int, offset: float = 0.0) -> np.ndarray:
    """Each sample's value is its own frame number (plus an offset), so output shows where it came from.

    Scaled by 2⁻¹⁶ (exact in float32) to stay within full scale; :func:`_frames` scales back.
    """
    values = (np.arange(frames, dtype=np.float32) + offset) / SCALE
    return np.stack([values, values], axis=1)


def _render(transport: Transport, frames: int) -> np.ndarray:
    out = np.full((frames, 2), -1.0, np.float32)
    transport.render(out)
    return out[:, 0]


def _frames(transport: Transport, frames: int) -> np.ndarray:
    return _render(transport, frames) * SCALE


def _playing(sources: dict[str, np.ndarray], **select) -> Transport:
    t = Transport()
    t.set_sources(sources, RATE, **select)
    return t


def test_plays_to_the_end_then_stops_and_fills_silence() -> None:
    t = _playing({"a": np.full((100, 2), 0.5, np.float32)})
    t.seek(70)
    t.set_playing(True)
    out = _render(t, 40)
    assert 0 < out[0] < 0.5 and list(out[FADE:30]) == [0.5] * (30 - FADE)  # faded in from silence
    assert (out[30:] == 0).all()
    assert not t.playing and t.finished_count == 1 and t.position == 100


def test_switching_source_keeps_the_position_and_fades_over() -> None:
    t = _playing({"original": _ramp(1000), "take": _ramp(1000, offset=10_000)}, select="original")
    t.set_playing(True)
    _frames(t, 64)
    t.select("take")
    second = _frames(t, 64)
    assert t.position == 128
    assert 64 < second[0] < 10_064 and second[0] < second[FADE - 1]  # moving from one to the other
    assert list(second[FADE:]) == [10_000 + i for i in range(64 + FADE, 128)]  # then the take, in place


def test_switching_between_identical_audio_changes_nothing() -> None:
    """Outside the region a take is the original: equal-gain, so the switch is inaudible to the bit."""
    rng = np.random.default_rng(1)
    song = (0.3 * rng.standard_normal((2000, 2))).astype(np.float32)
    t = _playing({"original": song, "take": song.copy()}, select="original")
    t.seek(100)
    t.set_playing(True)
    _render(t, 50)
    t.select("take")
    out = np.zeros((100, 2), np.float32)
    t.render(out)
    np.testing.assert_allclose(out, song[150:250], atol=1e-6)


def test_loop_program_repeats_with_a_fade_at_each_wrap() -> None:
    t = _playing({"a": _ramp(1000)})
    t.set_program(Program(((100, 150), (100, 150)), repeat_from=1), start_at_first_span=True)
    t.set_playing(True)
    out = _frames(t, 150)
    for wrap in (50, 100):  # after each wrap the loop start plays on, exactly, once the fade is over
        assert list(out[wrap + FADE : wrap + 50]) == list(range(100 + FADE, 150))
    assert t.playing and t.position == 100  # wrapped as soon as the loop end was reached


def test_seams_play_both_edges_back_to_back() -> None:
    spans = seam_spans(1000, 3000, 200)
    assert spans == ((800, 1200), (2800, 3200))
    assert seam_spans(1000, 1300, 200) == ((800, 1500),)  # close edges merge into one window
    t = _playing({"a": _ramp(5000)})
    t.set_program(Program(spans), start_at_first_span=True)
    t.set_playing(True)
    out = _frames(t, 900)
    assert list(out[FADE:400]) == list(range(800 + FADE, 1200))
    assert list(out[400 + FADE : 800]) == list(range(2800 + FADE, 3200))
    assert out[800] > 0 and (out[800 + FADE :] == 0).all()  # faded out after the last seam
    assert not t.playing


def test_advance_moves_like_render_without_audio() -> None:
    t = _playing({"a": _ramp(1000)})
    t.set_program(Program(((0, 500), (200, 500)), repeat_from=1), start_at_first_span=True)
    t.set_playing(True)
    t.advance(700)  # 500 to the loop end, then 200 into the loop (which starts at 200)
    assert t.position == 400


def test_mono_source_feeds_both_outputs_and_gain_applies() -> None:
    t = _playing({"m": np.ones((100, 1), np.float32)})
    t.set_gain("m", 0.5)
    t.set_playing(True)
    out = np.zeros((30, 2), np.float32)
    t.render(out)
    assert (out[FADE:] == 0.5).all() and (out[:, 0] == out[:, 1]).all()


def test_a_gain_change_while_playing_is_a_ramp() -> None:
    t = _playing({"m": np.full((200, 2), 0.5, np.float32)})
    t.set_playing(True)
    _render(t, 20)
    t.set_gain("m", 0.25)
    out = _render(t, 20)
    assert np.all(np.diff(out[:FADE]) < 0) and 0.25 < out[0] < 0.5
    assert (out[FADE:] == 0.125).all()


def test_pause_fades_out_and_play_fades_back_in() -> None:
    t = _playing({"a": np.full((500, 2), 0.5, np.float32)})
    t.set_playing(True)
    _render(t, 20)
    t.set_playing(False)
    out = _render(t, 20)
    assert 0 < out[0] < 0.5 and (out[FADE:] == 0).all() and t.position == 20


def test_output_never_exceeds_full_scale() -> None:
    t = _playing({"loud": np.full((200, 2), 0.9, np.float32)})
    t.set_gain("loud", 10 ** (12 / 20))  # a +12 dB gain a bad match could ask for
    t.set_playing(True)
    out = _render(t, 100)
    assert np.abs(out).max() <= 1.0 and t.clipped_frames > 0


def test_heard_position_lags_the_rendered_one_by_the_latency() -> None:
    t = _playing({"a": _ramp(1000)})
    t.set_program(Program(((0, 300), (100, 300)), repeat_from=1), start_at_first_span=True)
    t.set_playing(True)
    for _ in range(4):
        _frames(t, 100)  # 0..300, then the loop restarts at 100
    assert t.position == 200
    assert t.heard_position(50) == 150
    assert t.heard_position(150) == 250  # before the wrap, still in the first pass
    assert t.heard_position(10_000) == 0  # more latency than played: where playback started
