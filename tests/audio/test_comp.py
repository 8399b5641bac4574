"""The comp: the original outside every range and each take inside its own, to the bit; fades inside."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.audio.comp import (
    CompError,
    Segment,
    align_take,
    comp_seams,
    fade_spans,
    fix_seams,
    move_boundary,
    render,
)
from desktop_app.audio.crossfade import crossfade
from desktop_app.audio.seams import POOR, SongContext, measure_seam
from tests.support.music import make_song, shifted

RATE = 44100


@pytest.fixture(scope="module")
def material():
    song = make_song(16.0)
    original = song.mix
    rng = np.random.default_rng(5)
    take_a = (original * 0.7 + 0.05 * rng.standard_normal(original.shape)).astype(np.float32)
    take_b = np.roll(original, 12345, axis=0)  # other music, same length
    return original, take_a, take_b


def _covered(frames: int, spans: list[tuple[int, int]]) -> np.ndarray:
    mask = np.zeros(frames, bool)
    for lo, hi in spans:
        mask[lo:hi] = True
    return mask


def test_original_outside_and_each_take_inside_to_the_bit(material) -> None:
    original, take_a, take_b = material
    segments = [
        Segment(take_a, 1 * RATE, 3 * RATE, "a"),
        Segment(take_b, 3 * RATE, 5 * RATE, "b"),  # touches a: one fade centred on 3 s
        Segment(take_a, 8 * RATE, 9 * RATE, "a again"),
    ]
    out = render(original, RATE, segments, 0.020)
    frames = original.shape[0]
    ranges = _covered(frames, [(s.start, s.end) for s in segments])
    fades = _covered(frames, fade_spans(original, RATE, segments, 0.020))
    assert np.array_equal(out[~ranges], original[~ranges])
    assert not (fades & ~ranges).any()  # every fade lies inside the ranges
    for seg in segments:
        body = np.zeros(frames, bool)
        body[seg.start : seg.end] = True
        body &= ~fades
        assert np.array_equal(out[body], seg.samples[body])
    assert out.dtype == np.float32 and out.shape == original.shape


def test_fades_follow_the_one_crossfade_law(material) -> None:
    original, take_a, take_b = material
    segments = [Segment(take_a, RATE, 2 * RATE, "a"), Segment(take_b, 2 * RATE, 3 * RATE, "b")]
    out = render(original, RATE, segments, 0.010)
    spans = fade_spans(original, RATE, segments, 0.010)
    assert spans == [(RATE, RATE + 441), (2 * RATE - 220, 2 * RATE + 220), (3 * RATE - 441, 3 * RATE)]
    lo, hi = spans[0]
    assert np.array_equal(out[lo:hi], crossfade(original[lo:hi], take_a[lo:hi]))
    lo, hi = spans[1]
    assert np.array_equal(out[lo:hi], crossfade(take_a[lo:hi], take_b[lo:hi]))
    lo, hi = spans[2]
    assert np.array_equal(out[lo:hi], crossfade(take_b[lo:hi], original[lo:hi]))


def test_no_crossfade_switches_at_the_edges_and_a_short_range_keeps_half_for_each_fade(material) -> None:
    original, take_a, _ = material
    out = render(original, RATE, [Segment(take_a, RATE, 2 * RATE, "a")], 0.0)
    assert np.array_equal(out[RATE : 2 * RATE], take_a[RATE : 2 * RATE])
    short = [Segment(take_a, RATE, RATE + 100, "a")]
    assert fade_spans(original, RATE, short, 0.020) == [(RATE, RATE + 50), (RATE + 50, RATE + 100)]


def test_no_segments_is_the_original_itself(material) -> None:
    original, *_ = material
    assert np.array_equal(render(original, RATE, []), original)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda o, t: [Segment(t, RATE, 3 * RATE, "a"), Segment(t, 2 * RATE, 4 * RATE, "b")], "overlap"),
        (lambda o, t: [Segment(t, 15 * RATE, 17 * RATE, "a")], "outside the song"),
        (lambda o, t: [Segment(t, -1, RATE, "a")], "outside the song"),
        (lambda o, t: [Segment(t, 2 * RATE, 2 * RATE, "a")], "is empty"),
        (lambda o, t: [Segment(t[:, :1], RATE, 2 * RATE, "mono")], "1 channel(s) but the song has 2"),
        (lambda o, t: [Segment(t[: 10 * RATE], RATE, 2 * RATE, "short")], "10 s long but the song is 16 s"),
        (lambda o, t: [Segment(t, RATE, 2 * RATE, "hi-res", rate=48000)], "48000 Hz but the song is at 44100"),
    ],
)
def test_bad_comps_are_refused_with_a_sentence(material, make, words) -> None:
    original, take_a, _ = material
    with pytest.raises(CompError) as err:
        render(original, RATE, make(original, take_a))
    message = str(err.value)
    assert words in message and message.endswith(".")


def test_overlap_names_both_takes(material) -> None:
    original, take_a, take_b = material
    with pytest.raises(CompError, match=r"“a” \(1–3 s\) and “b” \(2–4 s\) overlap"):
        render(original, RATE, [Segment(take_a, RATE, 3 * RATE, "a"), Segment(take_b, 2 * RATE, 4 * RATE, "b")])


def test_a_negative_crossfade_is_refused(material) -> None:
    original, take_a, _ = material
    with pytest.raises(CompError, match="cannot be negative"):
        render(original, RATE, [Segment(take_a, RATE, 2 * RATE)], -0.01)


def test_a_shifted_take_is_aligned_before_it_is_comped(material) -> None:
    original, *_ = material
    late = shifted(original * 0.5, 300)  # a re-encoded take: 300 frames late, other level inside
    aligned, alignment = align_take(original, RATE, late, RATE, 4 * RATE, 6 * RATE, "late")
    assert alignment.offset == 300
    assert np.array_equal(aligned[:-300], (original * 0.5)[:-300])


def test_a_take_of_another_length_is_refused(material) -> None:
    original, *_ = material
    with pytest.raises(CompError, match=r"is 12 s long but the song is 16 s; a take must be of the whole song\."):
        align_take(original, RATE, original[: 12 * RATE], RATE, RATE, 2 * RATE, "cut")


def test_a_take_at_another_rate_is_conformed(material) -> None:
    original, *_ = material
    from scipy import signal

    at_48k = signal.resample_poly(original, 160, 147, axis=0).astype(np.float32)
    aligned, alignment = align_take(original, RATE, at_48k, 48000, 4 * RATE, 6 * RATE, "48k")
    assert aligned.shape == original.shape and abs(alignment.offset) <= 1


def test_comp_seams_are_every_boundary_and_the_meter_reads_them(material) -> None:
    original, take_a, take_b = material
    segments = [
        Segment(take_b, 3 * RATE, 5 * RATE, "b"),
        Segment(original * 2.0, 1 * RATE, 3 * RATE, "loud"),
        Segment(take_a, 8 * RATE, 9 * RATE, "a"),
    ]
    seams = comp_seams(original, RATE, segments)
    assert [s.at for s in seams] == [1 * RATE, 3 * RATE, 5 * RATE, 8 * RATE, 9 * RATE]
    assert seams[1].before is segments[1].samples and seams[1].after is take_b
    assert seams[0].before is original and seams[2].after is original
    assert seams[0].movable == (0, 3 * RATE) and seams[2].movable == (3 * RATE, 8 * RATE)
    report = measure_seam(SongContext(original, RATE, 0.5), seams[0])
    assert report.verdict == POOR and report.reason == "level jumps +6.0 dB at 1.00 s"


def test_fix_seams_moves_only_the_poor_seam_it_can_improve(material) -> None:
    original, *_ = material
    burst = original.copy()
    noise = np.random.default_rng(1).standard_normal((int(0.3 * RATE), 2)).astype(np.float32)
    burst[9 * RATE : 9 * RATE + noise.shape[0]] = 0.5 * noise
    segments = [Segment(burst, 9 * RATE, 11 * RATE, "burst"), Segment(original * 2.0, 12 * RATE, 13 * RATE, "loud")]
    fixed, moves = fix_seams(original, RATE, segments, SongContext(original, RATE, 0.5))
    assert [(round(a.at_s, 3), b.verdict) for a, b in moves] == [(9.0, "clean")]
    assert 9.3 * RATE <= fixed[0].start <= 9.5 * RATE and fixed[0].end == 11 * RATE
    assert fixed[1] == segments[1]  # a take too loud throughout: nothing to gain by moving


def test_move_boundary_moves_both_sides_of_a_shared_edge(material) -> None:
    _original, take_a, take_b = material
    segments = [Segment(take_a, RATE, 2 * RATE, "a"), Segment(take_b, 2 * RATE, 3 * RATE, "b")]
    moved = move_boundary(segments, 2 * RATE, 2 * RATE + 100)
    assert (moved[0].end, moved[1].start) == (2 * RATE + 100, 2 * RATE + 100)


def test_a_segment_plays_at_its_gain_and_the_fades_carry_it(material) -> None:
    original, take_a, take_b = material
    plain = [Segment(take_a, RATE, 2 * RATE, "a"), Segment(take_b, 2 * RATE, 3 * RATE, "b")]
    gained = [Segment(take_a, RATE, 2 * RATE, "a", gain=0.5), Segment(take_b, 2 * RATE, 3 * RATE, "b", gain=2.0)]
    out = render(original, RATE, gained, 0.010)
    unity = render(original, RATE, plain, 0.010)
    outside = _covered(original.shape[0], [(RATE, 3 * RATE)])
    assert np.array_equal(out[~outside], original[~outside])  # the original is never re-levelled
    body_a, body_b = slice(RATE + 441, 2 * RATE - 220), slice(2 * RATE + 220, 3 * RATE - 441)
    assert np.allclose(out[body_a], 0.5 * take_a[body_a]) and np.allclose(out[body_b], 2.0 * take_b[body_b])
    lo, hi = 2 * RATE - 220, 2 * RATE + 220
    assert np.allclose(out[lo:hi], crossfade(0.5 * take_a[lo:hi], 2.0 * take_b[lo:hi]))
    assert not np.array_equal(out, unity)
