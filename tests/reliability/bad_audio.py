"""The odd and broken audio files of the bad-input table, beyond those in ``tests.support.audio_files``.

Each maker writes one file into a folder and returns its path. Sizes stay small (the "hour" files
are an hour long but 8 kHz mono, or a header that only claims an hour) so the suite stays fast.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tests.support.audio_files import tone, write, write_m4a

Maker = Callable[[Path], Path]
MP3_FRAME_HEADER = bytes([0xFF, 0xFB, 0x90, 0x64])  # MPEG-1 layer III, 128 kbps, 44.1 kHz, 417-byte frames


def _copy_as(source: Maker, name: str) -> Maker:
    def make(folder: Path) -> Path:
        src = source(folder / "src")
        target = folder / name
        target.write_bytes(src.read_bytes())
        return target

    return make


def _written(name: str, frames: int, channels: int, fmt: str, subtype: str | None = None, rate: int = 44100) -> Maker:
    def make(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        return write(folder / name, tone(frames, channels, rate), rate, fmt, subtype)

    return make


def _bytes(name: str, data: bytes) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _wav_with_chunk_before_data(folder: Path) -> Path:
    """A WAV whose 20 MB JUNK chunk sits between the header and the audio (some DAWs pad like this)."""
    plain = write(folder / "plain.wav", tone(4410, 2), 44100, "WAV", "PCM_16").read_bytes()
    junk = b"JUNK" + struct.pack("<I", 20_000_000) + bytes(20_000_000)
    body = plain[12:]
    path = folder / "big_header.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", 4 + len(junk) + len(body)) + b"WAVE" + junk + body)
    return path


def _syncsafe(size: int) -> bytes:
    return bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])


def _mp3_with_big_id3(folder: Path) -> Path:
    mp3 = write(folder / "plain.mp3", tone(44100, 2), 44100, "MP3").read_bytes()
    path = folder / "big_id3.mp3"
    path.write_bytes(b"ID3\x03\x00\x00" + _syncsafe(10_000_000) + bytes(10_000_000) + mp3)
    return path


def _id3_promising_more_than_the_file(folder: Path) -> Path:
    path = folder / "id3_overrun.mp3"
    path.write_bytes(b"ID3\x03\x00\x00" + _syncsafe(10_000_000) + bytes(100))
    return path


def _wav_header_claiming(seconds: int, name: str) -> Maker:
    """A 16-bit stereo WAV header that announces ``seconds`` of audio but holds 0.1 s."""

    def make(folder: Path) -> Path:
        real = write(folder / f"real_{name}", tone(4410, 2), 44100, "WAV", "PCM_16").read_bytes()
        claimed = 44100 * 4 * seconds
        header = bytearray(real[:44])
        header[4:8] = struct.pack("<I", 36 + claimed)
        header[40:44] = struct.pack("<I", claimed)
        path = folder / name
        path.write_bytes(bytes(header) + real[44:])
        return path

    return make


def _streaming_wav(folder: Path) -> Path:
    """Sizes 0xFFFFFFFF, as a recorder writes when it cannot seek back: the audio is all there."""
    data = bytearray(write(folder / "plain_stream.wav", tone(4410, 2), 44100, "WAV", "PCM_16").read_bytes())
    data[4:8] = data[40:44] = b"\xff\xff\xff\xff"
    path = folder / "streamed.wav"
    path.write_bytes(bytes(data))
    return path


def _hour_at_8k(folder: Path) -> Path:
    """A real hour of audio (8 kHz mono 16-bit, 58 MB): written in about half a second."""
    data = np.full((8000 * 3600, 1), 0.01, np.float32)
    data[::400] = -0.01
    return write(folder / "one_hour.wav", data, 8000, "WAV", "PCM_16")


def _loud_float(folder: Path) -> Path:
    data = tone(4410, 2) * 8.0  # +18 dBFS: legal in float WAV, clipped only when played
    return write(folder / "hot.wav", data, 44100, "WAV", "FLOAT")


def _m4a(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_m4a(folder / "plain.m4a", tone(44100, 2), 44100)


PNG = b"\x89PNG\r\n\x1a\n" + bytes(2000)
ZIP = b"PK\x03\x04" + bytes(2000)
HTML = b"<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>\n" * 20

# id → (maker, expected): an AudioError subclass name, or the number of frames when the file is fine.
EXTRA_FILES: dict[str, tuple[Maker, str | int]] = {
    "one sample wav": (_written("one.wav", 1, 2, "WAV", "PCM_16"), 1),
    "one sample flac": (_written("one.flac", 1, 1, "FLAC", "PCM_16"), 1),
    "one sample float wav": (_written("one_f.wav", 1, 1, "WAV", "FLOAT"), 1),
    "one sample mp3": (_written("one.mp3", 1, 1, "MP3"), 1),
    "one sample ogg": (_written("one.ogg", 1, 1, "OGG", "VORBIS"), 1),
    "one sample aiff": (_written("one.aiff", 1, 2, "AIFF", "PCM_16"), 1),
    "flac named .wav": (_copy_as(_written("x.flac", 4410, 2, "FLAC"), "flac_inside.wav"), 4410),
    "mp3 named .flac": (_copy_as(_written("x.mp3", 44100, 2, "MP3"), "mp3_inside.flac"), 44100),
    "wav named .mp3": (_copy_as(_written("x.wav", 4410, 2, "WAV"), "wav_inside.mp3"), 4410),
    "wav without extension": (_copy_as(_written("x.wav", 4410, 2, "WAV"), "no_extension"), 4410),
    "m4a named .wav": (_copy_as(_m4a, "m4a_inside.wav"), 44100),
    "ogg named .m4a": (_copy_as(_written("x.ogg", 4410, 2, "OGG", "VORBIS"), "ogg_inside.m4a"), 4410),
    "20 MB chunk before the audio": (_wav_with_chunk_before_data, 4410),
    "10 MB ID3 tag before the mp3": (_mp3_with_big_id3, 44100),
    "ID3 tag longer than the file": (_id3_promising_more_than_the_file, "CorruptFileError"),
    "mp3 frame headers with no frame data": (_bytes("headers_only.mp3", MP3_FRAME_HEADER * 2000), "CorruptFileError"),
    "mp3 of one frame header": (_bytes("one_header.mp3", MP3_FRAME_HEADER), "CorruptFileError"),
    "wav header claims an hour": (_wav_header_claiming(3600, "claims_hour.wav"), "TruncatedFileError"),
    "wav header claims 4 GB": (_wav_header_claiming(24_000, "claims_4gb.wav"), "TruncatedFileError"),
    "streamed wav with unknown sizes": (_streaming_wav, 4410),
    "real one-hour 8 kHz wav": (_hour_at_8k, 8000 * 3600),
    "float wav above full scale": (_loud_float, 4410),
    "png renamed .mp3": (_bytes("cover.mp3", PNG), "CorruptFileError"),
    "zip renamed .m4a": (_bytes("stems.m4a", ZIP), "CorruptFileError"),
    "html error page saved as .wav": (_bytes("download.wav", HTML), "UnsupportedFormatError"),
    "riff header only": (_bytes("riff_only.wav", b"RIFF\x24\x00\x00\x00WAVE"), "CorruptFileError"),
    "flac magic only": (_bytes("magic.flac", b"fLaC"), "CorruptFileError"),
    "zip named .zip": (_bytes("stems.zip", ZIP), "UnsupportedFormatError"),
    "one byte": (_bytes("one_byte.wav", b"\x00"), "CorruptFileError"),
}
