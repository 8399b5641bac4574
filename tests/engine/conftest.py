"""Fixtures for the local engine tests: generated songs on disk and a running engine."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from desktop_app.engine import LocalEngine
from tests.engine.songs import BAR, RATE, make_song

SHORT_FORM = (("intro", 2), ("chorus", 4), ("verse", 4), ("chorus", 4), ("outro", 2))  # 32 s


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
def engine_session(tmp_path_factory):
    engine = LocalEngine(data_dir=tmp_path_factory.mktemp("engine-data"), faults="")
    engine.start()
    yield engine
    engine.stop()


@pytest.fixture
def engine(engine_session):
    """The shared running engine with no faults before and after each test."""
    engine_session.set_faults(None)
    yield engine_session
    engine_session.set_faults(None)


__all__ = ["BAR", "RATE"]
