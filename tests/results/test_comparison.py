"""The comparison model: takes aligned and measured off-thread, switching, matching, blind mode, splices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from desktop_app.audio.loudness import integrated_lufs
from desktop_app.services.comparison import ORIGINAL, Comparison, TakeSource
from tests.support import WAIT_MS

RATE = 44100


def _song(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    base = 0.2 * np.sin(2 * np.pi * 110 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.5 * t))
    noise = rng.standard_normal((len(t), 2)) * 0.05
    return (base[:, None] + noise).astype(np.float32)


@pytest.fixture
def takes(tmp_path: Path):
    original = _song(16, 1)
    start, end = 6 * RATE, 10 * RATE
    paths = []
    for index, (shift, gain) in enumerate(((300, 2.0), (-120, 0.5)), start=1):
        take = np.roll(original, shift, axis=0).copy()
        take[start + shift : end + shift] = _song(4, 10 + index)
        take *= gain
        path = tmp_path / f"take-{index}.wav"
        sf.write(path, take, RATE, subtype="FLOAT")
        paths.append((path, shift))
    return original, paths


def _ready(comparison: Comparison) -> bool:
    return not comparison.is_preparing and all(lane.figures is not None for lane in comparison.lanes[1:])


def _loaded(qtbot, takes) -> Comparison:
    original, paths = takes
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.set_region((6.0, 10.0))
    comparison.add_takes([TakeSource("job1", i, p, "Local engine") for i, (p, _s) in enumerate(paths, start=1)])
    # The lanes are there at once, "preparing"; their figures follow.
    assert [lane.status for lane in comparison.lanes[1:]] == ["preparing", "preparing"]
    qtbot.waitUntil(lambda: _ready(comparison), timeout=WAIT_MS)
    return comparison


def test_takes_are_aligned_and_labelled(qtbot, takes) -> None:
    comparison = _loaded(qtbot, takes)
    assert [lane.label for lane in comparison.lanes] == ["Original", "Take 1", "Take 2"]
    assert comparison.lanes[1].alignment.offset == 300
    assert comparison.lanes[2].alignment.offset == -120
    assert all(lane.samples.shape == comparison.lanes[0].samples.shape for lane in comparison.lanes)


def test_loudness_matching_brings_takes_within_half_a_lu(qtbot, takes) -> None:
    comparison = _loaded(qtbot, takes)
    start, end = 6 * RATE, 10 * RATE
    reference = integrated_lufs(comparison.lanes[0].samples[start:end], RATE)
    for lane in comparison.lanes[1:]:
        matched = lane.samples[start:end] * (10 ** (comparison.gain_db(lane) / 20))
        assert abs(integrated_lufs(matched, RATE) - reference) < 0.5
    comparison.set_loudness_match(False)
    assert all(comparison.gain_db(lane) == 0.0 for lane in comparison.lanes)


def test_keys_select_lanes_and_blind_mode_hides_names(qtbot, takes) -> None:
    comparison = _loaded(qtbot, takes)
    with qtbot.waitSignal(comparison.selection_changed):
        comparison.select_index(2)
    assert comparison.selected == comparison.lanes[2].key
    comparison.select_index(0)
    assert comparison.selected == ORIGINAL
    comparison.set_blind(True)
    names = [comparison.display_name(lane) for lane in comparison.shown_lanes()]
    assert names == ["Original", "Take A", "Take B"]
    first, second = comparison.shown_lanes()[1:]
    comparison.rate_lane(first.key, "star")
    assert comparison.display_name(first) == "Take A"  # one rating would unmask the other by elimination
    comparison.rate_lane(second.key, "reject")
    assert {comparison.display_name(first), comparison.display_name(second)} == {"Take 1", "Take 2"}


def test_blind_order_is_drawn_once_per_comparison(qtbot, takes) -> None:
    comparison = _loaded(qtbot, takes)
    comparison.set_blind(True)
    order = [lane.key for lane in comparison.shown_lanes()]
    for _ in range(5):
        comparison.set_blind(False)
        comparison.set_blind(True)
        assert [lane.key for lane in comparison.shown_lanes()] == order


def test_setting_the_original_measures_nothing(qtbot, monkeypatch) -> None:
    """Opening a song (even an hour of it) starts no loudness or true-peak work: that waits for takes."""
    from desktop_app.audio import compare, loudness

    calls: list[str] = []
    for module in (compare, loudness):
        for name in ("integrated_lufs", "true_peak_dbtp", "measure", "span_loudness", "region_loudness"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, lambda *a, _n=name, **k: calls.append(_n))
    hour = np.zeros((3600 * 100, 2), np.float32)  # a long song's shape, at a token rate to stay light
    comparison = Comparison()
    submitted: list[object] = []
    monkeypatch.setattr(comparison._worker, "submit", submitted.append)
    comparison.set_original(hour, 100)
    comparison.set_region((10.0, 20.0))
    comparison.set_region(None)
    comparison._worker.shutdown(wait=True)  # anything queued would have run by now
    assert calls == [] and submitted == []  # no background work at all, not merely none yet
    assert comparison.lanes[0].loudness is None


def test_the_original_is_measured_over_the_region_only(qtbot, takes, monkeypatch) -> None:
    from desktop_app.audio import compare as service

    spans: list[tuple] = []
    real = service.span_loudness
    monkeypatch.setattr(
        service, "span_loudness", lambda s, r, region, heard: spans.append((region, heard)) or real(s, r, region, heard)
    )
    comparison = _loaded(qtbot, takes)
    start, end = 6 * RATE, 10 * RATE
    # The original once, then each take: over the region, with 2 s of context for the true peak.
    assert spans == [((start, end), (start - 2 * RATE, end + 2 * RATE))] * 3
    assert "over the region 0:06.0–0:10.0" in comparison.original_span


def test_whole_track_takes_are_labelled_by_operation_and_not_aligned(qtbot, takes, monkeypatch) -> None:
    from desktop_app.audio import compare

    original, paths = takes
    correlated: list[int] = []
    monkeypatch.setattr(compare, "estimate_offset", lambda *a, **k: correlated.append(1))
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.set_region(None)
    comparison.add_takes(
        [TakeSource("job7", i, p, "MusicGPT", operation="remix") for i, (p, _s) in enumerate(paths, start=1)]
    )
    qtbot.waitUntil(lambda: _ready(comparison), timeout=WAIT_MS)
    assert [lane.label for lane in comparison.lanes[1:]] == ["Remix · take 1", "Remix · take 2"]
    assert correlated == []  # nothing outside a region to line up on: no whole-song correlation
    assert all(lane.is_whole_track and lane.alignment.offset == 0 for lane in comparison.lanes[1:])
    assert "over the whole song" in comparison.original_span
    assert "Remix" in comparison.heading() and "MusicGPT" in comparison.heading()


def test_a_take_practically_the_original_is_flagged(qtbot, takes, tmp_path: Path) -> None:
    original, paths = takes
    same = tmp_path / "same.wav"
    rng = np.random.default_rng(3)
    sf.write(same, original + rng.uniform(-0.004, 0.004, original.shape).astype(np.float32), RATE, subtype="FLOAT")
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.set_region((6.0, 10.0))
    comparison.add_takes([TakeSource("job1", 1, paths[0][0]), TakeSource("job1", 2, same)])
    qtbot.waitUntil(lambda: _ready(comparison), timeout=WAIT_MS)
    changed, unchanged = comparison.lanes[1:]
    assert unchanged.figures.near_identical and not changed.figures.near_identical


def test_matching_never_pushes_a_take_above_minus_one_dbtp(qtbot, takes, tmp_path: Path) -> None:
    """A quiet take with one loud transient: matching would boost it into clipping; the gain is capped."""
    original, _paths = takes
    quiet = original * 0.05
    quiet[7 * RATE] = 0.7  # a click 3 dB under full scale inside the region
    path = tmp_path / "quiet.wav"
    sf.write(path, quiet, RATE, subtype="FLOAT")
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.set_region((6.0, 10.0))
    comparison.add_takes([TakeSource("job1", 1, path)])
    qtbot.waitUntil(lambda: _ready(comparison), timeout=WAIT_MS)
    lane = comparison.lanes[1]
    assert lane.figures.match.limited
    assert lane.figures.loudness.true_peak_dbtp + comparison.gain_db(lane) <= -1.0 + 1e-6


def test_splice_is_bit_exact_outside_and_the_take_inside(qtbot, takes) -> None:
    comparison = _loaded(qtbot, takes)
    key = comparison.lanes[1].key
    out = comparison.spliced(key, 0.02)
    original = comparison.lanes[0].samples
    start, end = 6 * RATE, 10 * RATE
    assert np.array_equal(out[:start], original[:start]) and np.array_equal(out[end:], original[end:])
    margin = int(0.025 * RATE)
    assert np.array_equal(
        out[start + margin : end - margin], comparison.lanes[1].samples[start + margin : end - margin]
    )


def test_unreadable_take_is_reported(qtbot, takes, tmp_path: Path) -> None:
    original, _paths = takes
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    comparison = Comparison()
    comparison.set_original(original, RATE)
    with qtbot.waitSignal(comparison.failed, timeout=10000) as failed:
        comparison.add_takes([TakeSource("job9", 1, bad)])
    assert "bad.wav" in failed.args[0]
    assert len(comparison.lanes) == 1
    comparison.close()  # the blocker keeps it alive past the test: stop its worker here


def test_takes_for_a_replaced_original_are_dropped_unprocessed(qtbot, takes, monkeypatch) -> None:
    import threading

    from desktop_app.services import take_preparation as module

    original, paths = takes
    gate, aligned = threading.Event(), []
    from desktop_app.audio import compare

    real_load, real_align = module.load_with_peaks, compare.align_take
    # The worker is held on the first take's decode until the second original is in place.
    monkeypatch.setattr(module, "load_with_peaks", lambda *a, **k: gate.wait(20) and real_load(*a, **k))
    monkeypatch.setattr(compare, "align_take", lambda *a, **k: aligned.append(1) or real_align(*a, **k))
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.add_takes([TakeSource("job1", i, p) for i, (p, _s) in enumerate(paths, start=1)])
    with qtbot.waitSignal(comparison.preparing, check_params_cb=lambda busy: not busy, timeout=5000):
        comparison.set_original(original * 0.5, RATE)  # another job's original took over before they were ready
    gate.set()
    assert [lane.key for lane in comparison.lanes] == [ORIGINAL]
    # The worker goes on with the next request; the first one stopped before aligning anything.
    comparison.add_takes([TakeSource("job2", 1, paths[0][0])])
    qtbot.waitUntil(lambda: _ready(comparison), timeout=WAIT_MS)
    assert [lane.key for lane in comparison.lanes] == [ORIGINAL, "job2:1"]
    assert len(aligned) == 1  # the held decode was dropped before its alignment


def test_a_closed_comparison_hands_nothing_back(qtbot, takes, monkeypatch) -> None:
    import threading

    from PySide6.QtCore import QCoreApplication

    from desktop_app.services import take_preparation as module

    original, paths = takes
    gate = threading.Event()
    real_load = module.load_with_peaks
    monkeypatch.setattr(module, "load_with_peaks", lambda *a, **k: gate.wait(20) and real_load(*a, **k))
    comparison = Comparison()
    handed: list[object] = []
    comparison._step.connect(handed.append)
    comparison.set_original(original, RATE)
    comparison.add_takes([TakeSource("job1", 1, paths[0][0])])
    comparison.close()  # the window closes while the worker is busy
    gate.set()
    comparison._worker.shutdown(wait=True)  # the decode that was running has ended
    QCoreApplication.processEvents()  # a hand-over, had one been sent, is delivered now
    assert handed == []


def test_a_lane_shows_its_waveform_while_it_decodes(qtbot, takes, monkeypatch) -> None:
    """Preparing → the part decoded so far is drawn → the aligned take and its figures."""
    import threading

    from desktop_app.audio.peaks import PeakBuilder
    from desktop_app.services import take_preparation as module

    original, paths = takes
    gate = threading.Event()
    real_load = module.load_with_peaks

    def slow_load(path, progress=None, **kwargs):
        samples = sf.read(path, dtype="float32")[0]
        builder = PeakBuilder(samples)
        builder.add(0, 4 * RATE)  # the first four seconds are in
        progress(builder.pyramid)
        gate.wait(20)
        return real_load(path, progress=progress, **kwargs)

    monkeypatch.setattr(module, "load_with_peaks", slow_load)
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.set_region((6.0, 10.0))
    comparison.add_takes([TakeSource("job1", 1, paths[0][0])])
    lane = comparison.lanes[1]
    assert lane.status == "preparing" and lane.samples is None
    qtbot.waitUntil(lambda: lane.peaks is not None, timeout=10000)
    assert lane.samples is None and 0 < lane.progress < 1 and lane.peaks.ready_frames == 4 * RATE
    assert "preparing" in comparison.heading()
    gate.set()
    qtbot.waitUntil(lambda: _ready(comparison), timeout=WAIT_MS)
    assert lane.peaks.samples is lane.samples and lane.status == "ready"
    assert "preparing" not in comparison.heading()
