"""The comp model without widgets: swiping takes over spans, undo, snapping, inpaint regions, seams."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from desktop_app.audio.comp import render
from desktop_app.audio.seams import POOR
from desktop_app.audio.snap import BeatGrid
from desktop_app.services.comp_session import ORIGINAL, CompRange, CompSession, CompSource
from tests.support import WAIT_MS
from tests.support.music import make_song

RATE = 44100


@pytest.fixture(scope="module")
def song():
    return make_song(16.0)


@pytest.fixture
def session(qapp, song) -> CompSession:
    original = song.mix
    comp = CompSession(original, RATE, QUndoStack())
    half = original.shape[0] // 2
    repeat = original.copy()
    repeat[half:] = original[:half]  # the second half's own repeat: identical music
    comp.add_source(CompSource("t1", "Take 1", repeat, job="job-1", engine="local"))
    comp.add_source(CompSource("t2", "Take 2", original * 2.0, job="job-1", engine="local"))
    inpaint = original.copy()
    inpaint[4 * RATE : 6 * RATE] *= 0.9
    comp.add_source(CompSource("t3", "Take 3", inpaint, job="job-0", engine="musicgpt", region=(4 * RATE, 6 * RATE)))
    burst = original.copy()
    noise = np.random.default_rng(1).standard_normal((int(0.3 * RATE), 2)).astype(np.float32)
    burst[9 * RATE : 9 * RATE + noise.shape[0]] = 0.5 * noise  # 300 ms that fit nothing, then the song
    comp.add_source(CompSource("t4", "Take 4", burst, job="job-2", engine="local"))
    return comp


def test_swiping_takes_builds_the_comp_and_undo_walks_back(session: CompSession, qtbot) -> None:
    with qtbot.waitSignal(session.changed):
        assert session.assign("t1", 1.0, 3.0, free=True) is None
    session.assign("t2", 2.0, 5.0, free=True)  # trims take 1
    assert session.ranges == (CompRange("t1", RATE, 2 * RATE), CompRange("t2", 2 * RATE, 5 * RATE))
    session.assign(ORIGINAL, 3.0, 4.0, free=True)  # the original clears a hole: take 2 splits
    assert session.ranges == (CompRange("t1", RATE, 2 * RATE), CompRange("t2", 2 * RATE, 3 * RATE),
                              CompRange("t2", 4 * RATE, 5 * RATE))  # fmt: skip
    assert session.source_at(3.5) == ORIGINAL and session.source_at(4.5) == "t2"
    session.undo_stack.undo()
    assert session.ranges[-1] == CompRange("t2", 2 * RATE, 5 * RATE)
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert session.ranges == ()
    session.undo_stack.redo()
    assert session.ranges == (CompRange("t1", RATE, 3 * RATE),)


def test_one_drag_is_one_undo_step_and_same_take_ranges_join(session: CompSession) -> None:
    for end in (2.0, 2.5, 3.0):
        session.assign("t1", 1.0, end, free=True, merge_key=7)
    assert session.undo_stack.count() == 1
    session.assign("t1", 3.0, 4.0, free=True)
    assert session.ranges == (CompRange("t1", RATE, 4 * RATE),)  # no seam between a take and itself


def test_range_edges_snap_to_beats_and_zero_crossings_unless_free(session: CompSession) -> None:
    session.set_grid(BeatGrid(120.0, 0.0))
    session.assign("t1", 1.06, 2.97)
    (snapped,) = session.ranges
    assert abs(snapped.start - RATE) <= 0.005 * RATE and abs(snapped.end - 3 * RATE) <= 0.005 * RATE
    mono = session.original.sum(axis=1)
    assert np.signbit(mono[snapped.start - 1]) != np.signbit(mono[snapped.start])  # a zero crossing
    session.clear()
    session.assign("t1", 1.06, 2.97, free=True)
    assert session.ranges == (CompRange("t1", round(1.06 * RATE), round(2.97 * RATE)),)


def test_inpaint_takes_stay_inside_their_region(session: CompSession) -> None:
    assert session.assign("t3", 3.0, 7.0, free=True) is None
    assert session.ranges == (CompRange("t3", 4 * RATE, 6 * RATE),)
    reason = session.assign("t3", 8.0, 9.0, free=True)
    assert reason == "“Take 3” is an inpaint take: it can only play inside its region (4.00–6.00 s)."
    assert session.move_boundary(6.0, 7.0) is not None  # out of its region: refused, nothing changes
    assert session.ranges == (CompRange("t3", 4 * RATE, 6 * RATE),)


def test_bad_edits_are_refused_with_a_sentence(session: CompSession, song) -> None:
    assert session.assign("nope", 1.0, 2.0) == "That take is not available to comp."
    assert "at least 50 ms" in session.assign("t1", 1.0, 1.01, free=True)
    short = CompSource("cut", "Cut", song.mix[:RATE], job="x")
    assert "not aligned to the song" in session.add_source(short)
    assert session.move_boundary(9.0, 9.5) == "There is no seam there to move."
    assert session.undo_stack.count() == 0


def test_the_comp_renders_through_audio_comp(session: CompSession) -> None:
    session.assign("t1", 9.0, 11.0, free=True)
    session.assign("t2", 11.0, 12.0, free=True)
    expected = render(session.original, RATE, session.segments(), session.crossfade_s)
    assert np.array_equal(session.render(), expected)
    assert session.render() is session.render()  # cached until an edit
    session.set_crossfade(0.0)
    first, second = session.segments()  # no fades: each take exactly over its range
    assert np.array_equal(session.render()[9 * RATE : 11 * RATE], first.samples[9 * RATE : 11 * RATE])
    assert np.array_equal(session.render()[11 * RATE : 12 * RATE], second.samples[11 * RATE : 12 * RATE])
    session.undo_stack.undo()
    assert not np.array_equal(session.render(), expected)


def test_seams_are_judged_and_a_poor_one_is_fixed_in_one_click(session: CompSession) -> None:
    session.set_grid(BeatGrid(120.0, 0.0))
    session.assign("t1", 9.0, 11.0, free=True)  # the repeat: clean joins
    session.assign("t2", 11.0, 12.0, free=True)  # +6 dB: poor joins
    reports = session.seam_reports()
    assert [round(r.at_s, 3) for r in reports] == [9.0, 11.0, 12.0]
    assert reports[0].verdict == "clean" and reports[1].verdict == reports[2].verdict == POOR
    assert reports[1].reason == "level jumps +6.0 dB at 11.00 s"
    # A take too loud throughout cannot be fixed by moving its seam: no proposal, and a refusal.
    assert reports[1].proposed_at_s is None and session.apply_proposal(reports[1]) is not None
    assert session.move_boundary(11.0, 11.5) is None
    assert session.ranges[0].end == session.ranges[1].start == round(11.5 * RATE)


def test_a_poor_seam_is_fixed_in_one_click(session: CompSession) -> None:
    session.set_grid(BeatGrid(120.0, 0.0))
    session.assign("t4", 9.0, 11.0, free=True)
    first = session.seam_reports()[0]
    assert first.verdict == POOR and first.proposed_verdict == "clean"
    assert 9.3 <= first.proposed_at_s <= 9.5 + 1e-6  # past the burst, within a beat
    assert session.apply_proposal(first) is None
    assert session.ranges == (CompRange("t4", round(first.proposed_at_s * RATE), 11 * RATE),)
    assert session.seam_reports()[0].verdict == "clean"
    session.undo_stack.undo()
    assert session.ranges == (CompRange("t4", 9 * RATE, 11 * RATE),)


def test_the_sidecar_description_lists_take_job_engine_and_range(session: CompSession) -> None:
    session.assign("t1", 9.0, 10.0, free=True)
    session.assign("t3", 4.5, 5.5, free=True)
    assert session.describe() == [
        {"take": "Take 3", "job": "job-0", "engine": "musicgpt", "start": 4.5, "end": 5.5},
        {"take": "Take 1", "job": "job-1", "engine": "local", "start": 9.0, "end": 10.0},
    ]


def test_use_comp_makes_it_the_working_version_undoably(qtbot, tmp_path) -> None:
    import soundfile as sf

    from desktop_app.services.document import Document

    song = make_song(8.0)
    path = tmp_path / "song.wav"
    sf.write(str(path), song.mix, RATE, subtype="FLOAT")
    document = Document()
    try:
        with qtbot.waitSignal(document.clip_changed, timeout=WAIT_MS):
            document.open(path)
        original = document.clip.samples
        comp = CompSession(original, RATE, document.undo_stack)
        assert comp.use_as_working_version(document) == (
            "The comp is still the original: swipe a take over part of the song first."
        )
        comp.add_source(CompSource("t", "Take", original * 0.5))
        comp.assign("t", 2.0, 4.0, free=True)
        with qtbot.waitSignal(document.working.replaced, timeout=WAIT_MS):
            assert comp.use_as_working_version(document) is None
        assert np.array_equal(document.clip.samples, comp.render())
        assert document.working.path is not None and document.working.path.is_file()
        document.undo_stack.undo()  # "Use comp" first, then the comp edit itself
        assert np.array_equal(document.clip.samples, original)
        assert comp.ranges == (CompRange("t", 2 * RATE, 4 * RATE),)
    finally:
        document.shutdown()


def test_export_writes_the_comp_and_a_sidecar_listing_the_segments(session: CompSession, tmp_path) -> None:
    import json

    import soundfile as sf

    session.assign("t3", 4.5, 5.5, free=True)
    path = session.export(tmp_path / "comp", "wav32f", "My comp", "song.wav")
    assert path.name == "comp.wav"
    written, rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert rate == RATE and np.array_equal(written, session.render())
    sidecar = json.loads((tmp_path / "comp.wav.json").read_text(encoding="utf-8"))
    assert sidecar["operation"] == "comp" and sidecar["source_file"] == "song.wav"
    assert sidecar["parameters"]["segments"] == [
        {"take": "Take 3", "job": "job-0", "engine": "musicgpt", "start": 4.5, "end": 5.5}
    ]
    with pytest.raises(FileExistsError):
        session.export(tmp_path / "comp.wav", "wav32f", "My comp")


def test_the_comp_is_heard_at_the_takes_matched_levels_and_kept_at_their_own(session: CompSession) -> None:
    session.assign("t2", 2.0, 5.0, free=True)  # take 2 is the song at +6 dB
    kept = session.render()
    session.set_listening_gains({"t2": 0.5, "t1": 1.0, "nobody": 3.0})  # matching brings take 2 back down
    work = session.settle_work()
    assert work is not None and session.adopt(work())
    heard = session.heard
    assert heard is not None
    inside = slice(3 * RATE, 4 * RATE)
    assert np.allclose(heard[inside], session.original[inside], atol=1e-6)  # 2.0 × 0.5: the song's own level
    assert np.array_equal(session.render(), kept)  # Use comp and export keep take 2 as it came
    assert np.allclose(kept[inside], 2.0 * session.original[inside])
    session.set_listening_gains({})  # matching off: heard as kept
    assert np.array_equal(session.render_heard(), kept)
    stale = session.settle_work()
    session.set_listening_gains({"t2": 0.25})
    assert stale is None or not session.adopt(stale())  # measured at other gains: not taken
