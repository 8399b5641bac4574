"""Sources the services may not take are converted; MP3/WAV/M4A go as they are; the source is never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.api.transcode import is_accepted_as_is, prepare_upload
from desktop_app.audio import AudioError, load
from tests.support.audio_files import tone, write, write_m4a


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@pytest.mark.parametrize(("name", "fmt"), [("a.wav", "WAV"), ("a.mp3", "MP3")])
def test_accepted_formats_are_uploaded_unchanged(tmp_path: Path, name: str, fmt: str) -> None:
    source = write(tmp_path / name, tone(4410), 44100, fmt)
    prepared = prepare_upload(source, tmp_path / "work")
    assert prepared.path == source and not prepared.transcoded


def test_m4a_is_accepted(tmp_path: Path) -> None:
    source = write_m4a(tmp_path / "a.m4a", tone(44100), 44100)
    assert is_accepted_as_is(source)


def test_flac_becomes_wav_and_the_source_is_untouched(tmp_path: Path) -> None:
    source = write(tmp_path / "song.flac", tone(44100), 44100, "FLAC")
    before = snapshot(source)
    prepared = prepare_upload(source, tmp_path / "work")
    assert prepared.transcoded and prepared.format == "wav" and prepared.path.parent == tmp_path / "work"
    assert load(prepared.path).frames == 44100
    assert snapshot(source) == before


def test_large_sources_become_mp3_above_the_users_threshold(tmp_path: Path) -> None:
    source = write(tmp_path / "song.ogg", tone(44100 * 2), 44100, "OGG")
    prepared = prepare_upload(source, tmp_path / "work", mp3_above_bytes=100_000)
    assert prepared.format == "mp3" and prepared.path.suffix == ".mp3"
    assert load(prepared.path).info.format == "MP3"


def test_a_wav_name_on_other_content_is_converted(tmp_path: Path) -> None:
    source = write(tmp_path / "really_flac.wav", tone(4410), 44100, "FLAC")
    assert not is_accepted_as_is(source)
    assert prepare_upload(source, tmp_path / "work").transcoded


def test_a_file_that_is_not_audio_fails_with_the_audio_error(tmp_path: Path) -> None:
    source = tmp_path / "notes.aiff"
    source.write_text("not audio at all")
    with pytest.raises(AudioError):
        prepare_upload(source, tmp_path / "work")
