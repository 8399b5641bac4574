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


def _loaded(qtbot, takes) -> Comparison:
    original, paths = takes
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.set_region((6.0, 10.0))
    with qtbot.waitSignal(comparison.lanes_changed, timeout=WAIT_MS):
        comparison.add_takes([TakeSource("job1", i, p, "Local engine") for i, (p, _s) in enumerate(paths, start=1)])
    return comparison


def test_takes_are_aligned_and_labelled(qtbot, takes) -> None:
    comparison = _loaded(qtbot, takes)
    assert [lane.label for lane in comparison.lanes] == ["Original", "Take 1", "Take 2"]
    assert comparison.lanes[1].prepared.alignment.offset == 300
    assert comparison.lanes[2].prepared.alignment.offset == -120
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
    hidden = comparison.shown_lanes()[1]
    comparison.rate_lane(hidden.key, "star")
    assert comparison.display_name(hidden) in ("Take 1", "Take 2")


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


def test_takes_for_a_replaced_original_are_dropped_unprocessed(qtbot, takes, monkeypatch) -> None:
    import threading

    from desktop_app.services import comparison as module

    original, paths = takes
    gate, prepared = threading.Event(), []
    real_loudness, real_prepare = module.region_loudness, module.prepare_take
    # The worker is held on lane 0's measurement until the second original is in place.
    monkeypatch.setattr(module, "region_loudness", lambda *a: gate.wait(20) and real_loudness(*a))
    monkeypatch.setattr(module, "prepare_take", lambda *a: prepared.append(1) or real_prepare(*a))
    comparison = Comparison()
    comparison.set_original(original, RATE)
    comparison.add_takes([TakeSource("job1", i, p) for i, (p, _s) in enumerate(paths, start=1)])
    comparison.set_original(original * 0.5, RATE)  # another job's original took over before they were ready
    gate.set()
    with qtbot.waitSignal(comparison.preparing, check_params_cb=lambda busy: not busy, timeout=WAIT_MS):
        pass
    assert [lane.key for lane in comparison.lanes] == [ORIGINAL]
    assert prepared == []  # skipped, not computed and thrown away
    # The worker goes on with the next request.
    with qtbot.waitSignal(comparison.lanes_changed, timeout=WAIT_MS):
        comparison.add_takes([TakeSource("job2", 1, paths[0][0])])
    assert [lane.key for lane in comparison.lanes] == [ORIGINAL, "job2:1"]
    assert prepared == [1]


def test_a_closed_comparison_hands_nothing_back(qtbot, takes, monkeypatch) -> None:
    import threading

    from PySide6.QtCore import QCoreApplication

    from desktop_app.services import comparison as module

    original, paths = takes
    gate, prepared = threading.Event(), []
    real_loudness = module.region_loudness
    monkeypatch.setattr(module, "region_loudness", lambda *a: gate.wait(20) and real_loudness(*a))
    monkeypatch.setattr(module, "prepare_take", lambda *a: prepared.append(1))
    comparison = Comparison()
    handed: list[object] = []
    comparison._ready.connect(handed.append)
    comparison._measured.connect(handed.append)
    comparison.set_original(original, RATE)
    comparison.add_takes([TakeSource("job1", 1, paths[0][0])])
    comparison.close()  # the window closes while the worker is busy
    gate.set()
    comparison._worker.shutdown(wait=True)  # the measurement that was running has ended
    QCoreApplication.processEvents()  # a hand-over, had one been sent, is delivered now
    assert handed == [] and prepared == []
