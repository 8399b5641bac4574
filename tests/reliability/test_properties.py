"""Property-based tests: the answer parsers and the region maths hold on any input, not just the ones we thought of.

Parsers: whatever JSON-like value a service sends, they return a well-formed result or raise a
:class:`ServiceError` (never a ``KeyError``, ``TypeError`` or ``OverflowError``). Region maths: snapping
moves a point only as far as it promises; a splice is the original, to the bit, outside the region. (The
selection's properties need Qt: tests/services/test_region_properties.py.)
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from desktop_app.api.errors import ServiceError
from desktop_app.api.results import (
    Progress,
    parse_musicgpt_status,
    parse_musicgpt_submit,
    parse_suno_status,
    parse_suno_submit,
    parse_suno_upload,
    parse_timestamped_lyrics,
    parse_voices,
    suno_envelope,
)
from desktop_app.audio.snap import BeatGrid, nearest_zero_crossing, snap_time
from desktop_app.audio.splice import splice

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ------------------------------------------------------------------------------------------ answer parsers

# Keys the parsers look for, so generated objects often hit the interesting paths.
KEYS = st.sampled_from([
    "success", "message", "task_id", "conversion_id", "conversion_id_1", "conversion_id_2", "eta", "credit_estimate",
    "conversion", "status", "status_msg", "conversion_cost", "conversion_path", "conversion_path_1",
    "conversion_path_wav_1", "conversion_path_2", "conversion_path_wav_2", "audio_url", "title_1", "lyrics_1",
    "lyrics_timestamped_1", "conversion_duration_1", "voices", "voice_id", "voice_name", "total", "code", "msg",
    "data", "downloadUrl", "taskId", "response", "sunoData", "audioUrl", "duration", "start", "end", "text", "index",
])  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**63, "²", "٣", "200", "1e400", "NaN"])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["COMPLETED", "ERROR", "FAILED", "SUCCESS", "PENDING", "https://x.example/a.mp3",
                       "http://127.0.0.1/a.wav", "https://lalals.s3.amazonaws.com", "conv-a", "conv-b", ""])
)  # fmt: skip
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS | st.text(max_size=8), inner, max_size=8),
    max_leaves=30,
)
OBJECTS = st.dictionaries(KEYS, JSONISH, max_size=10)
ANSWERS = JSONISH | OBJECTS | st.builds(lambda conv, top: {**top, "conversion": conv}, OBJECTS, OBJECTS)


def _finite_or_none(value) -> bool:
    return value is None or (isinstance(value, float | int) and math.isfinite(value))


@PROPERTY
@given(ANSWERS)
def test_musicgpt_submit_parser(payload) -> None:
    try:
        receipt = parse_musicgpt_submit(payload)
    except ServiceError:
        return
    assert receipt.task_id and receipt.conversion_ids and all(isinstance(i, str) and i for i in receipt.conversion_ids)
    assert _finite_or_none(receipt.eta_seconds) and _finite_or_none(receipt.credit_estimate)


@PROPERTY
@given(ANSWERS, st.lists(st.sampled_from(["conv-a", "conv-b", "x"]), min_size=1, max_size=2).map(tuple))
def test_musicgpt_status_parser(payload, ids) -> None:
    try:
        status = parse_musicgpt_status(payload, ids)
    except ServiceError:
        return
    assert status.progress in Progress and isinstance(status.raw_status, str) and status.raw_status
    assert _finite_or_none(status.cost)
    if status.progress is Progress.COMPLETED:
        assert len(status.takes) == len(ids)
        assert all(t.best_url.lower().startswith(("https://", "http://")) for t in status.takes)
    for take in status.takes:
        assert _finite_or_none(take.duration)


@PROPERTY
@given(ANSWERS)
def test_suno_parsers(payload) -> None:
    for parse in (parse_suno_upload, parse_suno_submit, parse_voices):
        with contextlib.suppress(ServiceError):
            parse(payload)
    try:
        code, msg, _data = suno_envelope(payload)
        assert isinstance(code, int) and (msg is None or isinstance(msg, str))
    except ServiceError:
        pass
    try:
        status = parse_suno_status(payload)
    except ServiceError:
        return
    if status.progress is Progress.COMPLETED:
        assert status.takes and all(t.mp3_url for t in status.takes)


@PROPERTY
@given(JSONISH)
def test_timestamped_lyrics_never_raise(value) -> None:
    lines = parse_timestamped_lyrics(value)
    assert lines is None or all(math.isfinite(line.start) and isinstance(line.text, str) for line in lines)


# ------------------------------------------------------------------------------------------ snap and grid


@PROPERTY
@given(
    samples=arrays(np.float32, st.tuples(st.integers(1, 400), st.integers(1, 2)),
                   elements=st.floats(-1, 1, width=32)),
    frame=st.integers(-50, 450), radius=st.integers(0, 60),
)  # fmt: skip
def test_zero_crossings_are_real_and_near(samples, frame, radius) -> None:
    found = nearest_zero_crossing(samples, frame, radius)
    if found is None:
        return
    assert 0 < found < samples.shape[0] and abs(found - frame) <= radius + 1
    mono = samples.sum(axis=1)
    assert np.signbit(mono[found]) != np.signbit(mono[found - 1])


@PROPERTY
@given(bpm=st.floats(20, 400), origin=st.floats(-2, 10), t=st.floats(0, 600), tolerance=st.floats(0, 0.5),
       to_zero=st.booleans(), rate=st.sampled_from([8000, 44100, 48000]))  # fmt: skip
def test_snapping_moves_only_as_far_as_it_promises(bpm, origin, t, tolerance, to_zero, rate) -> None:
    grid = BeatGrid(bpm, origin)
    samples = np.sin(np.arange(rate * 2, dtype=np.float32) * 0.05)[:, None] if to_zero else None
    result = snap_time(t, grid=grid, samples=samples, sample_rate=rate, to_grid=True, to_zero=to_zero,
                       grid_tolerance=tolerance)  # fmt: skip
    assert math.isfinite(result.time)
    assert abs(result.time - t) <= tolerance + 0.005 + 1.0 / rate + 1e-9
    if result.kind.startswith(("beat", "bar")) and "zero" not in result.kind:
        assert abs(grid.beat_index(result.time) - round(grid.beat_index(result.time))) < 1e-6


@PROPERTY
@given(bpm=st.floats(20, 400), origin=st.floats(0, 10), after=st.floats(0, 3600), beats=st.integers(1, 7))
def test_bar_beat_text_round_trips(bpm, origin, after, beats) -> None:
    # From bar 1 on. The pickup before it is shown as bar 0, which typing refuses ("bars count from 1").
    grid = BeatGrid(bpm, origin, beats)
    t = origin + after
    back = grid.parse_position(grid.format_position(t))
    assert abs(back - t) <= grid.beat_seconds * 0.005 + 1e-6


@PROPERTY
@given(bpm=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1000, 1000)))
def test_a_tempo_outside_the_range_is_refused(bpm) -> None:
    assume(not 20 <= bpm <= 400)
    with pytest.raises(ValueError, match="tempo must be between"):
        BeatGrid(bpm)


# ---------------------------------------------------------------------------------------------- splicing


@st.composite
def splice_inputs(draw):
    frames = draw(st.integers(2, 3000))
    channels = draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    original = rng.uniform(-1, 1, (frames, channels)).astype(np.float32)
    take = rng.uniform(-1, 1, (draw(st.integers(0, frames + 100)), channels)).astype(np.float32)
    start = draw(st.integers(0, frames - 1))
    end = draw(st.integers(start + 1, frames))
    return original, take, start, end, draw(st.sampled_from([8000, 44100])), draw(st.floats(0, 0.05))


@PROPERTY
@given(splice_inputs(), st.booleans())
def test_a_splice_is_the_original_to_the_bit_outside_the_region(inputs, zero_cross) -> None:
    original, take, start, end, rate, fade = inputs
    kept = original.copy()
    out = splice(original, take, start, end, rate, crossfade_s=fade, zero_cross=zero_cross)
    assert out.shape == original.shape and out.dtype == original.dtype
    assert np.array_equal(out[:start], original[:start]) and np.array_equal(out[end:], original[end:])
    assert np.array_equal(original, kept), "the original was written"
    assert np.all(np.isfinite(out)) and np.max(np.abs(out)) <= math.sqrt(2) + 1e-5


@PROPERTY
@given(frames=st.integers(1, 100), start=st.integers(-10, 120), end=st.integers(-10, 120))
def test_a_splice_outside_the_track_is_refused(frames, start, end) -> None:
    assume(not 0 <= start < end <= frames)
    original = np.zeros((frames, 1), np.float32)
    with pytest.raises(ValueError, match="inside the track"):
        splice(original, original, start, end, 44100)
