"""The working version without any widget: replace, undo, redo, back to original; the source file untouched."""

from __future__ import annotations

import numpy as np
import soundfile as sf

from desktop_app.audio import Clip, load
from desktop_app.services.document import Document
from desktop_app.services.working_version import current_audio_file

RATE = 8000


def _document(tmp_path) -> tuple[Document, np.ndarray]:
    song = tmp_path / "song.wav"
    samples = (np.random.default_rng(1).standard_normal((RATE * 3, 2)) * 0.1).astype(np.float32)
    sf.write(song, samples, RATE, subtype="FLOAT")
    document = Document()
    clip: Clip = load(song)
    document.set_clip(clip, path=song)
    return document, clip.samples


def test_replace_undo_and_back_to_original(qtbot, tmp_path) -> None:
    document, source = _document(tmp_path)
    working = document.working
    assert not working.edited and current_audio_file(document) == document.path
    edited = source * 0.5
    with qtbot.waitSignal(working.replaced, timeout=10000):
        working.replace(edited, "Use take 1")  # saved and summarised on the worker thread
    assert document.clip.samples is edited and document.peaks.samples is edited
    assert working.edited and working.path is not None and working.path.exists()
    assert current_audio_file(document) == working.path
    np.testing.assert_array_equal(load(working.path).samples, edited)
    np.testing.assert_array_equal(load(document.path).samples, source)  # the source file is never written

    document.undo_stack.undo()
    assert document.clip.samples is source and not working.edited and working.path is None
    document.undo_stack.redo()
    assert document.clip.samples is edited and working.path is not None

    assert working.back_to_original()
    assert document.clip.samples is source and working.path is None
    assert not working.back_to_original()  # nothing to go back from
    document.undo_stack.undo()  # "back to original" is itself one undo step
    assert document.clip.samples is edited


def test_an_edit_keeps_region_and_says_it_is_an_edit(qtbot, tmp_path) -> None:
    document, source = _document(tmp_path)
    document.region.set_range(1.0, 2.0)
    seen: list[bool] = []
    document.clip_changed.connect(lambda: seen.append(document.replacing_audio))
    with qtbot.waitSignal(document.working.replaced, timeout=10000):
        document.working.replace(source[::-1].copy(), "Use whole take")
    assert seen == [True] and document.replacing_audio is False
    assert document.region.bounds() == (1.0, 2.0)
    document.working.close()  # the connected lambda keeps the document alive past the test


def test_a_replacement_for_a_song_since_closed_is_dropped(qtbot, tmp_path) -> None:
    document, source = _document(tmp_path)
    document.working.replace(source * 0.5, "Use take 1")
    document.set_clip(Clip(source.copy(), RATE, document.clip.info), path=document.path)  # the song reopened
    with qtbot.waitSignal(document.working.busy_changed, check_params_cb=lambda busy: not busy, timeout=10000):
        pass
    assert not document.working.edited and document.undo_stack.count() == 0
