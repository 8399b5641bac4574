"""``save`` round-trips WAV 16/24/float, FLAC, MP3, M4A, OGG and Opus (with tags) and never leaves a ``.part``."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from desktop_app.audio import Clip, load, save
from desktop_app.audio.errors import AudioWriteError
from desktop_app.audio.ffmpeg import ffmpeg_exe
from tests.support.audio_files import tone

TAGS = {"title": "Chorus take 2", "artist": "Retake Tester", "album": "Demos", "comment": "kept take 2"}


def _clip(frames: int = 44100 + 37, channels: int = 2, rate: int = 44100) -> Clip:
    return Clip.from_array(tone(frames, channels, rate, fade_frames=rate // 100), rate)


def _ffmpeg_tags(path: Path) -> dict[str, str]:
    """Tags as ffmpeg's banner lists them (an independent reader of what we wrote)."""
    banner = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    return {m[1].lower(): m[2].strip() for m in re.finditer(r"^\s{4}(\w+)\s*: (.*)$", banner, re.M)}


@pytest.mark.parametrize(
    ("subtype", "bits"), [("PCM_16", 16), ("PCM_24", 24), ("FLOAT", 32)], ids=["wav16", "wav24", "float"]
)
def test_wav_round_trip(tmp_path: Path, subtype: str, bits: int):
    clip = _clip()
    path = save(clip, tmp_path / "out.wav", wav_subtype=subtype, tags=TAGS)
    back = load(path)
    assert back.info.subtype == subtype and back.info.bit_depth == bits
    assert back.frames == clip.frames and back.sample_rate == clip.sample_rate
    tolerance = 0 if subtype == "FLOAT" else 1.01 / 2 ** (bits - 1)
    assert np.abs(back.samples - clip.samples).max() <= tolerance
    with sf.SoundFile(str(path)) as f:
        assert (f.title, f.artist, f.album, f.comment) == tuple(TAGS.values())


@pytest.mark.parametrize(("requested", "stored"), [("PCM_16", "PCM_16"), ("PCM_24", "PCM_24"), ("FLOAT", "PCM_24")])
def test_flac_round_trip(tmp_path: Path, requested: str, stored: str):
    clip = _clip(channels=6, rate=96000)
    path = save(clip, tmp_path / "out.flac", wav_subtype=requested, tags=TAGS)
    back = load(path)
    assert (back.info.format, back.info.subtype, back.channels, back.sample_rate) == ("FLAC", stored, 6, 96000)
    assert back.frames == clip.frames
    assert np.abs(back.samples - clip.samples).max() <= 1.01 / 2 ** (int(stored[-2:]) - 1)
    assert _ffmpeg_tags(path)["title"] == TAGS["title"]


@pytest.mark.parametrize(("channels", "rate"), [(1, 44100), (2, 44100), (2, 48000), (2, 22050)])
def test_mp3_round_trip_with_tags(tmp_path: Path, channels: int, rate: int):
    clip = _clip(rate * 2 + 37, channels, rate)
    path = save(clip, tmp_path / "out.mp3", tags=TAGS)
    back = load(path)
    assert (back.info.format, back.channels, back.sample_rate) == ("MP3", channels, rate)
    assert back.frames == clip.frames  # LAME's gapless tag lets the decoder trim delay and padding
    noise = ((back.samples - clip.samples) ** 2).sum(axis=0)
    assert (10 * np.log10((clip.samples**2).sum(axis=0) / noise)).min() > 20
    tags = _ffmpeg_tags(path)
    assert {k: tags.get(k) for k in TAGS} == TAGS


@pytest.mark.parametrize(("suffix", "codec"), [("m4a", "aac"), ("ogg", "vorbis"), ("opus", "opus")])
@pytest.mark.parametrize("channels", [1, 2])
def test_shared_formats_decode_back_to_the_right_length_with_tags(tmp_path: Path, suffix, codec, channels):
    """M4A (AAC), OGG Vorbis and Opus, encoded by pydub through the bundled ffmpeg."""
    clip = _clip(44100 * 2 + 37, channels, 44100)
    path = save(clip, tmp_path / f"out.{suffix}", tags=TAGS)
    back = load(path)
    assert back.channels == channels
    assert back.duration == pytest.approx(clip.duration, abs=1e-3)
    if back.sample_rate == clip.sample_rate:  # Opus decodes at 48 kHz
        noise = ((back.samples - clip.samples) ** 2).sum(axis=0)
        assert (10 * np.log10((clip.samples**2).sum(axis=0) / noise)).min() > 15
    banner = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr
    assert f"Audio: {codec}" in banner
    # Ogg keeps tags on the stream (indented deeper in the banner), MP4 on the file.
    tags = {m[1].lower(): m[2].strip() for m in re.finditer(r"^\s+(\w+)\s*: (.*)$", banner, re.M)}
    assert tags.get("title") == TAGS["title"]


def test_lossy_formats_refuse_surround_with_a_sentence(tmp_path: Path):
    with pytest.raises(AudioWriteError, match="mono or stereo"):
        save(_clip(channels=6), tmp_path / "six.m4a")
    assert list(tmp_path.iterdir()) == []


def test_mp3_above_48k_is_resampled(tmp_path: Path):
    back = load(save(_clip(96000, 2, 96000), tmp_path / "hi.mp3"))
    assert back.sample_rate == 48000 and back.frames == 48000


def test_bare_array_needs_a_rate_and_mono_vector_is_accepted(tmp_path: Path):
    mono = tone(1000, 1)[:, 0]
    with pytest.raises(ValueError):
        save(mono, tmp_path / "x.wav")
    back = load(save(mono, tmp_path / "x.wav", sample_rate=8000, wav_subtype="FLOAT"))
    assert back.samples.shape == (1000, 1) and np.array_equal(back.samples[:, 0], mono)


def test_over_full_scale_is_clipped_for_integer_formats_and_kept_for_float(tmp_path: Path):
    loud = np.array([[1.5], [-2.0], [0.5]], np.float32)
    assert load(save(loud, tmp_path / "i.wav", sample_rate=8000, wav_subtype="PCM_24")).samples.max() <= 1.0
    assert load(save(loud, tmp_path / "f.wav", sample_rate=8000, wav_subtype="FLOAT")).samples.min() == -2.0


def test_replaces_an_existing_file_atomically(tmp_path: Path):
    target = tmp_path / "mix.wav"
    save(_clip(1000), target)
    save(_clip(2000), target)
    assert load(target).frames == 2000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mix.wav"]


@pytest.mark.parametrize(
    ("make_case", "message"),
    [
        (lambda d: (_clip(channels=6), d / "surround.mp3", None), "mono or stereo only"),
        (lambda d: (_clip(), d / "song.aiff", None), "cannot write “aiff”"),
        (lambda d: (_clip(), d / "missing" / "song.wav", None), "does not exist"),
        (lambda d: (_clip(), d / "taken.wav", "mkdir"), "folder with that name"),
        (lambda d: (np.full((10, 2), np.nan, np.float32), d / "nan.flac", None), "invalid samples"),
        (lambda d: (np.zeros((0, 2), np.float32), d / "empty.wav", None), "no audio"),
    ],
    ids=["mp3-6ch", "unknown-format", "missing-folder", "folder-in-the-way", "nan", "empty"],
)
def test_refused_writes_explain_and_leave_nothing(tmp_path: Path, make_case, message: str):
    clip, path, prepare = make_case(tmp_path)
    if prepare == "mkdir":
        path.mkdir()
    before = set(tmp_path.rglob("*"))
    with pytest.raises(AudioWriteError, match=message) as caught:
        save(clip, path, sample_rate=44100)
    assert "errno" not in str(caught.value).lower()
    assert set(tmp_path.rglob("*")) == before


def test_failure_during_write_removes_the_part_file(tmp_path: Path):
    """The encoder fails halfway (an unsupported rate for FLAC): no .part, no target."""
    clip = Clip.from_array(tone(1000, 2), 44100)
    with pytest.raises(AudioWriteError) as caught:
        save(clip.samples, tmp_path / "bad.flac", sample_rate=1_000_000)
    assert not re.search(r"errno|sndfile", str(caught.value), re.I)
    assert list(tmp_path.iterdir()) == []


def test_ffmpeg_failure_during_mp3_write_removes_the_part_file(tmp_path: Path):
    with pytest.raises(AudioWriteError, match="could not be written"):
        save(tone(1000, 2), tmp_path / "bad.mp3", sample_rate=44100, mp3_bitrate="not-a-bitrate")
    assert list(tmp_path.iterdir()) == []
