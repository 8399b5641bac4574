"""A main window with a finished inpaint job on its song: takes shifted, re-levelled, region replaced."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore, TakeRecord
from desktop_app.services.settings import Settings
from tests.support import WAIT_MS

RATE = 44100
REGION = (6.0, 10.0)
SHIFTS = (300, -120)


def _song(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    base = 0.2 * np.sin(2 * np.pi * 110 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.5 * t))
    return (base[:, None] + rng.standard_normal((len(t), 2)) * 0.05).astype(np.float32)


@pytest.fixture
def finished_job(tmp_path: Path):
    original = _song(16, 1)
    song = tmp_path / "song.wav"
    sf.write(song, original, RATE, subtype="FLOAT")
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create_job(
        "inpaint",
        "local",
        {"prompt": "new fill", "replace_start_at": REGION[0], "replace_end_at": REGION[1]},
        out_dir=tmp_path / "takes",
        input_path=song,
    )
    start, end = (int(t * RATE) for t in REGION)
    (tmp_path / "takes").mkdir()
    for idx, (shift, gain) in enumerate(zip(SHIFTS, (2.0, 0.5), strict=True), start=1):
        take = np.roll(original, shift, axis=0).copy()
        take[start + shift : end + shift] = _song(4, 10 + idx)
        path = tmp_path / "takes" / f"take-{idx}.wav"
        sf.write(path, take * gain, RATE, subtype="FLOAT")
        store.add_take(job.id, TakeRecord(idx=idx, path=path, format="wav", duration=16.0))
    store.update(job.id, state=JobState.DONE, task_id="t1")
    yield store, job.id, song, original
    store.close()


@pytest.fixture
def results_window(qtbot, tmp_path, finished_job):
    from desktop_app.jobs.clients import ClientFactory
    from desktop_app.services.jobs_service import JobsService
    from desktop_app.ui.main_window import MainWindow

    store, job_id, song, _original = finished_job
    service = JobsService(store=store, factory=ClientFactory())
    win = MainWindow(settings=Settings(str(tmp_path / "retake.ini")), jobs_service=service)
    qtbot.addWidget(win)
    win.resize(1400, 950)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.document.clip_changed, timeout=WAIT_MS):
        win.open_file(song)
    with qtbot.waitSignal(win.results.comparison.lanes_changed, timeout=WAIT_MS):
        assert win.results.show_job(job_id)
    qtbot.waitUntil(lambda: len(win.results.comparison.lanes) == 3, timeout=WAIT_MS)
    win.activateWindow()
    win.editor.view.setFocus()
    yield win
    win.close()
