"""Opening a song: the tempo estimated beside the decode, and an open started before the window."""

from __future__ import annotations

import pytest

from desktop_app.audio import load
from desktop_app.audio import opening as opening_module
from desktop_app.audio.opening import Opening, claim, prefetch
from desktop_app.audio.tempo import estimate_tempo
from desktop_app.services.document import Document
from tests.support import WAIT_MS
from tests.support.songs import write_beat_song


@pytest.fixture
def document(qapp):
    doc = Document()
    yield doc
    doc.shutdown()


def test_the_tempo_estimated_beside_the_decode_is_the_one_of_the_whole_song(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(opening_module, "TEMPO_SECONDS", 30.0)  # a short song still starts it mid-decode
    path = write_beat_song(tmp_path / "song.wav", 75.0, bpm=124.0, first_downbeat=0.3)
    started_at: list[int] = []
    real_start = Opening._start_tempo

    def start(self, samples, rate):
        started_at.append(samples.shape[0])
        real_start(self, samples, rate)

    monkeypatch.setattr(Opening, "_start_tempo", start)
    opening = Opening(path)
    opening.run()
    assert isinstance(opening.outcome, tuple)  # (clip, peaks): the decode succeeded
    assert started_at == [30 * 44100]  # started on the first 30 s, before the rest was decoded
    whole = estimate_tempo(load(path).samples, 44100, max_seconds=30.0)
    assert opening.tempo() == whole and whole is not None and whole.bpm == pytest.approx(124.0, abs=0.05)


def test_a_prefetched_open_is_adopted_by_the_window(qtbot, document, tmp_path, monkeypatch) -> None:
    path = write_beat_song(tmp_path / "song.wav", 20.0, bpm=120.0)
    decodes: list[str] = []
    real_run = Opening.run
    monkeypatch.setattr(Opening, "run", lambda self: (decodes.append(self.path.name), real_run(self))[1])
    prefetch(path)
    with qtbot.waitSignal(document.tempo_estimated, timeout=WAIT_MS):
        document.open(path)
    assert decodes == ["song.wav"]  # decoded once, on the prefetch thread
    assert document.clip is not None and document.clip.duration == pytest.approx(20.0)
    assert document.peaks.complete and document.tempo.bpm == pytest.approx(120.0, abs=0.05)
    assert claim(path) is None  # adopted once


def test_a_prefetch_of_another_file_is_dropped(qtbot, document, tmp_path) -> None:
    prefetch(write_beat_song(tmp_path / "first.wav", 5.0))
    second = write_beat_song(tmp_path / "second.wav", 3.0)
    with qtbot.waitSignal(document.tempo_estimated, timeout=WAIT_MS):
        document.open(second)
    assert document.path.name == "second.wav" and document.clip.duration == pytest.approx(3.0)


def test_a_prefetched_bad_file_fails_with_its_reason(qtbot, document, tmp_path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio at all, just some notes about the mix\n" * 20)
    prefetch(bad)
    with qtbot.waitSignal(document.load_failed, timeout=WAIT_MS) as failed:
        document.open(bad)
    assert failed.args[0] == str(bad) and "text file" in failed.args[1]
