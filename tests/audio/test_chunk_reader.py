"""A long file is decoded on two cores where seeking is exact, and gives what one decoder gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from desktop_app.audio import integrity, load, load_with_peaks
from desktop_app.audio.chunk_reader import PARALLEL_MIN_CHUNKS, RawLayout, decoder_count
from desktop_app.audio.errors import TruncatedFileError
from desktop_app.audio.peaks import CHUNK_FRAMES, PeakPyramid

RATE = 8_000  # chunks are counted in frames: a low rate keeps a many-chunk file small
FRAMES = PARALLEL_MIN_CHUNKS * CHUNK_FRAMES + 12_345  # the last chunk is a partial one


def _signal(channels: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    t = np.arange(FRAMES) / RATE
    ramp = np.linspace(-0.9, 0.9, FRAMES)  # every chunk different, so a misplaced chunk shows
    out = 0.3 * np.sin(2 * np.pi * 220 * t)[:, None] + ramp[:, None] * 0.5
    return (out + 0.05 * rng.standard_normal((FRAMES, channels))).astype(np.float32)


@pytest.mark.parametrize(
    ("ext", "fmt", "subtype", "channels"),
    [
        ("wav", "WAV", "PCM_16", 2),
        ("wav", "WAV", "PCM_24", 1),
        ("wav", "WAV", "PCM_32", 2),
        ("wav", "WAV", "FLOAT", 2),
        ("aiff", "AIFF", "PCM_16", 2),
        ("flac", "FLAC", "PCM_16", 1),
    ],
)
def test_two_decoders_give_what_one_gives(tmp_path: Path, ext: str, fmt: str, subtype: str, channels: int) -> None:
    path = tmp_path / f"long.{ext}"
    sf.write(str(path), _signal(channels), RATE, format=fmt, subtype=subtype)
    with sf.SoundFile(str(path)) as handle:
        assert decoder_count(handle, cpus=2) == 2
        assert decoder_count(handle, cpus=1) == 1
    reference, _rate = sf.read(str(path), dtype="float32", always_2d=True)
    clip, peaks = load_with_peaks(path)
    assert np.array_equal(clip.samples, reference)  # bit-exact, every chunk in its place
    whole = PeakPyramid.from_samples(reference)
    assert all(np.array_equal(a, b) for a, b in zip(peaks.mins, whole.mins, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(peaks.maxs, whole.maxs, strict=True))
    assert np.array_equal(load(path).samples, reference)


def test_short_and_lossy_files_keep_one_decoder(tmp_path: Path) -> None:
    short = tmp_path / "short.wav"
    sf.write(str(short), np.zeros((CHUNK_FRAMES, 2), np.float32), RATE)
    long_ogg = tmp_path / "long.ogg"
    with sf.SoundFile(str(long_ogg), "w", RATE, 1, format="OGG", subtype="VORBIS") as out:
        signal = _signal(1)
        for lo in range(0, FRAMES, 1 << 16):  # libsndfile's Vorbis encoder crashes on one huge write
            out.write(signal[lo : lo + (1 << 16)])
    for path in (short, long_ogg):
        with sf.SoundFile(str(path)) as handle:
            assert decoder_count(handle, cpus=8) == 1


def test_a_growing_waveform_still_grows_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    sf.write(str(path), _signal(2), RATE, subtype="PCM_16")
    seen: list[int] = []
    load_with_peaks(path, progress=lambda pyramid: seen.append(pyramid.ready_frames))
    assert seen == sorted(seen) and seen[-1] == FRAMES
    assert seen[0] == CHUNK_FRAMES  # the first report is the first chunk, not whichever finished first


def test_a_cancelled_read_stops_both_decoders(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    sf.write(str(path), _signal(2), RATE, subtype="PCM_16")

    class Stop(Exception):
        pass

    def stop(_pyramid: PeakPyramid) -> None:
        raise Stop

    with pytest.raises(Stop):
        load_with_peaks(path, progress=stop)
    # The thread guard (tests/support) fails the test if a decoder thread were left running.


def test_a_file_cut_inside_its_data_still_says_incomplete(tmp_path: Path) -> None:
    path = tmp_path / "cut.wav"
    sf.write(str(path), _signal(2), RATE, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(TruncatedFileError) as caught:
        load(path)
    assert "incomplete" in str(caught.value)


@pytest.mark.parametrize(
    ("fmt", "subtype", "channels", "raw"),
    [
        ("WAV", "PCM_16", 1, True),
        ("WAV", "PCM_32", 2, True),
        ("WAV", "FLOAT", 6, True),
        ("WAVEX", "PCM_16", 6, True),  # WAVE_FORMAT_EXTENSIBLE: the layout libsndfile writes for 6 channels
        ("WAV", "PCM_24", 2, False),  # three-byte samples: libsndfile converts them
        ("WAV", "PCM_U8", 2, False),
    ],
)
def test_wav_samples_read_as_raw_bytes_are_what_libsndfile_decodes(
    tmp_path: Path, fmt: str, subtype: str, channels: int, raw: bool
) -> None:
    path = tmp_path / "song.wav"
    rng = np.random.default_rng(3)
    signal = np.clip(rng.standard_normal((50_001, channels)) * 0.4, -1, 1).astype(np.float32)
    signal[:4] = [[1.0] * channels, [-1.0] * channels, [0.0] * channels, [1e-9] * channels]  # extremes, near zero
    sf.write(str(path), signal, 44_100, format=fmt, subtype=subtype)
    with sf.SoundFile(str(path)) as handle:
        layout = RawLayout.of(handle, integrity.inspect(path).data_offset, path.stat().st_size)
    assert (layout is not None) == raw
    reference, _rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert np.array_equal(load(path).samples, reference)


def test_raw_reading_finds_the_samples_after_other_chunks(tmp_path: Path) -> None:
    """A DAW's WAV often has LIST/bext chunks before the samples; an odd-sized one is padded."""
    plain = tmp_path / "plain.wav"
    signal = np.linspace(-1, 1, 20_000, dtype=np.float32).reshape(-1, 2)
    sf.write(str(plain), signal, 44_100, subtype="PCM_16")
    data = plain.read_bytes()
    at = data.index(b"data")
    extra = b"LIST" + (3).to_bytes(4, "little") + b"abc\0"  # 3 bytes of content, one pad byte
    tagged = data[:at] + extra + data[at:]
    tagged = tagged[:4] + (len(tagged) - 8).to_bytes(4, "little") + tagged[8:]
    path = tmp_path / "tagged.wav"
    path.write_bytes(tagged)
    assert integrity.inspect(path).data_offset == at + len(extra) + 8
    reference, _rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert np.array_equal(load(path).samples, reference)
