"""The bad files a producer meets raise the right typed error, with a sentence they can act on."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from desktop_app.audio import load, load_with_peaks
from desktop_app.audio.errors import (
    AudioError,
    NonFiniteSamplesError,
    TooLongError,
    TruncatedFileError,
    UnreadableFileError,
)
from tests.support.audio_files import BAD_FILE_ERRORS as EXPECTED
from tests.support.audio_files import bad_files, tone, write

# Words that mean a library's or the OS's message leaked through to the user.
JARGON = re.compile(r"errno|libsndfile|sndfile|ffmpeg|mpg123|traceback|exception|0x[0-9a-f]+|lost sync", re.I)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return bad_files(tmp_path_factory.mktemp("bad"))


def test_every_bad_file_has_an_expectation(files: dict[str, Path]):
    assert set(files) == set(EXPECTED)


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("loader", [load, load_with_peaks], ids=["load", "load_with_peaks"])
def test_bad_file_raises_typed_readable_error(files: dict[str, Path], kind: str, loader):
    path = files[kind]
    with pytest.raises(AudioError) as caught:
        loader(path)
    assert type(caught.value) is EXPECTED[kind], f"{kind}: {caught.value!r}"
    message = str(caught.value)
    assert message.startswith(f"“{path.name}”: ") and message.endswith((".", ")"))
    assert not JARGON.search(message), message
    assert caught.value.path == path


def test_truncated_mp3_prints_nothing_on_stderr(files: dict[str, Path], capfd: pytest.CaptureFixture[str]):
    """libmpg123 prints a warning about the Xing tag on stderr; we stop before it gets the file."""
    with pytest.raises(TruncatedFileError):
        load(files["truncated mp3"])
    assert capfd.readouterr().err == ""


def test_the_full_versions_of_the_truncated_files_load(files: dict[str, Path]):
    folder = files["truncated wav"].parent
    for name in ("song.mp3", "song.wav", "song.flac", "song.aiff", "song.opus", "song.m4a"):
        clip = load(folder / name)
        assert clip.frames == (48000 if name.endswith("opus") else 44100) * 3


def test_truncated_message_tells_how_far_the_audio_goes(tmp_path: Path):
    """A FLAC cut after its first 24 s decodes that far; the message says so in m:ss."""
    data = tone(44100 * 60, 1, fade_frames=441)
    path = write(tmp_path / "long.flac", data, 44100, "FLAC", "PCM_16")
    path.write_bytes(path.read_bytes()[: path.stat().st_size * 3 // 4])
    with pytest.raises(TruncatedFileError, match=r"after 0:\d\d of 1:00"):
        load(path)


@pytest.mark.parametrize("loader", [load, load_with_peaks], ids=["load", "load_with_peaks"])
def test_too_long_is_refused_before_decoding(tmp_path: Path, loader):
    path = write(tmp_path / "long.wav", tone(44100 * 3, 2), 44100, "WAV", "PCM_16")
    with pytest.raises(TooLongError, match=r"it is 0:03 long; Retake opens files up to 0:02\.5"):
        loader(path, max_seconds=2.5)
    assert loader(path, max_seconds=3.0)  # exactly at the cap is fine


def test_too_long_via_ffmpeg_path(tmp_path: Path):
    from tests.support.audio_files import write_m4a

    path = write_m4a(tmp_path / "long.m4a", tone(44100 * 3, 2), 44100)
    with pytest.raises(TooLongError):
        load(path, max_seconds=1)


def test_nan_deep_inside_a_long_file_is_found(tmp_path: Path):
    """The non-finite check covers every chunk, not just the first."""
    data = tone(44100 * 60, 2)
    data[-3, 1] = np.nan
    path = write(tmp_path / "late_nan.wav", data, 44100, "WAV", "FLOAT")
    for loader in (load, load_with_peaks):
        with pytest.raises(NonFiniteSamplesError):
            loader(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file regardless of permissions")
def test_unreadable_file(tmp_path: Path):
    path = write(tmp_path / "locked.wav", tone(100, 1), 44100, "WAV", "PCM_16")
    path.chmod(0)
    with pytest.raises(UnreadableFileError, match="not allowed to read"):
        load(path)
