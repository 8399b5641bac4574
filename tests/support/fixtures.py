"""Fixtures shared by more than one test folder, registered for the whole suite by tests/conftest.py.

Core fixtures (a running local engine, songs on disk, the runner on a fault engine) import no Qt, so
``pytest -m core`` runs without PySide6; the GUI ones import the window inside the fixture.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from desktop_app.api.keys import KeyStore
from desktop_app.engine import LocalEngine
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.poll_scheduler import PollSchedule
from desktop_app.jobs.records import TakeRecord
from desktop_app.jobs.runner import RunnerSettings
from desktop_app.jobs.states import JobState
from desktop_app.jobs.store import JobStore
from tests.support import WAIT_MS
from tests.support.audio_files import tone, write
from tests.support.engine_songs import RATE, make_song
from tests.support.songs import BPM, DOWNBEAT, write_beat_song
from tests.support.takes import RATE as TAKE_RATE
from tests.support.takes import REGION, SHIFTS, take_song

# A jobs service that polls the local engine fast.
FAST = RunnerSettings(schedule=PollSchedule(min_interval=0.1, max_interval=0.3, eta_fraction=0.05, first_poll_cap=0.5))
SHORT_FORM = (("intro", 2), ("chorus", 4), ("verse", 4), ("chorus", 4), ("outro", 2))  # 32 s
FAULT_SONG_SECONDS = 3.0


# ------------------------------------------------------------------------------------- local engine
@pytest.fixture(scope="session")
def engine_session(tmp_path_factory):
    with LocalEngine(data_dir=tmp_path_factory.mktemp("engine-data"), faults="") as running:
        yield running


@pytest.fixture
def engine(engine_session):
    """The shared running engine with no faults before and after each test."""
    engine_session.set_faults(None)
    yield engine_session
    engine_session.set_faults(None)


@pytest.fixture(scope="session")
def fault_engine_session(tmp_path_factory):
    """A second engine for the fault tests, whose records they count (kept apart from the GUI's jobs)."""
    with LocalEngine(data_dir=tmp_path_factory.mktemp("fault-engine"), faults="") as running:
        yield running


@pytest.fixture
def fault_engine(fault_engine_session):
    """The fault engine with no faults before and after each test."""
    fault_engine_session.set_faults(None)
    yield fault_engine_session
    fault_engine_session.set_faults(None)


@pytest.fixture
def world(fault_engine, tmp_path):
    from tests.reliability.support import FaultWorld

    w = FaultWorld(fault_engine, tmp_path)
    yield w
    w.close()


# ---------------------------------------------------------------------------------------- songs
@pytest.fixture(scope="session")
def short_song(tmp_path_factory) -> Path:
    """A 32-second 16-bit stereo WAV with two identical-in-composition choruses."""
    samples, _ = make_song(SHORT_FORM)
    path = tmp_path_factory.mktemp("songs") / "short_song.wav"
    sf.write(str(path), samples, RATE, subtype="PCM_16")
    return path


@pytest.fixture(scope="session")
def short_song_mp3(tmp_path_factory, short_song) -> Path:
    samples, rate = sf.read(str(short_song), dtype="float32")
    path = tmp_path_factory.mktemp("songs") / "short_song.mp3"
    sf.write(str(path), samples, rate, format="MP3")
    return path


@pytest.fixture(scope="session")
def fault_song(tmp_path_factory) -> Path:
    """A 3-second stereo WAV (uploaded as it is)."""
    return write(tmp_path_factory.mktemp("fault-songs") / "song.wav", tone(int(44100 * FAULT_SONG_SECONDS), 2),
                 44100, "WAV", "PCM_16")  # fmt: skip


@pytest.fixture(scope="session")
def song_path(tmp_path_factory) -> Path:
    """24 s at BPM with the first downbeat at DOWNBEAT (the editor tests check the grid against it)."""
    return write_beat_song(tmp_path_factory.mktemp("songs") / "beat.wav", 24.0, bpm=BPM, first_downbeat=DOWNBEAT)


@pytest.fixture(scope="session")
def jobs_song(tmp_path_factory) -> Path:
    return write_beat_song(tmp_path_factory.mktemp("jobsongs") / "beat.wav", 24.0, bpm=120.0, first_downbeat=0.5)


# ------------------------------------------------------------------------------------ GUI windows
@pytest.fixture
def service(engine, tmp_path):
    """The jobs service on the local engine, polling fast."""
    from desktop_app.services.jobs_service import JobsService

    svc = JobsService(
        store=JobStore(tmp_path / "jobs.sqlite3"),
        factory=ClientFactory(local_engine=engine),
        settings=FAST,
        key_store=KeyStore(),
    )
    yield svc
    svc.shutdown()
    svc.store.close()


@pytest.fixture
def window(qtbot, tmp_path, song_path):
    """A shown main window with the editor tests' song open and its tempo estimated."""
    from desktop_app.services.settings import Settings
    from desktop_app.ui.main_window import MainWindow

    win = MainWindow(settings=Settings(str(tmp_path / "retake.ini")))
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.document.tempo_estimated, timeout=WAIT_MS):
        win.open_file(song_path)
    win.activateWindow()
    win.editor.view.setFocus()
    yield win
    win.close()


@pytest.fixture
def open_jobs_window(qtbot, tmp_path, service):
    """``open_jobs_window(song, size=(w, h))``: a shown main window with the jobs feature on the local
    engine and ``song`` open; closed after the test."""
    from desktop_app.services.settings import Settings
    from desktop_app.ui.main_window import MainWindow

    opened = []

    def make(song: Path, size: tuple[int, int] = (1400, 900)):
        win = MainWindow(settings=Settings(str(tmp_path / "retake.ini")), jobs_service=service)
        qtbot.addWidget(win)
        win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        with qtbot.waitSignal(win.document.clip_changed, timeout=WAIT_MS):
            win.open_file(song)
        opened.append(win)
        return win

    yield make
    for win in opened:
        win.close()


@pytest.fixture
def jobs_window(open_jobs_window, jobs_song):
    """A main window with the jobs feature on the local engine and a song open."""
    return open_jobs_window(jobs_song)


@pytest.fixture
def finished_job(tmp_path: Path):
    """An inpaint job in the store, done, with two takes on disk: (store, job id, song path, original samples)."""
    original = take_song(16, 1)
    song = tmp_path / "song.wav"
    sf.write(song, original, TAKE_RATE, subtype="FLOAT")
    store = JobStore(tmp_path / "jobs.sqlite3")
    job = store.create_job(
        "inpaint",
        "local",
        {"prompt": "new fill", "replace_start_at": REGION[0], "replace_end_at": REGION[1]},
        out_dir=tmp_path / "takes",
        input_path=song,
    )
    start, end = (int(t * TAKE_RATE) for t in REGION)
    (tmp_path / "takes").mkdir()
    for idx, (shift, gain) in enumerate(zip(SHIFTS, (2.0, 0.5), strict=True), start=1):
        take = np.roll(original, shift, axis=0).copy()
        take[start + shift : end + shift] = take_song(4, 10 + idx)
        path = tmp_path / "takes" / f"take-{idx}.wav"
        sf.write(path, take * gain, TAKE_RATE, subtype="FLOAT")
        store.add_take(job.id, TakeRecord(idx=idx, path=path, format="wav", duration=16.0))
    store.update(job.id, state=JobState.DONE, task_id="t1")
    yield store, job.id, song, original
    store.close()


@pytest.fixture
def finished_job_window(qtbot, tmp_path, finished_job):
    """A main window with ``finished_job``'s song open and its takes not brought in yet."""
    from desktop_app.jobs.clients import ClientFactory
    from desktop_app.services.jobs_service import JobsService
    from desktop_app.services.settings import Settings
    from desktop_app.ui.main_window import MainWindow

    store, _job_id, song, _original = finished_job
    service = JobsService(store=store, factory=ClientFactory())
    win = MainWindow(settings=Settings(str(tmp_path / "retake.ini")), jobs_service=service)
    qtbot.addWidget(win)
    win.resize(1400, 950)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.document.clip_changed, timeout=WAIT_MS):
        win.open_file(song)
    yield win
    win.close()


@pytest.fixture
def results_window(qtbot, finished_job_window, finished_job):
    """A main window showing ``finished_job``'s takes beside the original."""
    win, job_id = finished_job_window, finished_job[1]
    with qtbot.waitSignal(win.results.comparison.lanes_changed, timeout=WAIT_MS):
        assert win.results.show_job(job_id)
    comparison = win.results.comparison
    qtbot.waitUntil(
        lambda: len(comparison.lanes) == 3 and all(lane.figures is not None for lane in comparison.lanes[1:]),
        timeout=WAIT_MS,
    )
    win.activateWindow()
    win.editor.view.setFocus()
    return win
