"""A main window with the jobs feature on a real local engine (loopback), polling fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.api.keys import KeyStore
from desktop_app.engine import LocalEngine
from desktop_app.jobs.clients import ClientFactory
from desktop_app.jobs.poll_scheduler import PollSchedule
from desktop_app.jobs.runner import RunnerSettings
from desktop_app.jobs.store import JobStore
from desktop_app.services.jobs_service import JobsService
from desktop_app.services.settings import Settings
from tests.ui.songs import write_beat_song

FAST = RunnerSettings(schedule=PollSchedule(min_interval=0.1, max_interval=0.3, eta_fraction=0.05, first_poll_cap=0.5))


@pytest.fixture(scope="session")
def engine(tmp_path_factory):
    with LocalEngine(data_dir=tmp_path_factory.mktemp("engine")) as running:
        yield running


@pytest.fixture(scope="session")
def jobs_song(tmp_path_factory) -> Path:
    return write_beat_song(tmp_path_factory.mktemp("jobsongs") / "beat.wav", 24.0, bpm=120.0, first_downbeat=0.5)


@pytest.fixture
def service(engine, tmp_path):
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
def jobs_window(qtbot, tmp_path, jobs_song, service):
    from desktop_app.ui.main_window import MainWindow

    win = MainWindow(settings=Settings(str(tmp_path / "retake.ini")), jobs_service=service)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.document.clip_changed, timeout=20000):
        win.open_file(jobs_song)
    yield win
    win.close()
