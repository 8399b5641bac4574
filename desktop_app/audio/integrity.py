"""What a file's own header promises, checked against the bytes on disk, before any decoder runs.

Decoders are lenient with files cut short by an interrupted download or export: libsndfile
quietly shortens a truncated WAV, AIFF or Opus file, and reading an MP3 whose Xing tag promises
more bytes than exist prints a warning on stderr. Producers need to hear "this file is
incomplete" instead, so the container's declared sizes are compared with the file size here.

It also answers whether an MP3 has a length tag (Xing, Info or VBRI): without one libsndfile
guesses the length from the first frame's bitrate, and for a VBR file it then stops reading
early, so such files are decoded with ffmpeg, which reads to the end.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_UNKNOWN_SIZES = (0, 0xFFFFFFFF)  # what streaming writers put in a size field they cannot seek back to
_OGG_TAIL_BYTES = 1 << 16  # an Ogg page is at most 65,307 bytes


@dataclass(frozen=True)
class Inspection:
    kind: str | None = None  # "wav", "aiff", "ogg", "flac", "mp3", or None when not recognised
    cut_short: bool = False  # the header declares more data than the file holds
    mp3_without_length_tag: bool = False
    data_offset: int | None = None  # a little-endian RIFF WAV's first sample byte (audio/chunk_reader.py reads there)


def inspect(path: Path) -> Inspection:
    """Look at the container only (a few reads, no decoding). Unknown formats pass as complete."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        f.seek(0)
        head = f.read(64 * 1024)
        if head[:4] in (b"RIFF", b"RIFX") and head[8:12] == b"WAVE":
            little = head[:4] == b"RIFF"
            overruns, offset = _find_chunk(f, size, b"data", "<" if little else ">")
            return Inspection("wav", overruns, data_offset=offset if little else None)
        if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
            return Inspection("aiff", _find_chunk(f, size, b"SSND", ">")[0])
        if head[:4] == b"OggS":
            f.seek(max(0, size - _OGG_TAIL_BYTES))
            return Inspection("ogg", _ogg_unfinished(f.read()))
        if head[:4] == b"fLaC":
            return Inspection("flac")  # decoding stops short of STREAMINFO's frame count: caught in decode
        return _inspect_mp3(head, size)


def _find_chunk(f: BinaryIO, size: int, wanted: bytes, endian: str) -> tuple[bool, int | None]:
    """RIFF/AIFF: does the chunk claim more bytes than there are after its header, and where does its data start?"""
    offset = 12
    while offset + 8 <= size:
        f.seek(offset)
        header = f.read(8)
        if len(header) < 8:
            return False, None
        chunk_id, chunk_size = header[:4], struct.unpack(endian + "I", header[4:])[0]
        if chunk_id == wanted:
            return chunk_size not in _UNKNOWN_SIZES and offset + 8 + chunk_size > size, offset + 8
        offset += 8 + chunk_size + (chunk_size & 1)  # chunks are padded to an even length
    return False, None


def _ogg_unfinished(tail: bytes) -> bool:
    """The last Ogg page must be complete and carry the end-of-stream flag."""
    last = tail.rfind(b"OggS")
    if last < 0 or last + 27 > len(tail):
        return True
    segments = tail[last + 26]
    table = tail[last + 27 : last + 27 + segments]
    end = last + 27 + segments + sum(table)
    return len(table) < segments or end > len(tail) or not tail[last + 5] & 0x04


def _inspect_mp3(head: bytes, size: int) -> Inspection:
    start = 0
    if head[:3] == b"ID3" and len(head) >= 10:
        tag_size = (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]
        start = 10 + tag_size + (10 if head[5] & 0x10 else 0)
        if start + 4 > len(head):
            return Inspection()  # a huge ID3 tag (cover art): too far to look, let the decoder judge
    frame = _first_layer3_frame(head, start)
    if frame is None:
        return Inspection()
    declared = _length_tag_bytes(head, frame)
    if declared is None:
        return Inspection("mp3", mp3_without_length_tag=True)
    # mpg123 only complains when the tag is off by more than 1%; trust that margin too.
    return Inspection("mp3", cut_short=declared > 0 and size - frame < declared * 0.99)


def _first_layer3_frame(head: bytes, start: int) -> int | None:
    """Offset of the first plausible MPEG layer III frame header at or after ``start``."""
    for offset in range(start, min(len(head) - 4, start + 4096)):
        b1, b2 = head[offset], head[offset + 1]
        sync = b1 == 0xFF and b2 & 0xE0 == 0xE0
        layer3 = (b2 >> 1) & 0x3 == 0x1 and (b2 >> 3) & 0x3 != 0x1  # and not the reserved MPEG version
        if sync and layer3 and head[offset + 2] >> 4 not in (0, 15) and (head[offset + 2] >> 2) & 0x3 != 3:
            return offset
    return None


def _length_tag_bytes(head: bytes, frame: int) -> int | None:
    """Stream size in bytes a Xing/Info/VBRI tag declares (0 when the tag omits it), None without a tag."""
    mpeg1 = (head[frame + 1] >> 3) & 0x3 == 0x3
    mono = head[frame + 3] >> 6 == 0x3
    side_info = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
    xing = frame + 4 + side_info
    if frame + 64 > len(head):
        return None
    if head[xing : xing + 4] in (b"Xing", b"Info"):
        flags = struct.unpack(">I", head[xing + 4 : xing + 8])[0]
        if not flags & 0x2:
            return 0
        field = xing + 8 + (4 if flags & 0x1 else 0)
        return struct.unpack(">I", head[field : field + 4])[0]
    vbri = frame + 36
    if head[vbri : vbri + 4] == b"VBRI":
        return struct.unpack(">I", head[vbri + 10 : vbri + 14])[0]
    return None
