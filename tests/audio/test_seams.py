"""The seam meter's figures, verdicts, ranking and seam moves, with known answers.

Two kinds of material: a synthesised song (drums, bass, sung-like lead; its halves identical) and
the demo song (resources/demo, real enough: its two choruses are sample-for-sample identical).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import signal

from desktop_app.audio import load
from desktop_app.audio.loudness import integrated_lufs
from desktop_app.audio.seams import (
    AUDIBLE,
    CLEAN,
    POOR,
    Seam,
    SongContext,
    measure_seam,
    measure_take,
    propose_move,
    rank,
    region_seams,
)
from tests.support.music import make_song, shifted

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo_song.flac"


@pytest.fixture(scope="module")
def song():
    return make_song(16.0)


@pytest.fixture(scope="module")
def setting(song):
    """The original, its rate, a 4 s region in the second half, and the context."""
    original, rate = song.mix, song.rate
    half = original.shape[0] // 2
    start, end = half + 2 * rate, half + 6 * rate
    return original, rate, start, end, SongContext.around(original, rate, start, end)


def _inside(original: np.ndarray, replacement: np.ndarray, start: int, end: int) -> np.ndarray:
    take = original.copy()
    take[start:end] = replacement[start:end]
    return take


def test_the_beat_is_found_from_the_song_around_the_region(setting) -> None:
    *_, ctx = setting
    assert ctx.beat_s == pytest.approx(0.5, abs=0.005)


def test_the_songs_own_repeat_joins_cleanly(setting) -> None:
    original, _rate, start, end, ctx = setting
    half = original.shape[0] // 2
    repeat = original.copy()
    repeat[start:end] = original[start - half : end - half]  # the same bars from the first half
    report = measure_take(ctx, repeat, start, end, "repeat")
    assert [s.verdict for s in report.seams] == [CLEAN, CLEAN]
    for seam in report.seams:
        assert abs(seam.level_step_db) < 0.1 and abs(seam.timing_ms) < 2 and seam.spectral_jump < 1.1
        assert seam.reason.startswith("clean join")
    assert report.score > 90


def test_a_6_db_step_is_measured_and_named(setting) -> None:
    original, _rate, start, end, ctx = setting
    report = measure_take(ctx, _inside(original, original * 2.0, start, end), start, end, "loud")
    first, last = report.seams
    assert first.level_step_db == pytest.approx(6.02, abs=0.2)
    assert last.level_step_db == pytest.approx(-6.02, abs=0.2)
    assert first.verdict == last.verdict == POOR
    assert first.reason == "level jumps +6.0 dB at the start"
    assert last.reason == "level jumps -6.0 dB at the end"
    assert first.spectral_jump < 1.2 and abs(first.vocal_change_db) < 0.5  # a gain changes no shape


def test_a_30_ms_slip_is_measured_and_named(setting) -> None:
    original, rate, start, end, ctx = setting
    late = _inside(original, shifted(original, int(0.030 * rate)), start, end)
    report = measure_take(ctx, late, start, end, "late")
    first, last = report.seams
    assert first.timing_ms == pytest.approx(30, abs=2)
    assert last.timing_ms == pytest.approx(-30, abs=2)
    assert first.verdict == POOR and first.reason == "timing slips 30 ms late at the start"
    assert last.reason == "timing slips 30 ms early at the end"
    assert abs(first.level_step_db) < 0.5


def test_a_few_ms_early_is_a_clean_slip(setting) -> None:
    original, rate, start, end, ctx = setting
    early = _inside(original, shifted(original, -int(0.004 * rate)), start, end)
    first, _ = measure_take(ctx, early, start, end, "early").seams
    assert first.timing_ms == pytest.approx(-4, abs=1.5)
    assert first.verdict == CLEAN


def test_another_timbre_at_the_same_loudness_is_a_spectral_jump(setting) -> None:
    original, rate, start, end, ctx = setting
    dull = signal.sosfilt(signal.butter(8, 1500, "lowpass", fs=rate, output="sos"), original, axis=0)
    gain = 10 ** ((integrated_lufs(original[start:end], rate) - integrated_lufs(dull[start:end], rate)) / 20)
    take = _inside(original, (dull * gain).astype(np.float32), start, end)
    first, last = measure_take(ctx, take, start, end, "dull").seams
    for seam in (first, last):
        assert seam.spectral_jump > 2.0 and seam.verdict == POOR
        assert abs(seam.level_step_db) < 1.0
        assert seam.reason.startswith("the sound changes")


def test_vocals_that_vanish_inside_the_region(setting, song) -> None:
    original, _rate, start, end, ctx = setting
    backing = (0.6 * (song.drums + song.bass)).astype(np.float32)
    first, last = measure_take(ctx, _inside(original, backing, start, end), start, end, "no vocal").seams
    assert first.vocal_change_db < -10 and last.vocal_change_db > 10
    assert first.verdict == POOR
    assert first.reason.startswith("vocal band drops") and last.reason.startswith("vocal band rises")


def test_takes_rank_by_their_worst_seam(setting) -> None:
    original, rate, start, end, ctx = setting
    half = original.shape[0] // 2
    repeat = original.copy()
    repeat[start:end] = original[start - half : end - half]
    only_end_loud = original.copy()
    only_end_loud[end - int(1.5 * rate) : end] *= 1.6  # +4 dB over the last 1.5 s: a clean start, a poor end
    takes = {
        "loud": _inside(repeat, repeat * 2.0, start, end),
        "late": _inside(repeat, shifted(repeat, int(0.030 * rate)), start, end),
        "end": only_end_loud,
        "repeat": repeat,
    }
    reports = [measure_take(ctx, take, start, end, name, propose=False) for name, take in takes.items()]
    ranked = rank(reports)
    assert ranked[0].name == "repeat"
    assert {r.name for r in ranked[1:]} == {"loud", "late", "end"}
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    end_report = next(r for r in reports if r.name == "end")
    assert [s.verdict for s in end_report.seams] == [CLEAN, POOR]
    assert end_report.seams[1].reason.startswith("level jumps -4")


def test_a_poor_seam_is_moved_where_take_and_original_agree(setting) -> None:
    original, rate, start, end, ctx = setting
    take = original.copy()
    noise = np.random.default_rng(1).standard_normal((int(0.3 * rate), 2)).astype(np.float32)
    take[start : start + noise.shape[0]] = 0.3 * noise  # the take starts with 300 ms that fit nothing
    first, last = measure_take(ctx, take, start, end, "burst").seams
    assert first.verdict == POOR and last.verdict == CLEAN
    assert first.proposed_at_s is not None and first.proposed_verdict == CLEAN
    # Within one beat after the start (the seam may only move inside the region), past the burst.
    assert start / rate + 0.3 <= first.proposed_at_s <= start / rate + ctx.beat_s + 1e-6
    assert last.proposed_at_s is None


def test_a_move_never_leaves_its_range_or_more_than_a_beat(setting) -> None:
    original, rate, start, end, ctx = setting
    take = original * 0.2
    for seam in region_seams(original, take, start, end):
        moved, report = propose_move(ctx, seam)
        assert start <= moved <= end and abs(moved - seam.at) <= ctx.beat_s * rate
        assert report.at_s == moved / rate


def test_a_region_at_the_very_start_has_one_seam(setting) -> None:
    original, rate, _, _, ctx = setting
    seams = region_seams(original, original, 0, 2 * rate)
    assert [s.label for s in seams] == ["end"]
    report = measure_seam(ctx, seams[0])
    assert report.verdict == CLEAN and report.at_s == pytest.approx(2.0)


def test_a_steady_tone_has_no_timing_and_a_drop_to_silence_is_poor() -> None:
    rate = 22050
    t = np.arange(8 * rate) / rate
    tone = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)[:, None]
    ctx = SongContext(tone, rate)
    same = measure_take(ctx, tone.copy(), 3 * rate, 5 * rate, "same")
    assert all(s.timing_ms is None and s.verdict == CLEAN for s in same.seams)
    silent = tone.copy()
    silent[3 * rate : 5 * rate] = 0
    report = measure_take(ctx, silent, 3 * rate, 5 * rate, "gap", propose=False)
    assert report.seams[0].level_step_db < -30 and report.verdict == POOR


def test_comp_boundaries_between_two_takes_are_measured(setting) -> None:
    original, rate, start, end, ctx = setting
    quiet = original * 0.5
    seam = Seam(start, original, quiet, 0, end, "")
    report = measure_seam(ctx, seam)
    assert report.level_step_db == pytest.approx(-6.02, abs=0.2)
    assert report.reason == f"level jumps -6.0 dB at {start / rate:.2f} s"
    between = measure_seam(ctx, Seam(start, quiet, original * 0.25, 0, end, ""))
    assert between.level_step_db == pytest.approx(-6.02, abs=0.2)


def test_verdict_names_and_report_dicts(setting) -> None:
    original, _rate, start, end, ctx = setting
    report = measure_take(ctx, _inside(original, original * 1.26, start, end), start, end, "a bit loud")
    assert report.seams[0].verdict == AUDIBLE  # +2 dB: heard by a careful listener
    data = report.as_dict()
    assert data["path"] == "a bit loud" and data["verdict"] == AUDIBLE
    assert {"at", "level_step_db", "timing_ms", "verdict", "reason", "spectral_jump"} <= set(data["seams"][0])


# --- real music: the demo song, whose two choruses (24–40 s and 56–72 s) are identical ----------------------


@pytest.fixture(scope="module")
def demo():
    clip = load(DEMO)
    original, rate = clip.samples, clip.sample_rate
    start, end = 60 * rate, 68 * rate
    repeat = original.copy()
    repeat[start:end] = original[start - 32 * rate : end - 32 * rate]
    return original, rate, start, end, repeat, SongContext.around(original, rate, start, end)


def test_demo_song_repeat_ranks_above_a_step_and_a_slip(demo) -> None:
    _original, rate, start, end, repeat, ctx = demo
    loud = repeat.copy()
    loud[start:end] *= 2.0
    late = _inside(repeat, shifted(repeat, int(0.030 * rate)), start, end)
    reports = {name: measure_take(ctx, take, start, end, name) for name, take in
               (("loud", loud), ("late", late), ("repeat", repeat))}  # fmt: skip
    assert rank(list(reports.values()))[0].name == "repeat"
    assert reports["repeat"].verdict == CLEAN
    assert reports["loud"].seams[0].reason == "level jumps +6.0 dB at the start"
    assert reports["late"].seams[0].reason == "timing slips 30 ms late at the start"
    assert reports["late"].seams[0].timing_ms == pytest.approx(30, abs=2)


def test_demo_song_band_stopped_vocals_and_a_dull_take(demo) -> None:
    original, rate, start, end, repeat, ctx = demo
    stop = signal.sosfilt(signal.butter(4, (300, 3400), "bandstop", fs=rate, output="sos"), original, axis=0)
    first, _ = measure_take(ctx, _inside(repeat, stop.astype(np.float32), start, end), start, end, "x").seams
    assert first.vocal_change_db < -6 and "vocal band drops" in first.reason
    dull = signal.sosfilt(signal.butter(8, 2500, "lowpass", fs=rate, output="sos"), original, axis=0)
    first, _ = measure_take(ctx, _inside(repeat, dull.astype(np.float32), start, end), start, end, "y").seams
    assert first.spectral_jump > 2.0 and first.reason.startswith("the sound changes")
