"""Pytest fixtures for the fault, kill-point and restart tests (imported by those modules).

The suite's ``conftest.py`` belongs to the bad-input tests and already names an ``engine`` fixture
(the GUI jobs engine), so these carry their own names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.engine import LocalEngine
from tests.reliability.support import FaultWorld
from tests.support.audio_files import tone, write

SONG_SECONDS = 3.0
__all__ = ["fault_engine", "fault_engine_session", "fault_song", "world"]


@pytest.fixture(scope="session")
def fault_engine_session(tmp_path_factory):
    with LocalEngine(data_dir=tmp_path_factory.mktemp("fault-engine"), faults="") as running:
        yield running


@pytest.fixture
def fault_engine(fault_engine_session):
    """The shared engine with no faults before and after each test."""
    fault_engine_session.set_faults(None)
    yield fault_engine_session
    fault_engine_session.set_faults(None)


@pytest.fixture(scope="session")
def fault_song(tmp_path_factory) -> Path:
    """A 3-second stereo WAV (uploaded as it is)."""
    return write(tmp_path_factory.mktemp("fault-songs") / "song.wav", tone(int(44100 * SONG_SECONDS), 2), 44100,
                 "WAV", "PCM_16")  # fmt: skip


@pytest.fixture
def world(fault_engine, tmp_path):
    w = FaultWorld(fault_engine, tmp_path)
    yield w
    w.close()
