"""Opening songs in the background: progress, tempo, superseded opens, bad files keep the song."""

from __future__ import annotations

import pytest

from desktop_app.services.document import Document
from tests.support import WAIT_MS
from tests.support.audio_files import bad_files
from tests.support.songs import write_beat_song


@pytest.fixture
def document(qapp):
    doc = Document()
    yield doc
    doc.shutdown()


def test_open_reports_progress_then_the_clip_then_the_tempo(qtbot, document, tmp_path) -> None:
    path = write_beat_song(tmp_path / "long.wav", 70.0, bpm=126.0, first_downbeat=0.2)
    fractions: list[float] = []
    document.loading_progress.connect(lambda _pyr, fraction, rate: fractions.append((fraction, rate)))
    with qtbot.waitSignal(document.tempo_estimated, timeout=WAIT_MS):
        document.open(path)
        assert document.is_loading
    assert not document.is_loading
    assert fractions[0][0] < 1.0 and fractions[0][1] == 44100  # drawn before the decode finished
    assert document.clip is not None and document.clip.duration == pytest.approx(70.0)
    assert document.peaks.complete
    assert document.region.duration == pytest.approx(70.0)
    assert document.tempo.bpm == pytest.approx(126.0, abs=0.05)
    assert document.tempo.source == "estimated"


@pytest.mark.parametrize("kind", ["zero bytes", "text renamed .wav", "random bytes named .flac", "NaN in float wav"])
def test_a_bad_file_fails_with_the_reason_and_keeps_the_song(qtbot, document, tmp_path, kind: str) -> None:
    good = write_beat_song(tmp_path / "good.wav", 4.0)
    with qtbot.waitSignal(document.clip_changed, timeout=10000):
        document.open(good)
    document.region.set_range(1.0, 2.0)
    clip = document.clip
    bad = bad_files(tmp_path / "bad")[kind]
    with qtbot.waitSignal(document.load_failed, timeout=10000) as failed:
        document.open(bad)
    path, message = failed.args
    assert path == str(bad)
    assert bad.name in message and len(message) > len(bad.name) + 10
    assert document.clip is clip and document.region.bounds() == (1.0, 2.0)


def test_opening_again_supersedes_the_first_open(qtbot, document, tmp_path) -> None:
    first = write_beat_song(tmp_path / "first.wav", 60.0)
    second = write_beat_song(tmp_path / "second.wav", 3.0)
    opened: list[str] = []
    document.clip_changed.connect(lambda: opened.append(document.path.name))
    document.open(first)
    with qtbot.waitSignal(document.tempo_estimated, timeout=WAIT_MS):
        document.open(second)
    document.shutdown()  # joins the first open's thread too: anything it still emits is dropped
    qtbot.wait(50)
    assert opened == ["second.wav"]
