"""Make a source the services will take: MP3, WAV and M4A go as they are, anything else is converted.

The services' pages only show MP3, WAV and M4A inputs, so FLAC, AIFF, OGG and the rest are decoded
and written as 16-bit WAV next to the job's work files — or as MP3 at 320 kbps when that WAV would
be larger than ``mp3_above_bytes`` (a size the user sets), to keep uploads reasonable. The user's
source file is only ever read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.api.limits import MB, UPLOAD_MP3_ABOVE_MB
from desktop_app.api.upload import safe_file_name

ACCEPTED_SUFFIXES = (".mp3", ".wav", ".m4a")
DEFAULT_MP3_ABOVE_BYTES = UPLOAD_MP3_ABOVE_MB * MB
_MAGIC = {
    ".wav": lambda head: head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE",
    ".mp3": lambda head: head[:3] == b"ID3" or (head[0] == 0xFF and head[1] & 0xE0 == 0xE0),
    ".m4a": lambda head: head[4:8] == b"ftyp",
}


@dataclass(frozen=True)
class PreparedUpload:
    path: Path
    transcoded: bool
    format: str  # "mp3" | "wav" | "m4a"


def is_accepted_as_is(path: Path) -> bool:
    """True when the suffix is one the services take and the content really is that format."""
    suffix = path.suffix.lower()
    check = _MAGIC.get(suffix)
    if check is None:
        return False
    with path.open("rb") as handle:
        head = handle.read(16)
    return len(head) >= 12 and bool(check(head))


def prepare_upload(source: Path, work_dir: Path, *, mp3_above_bytes: int = DEFAULT_MP3_ABOVE_BYTES) -> PreparedUpload:
    """The file to upload for ``source``: itself when accepted, else a WAV/MP3 copy in ``work_dir``."""
    source = Path(source)
    if is_accepted_as_is(source):
        return PreparedUpload(source, False, source.suffix.lower().lstrip("."))
    from desktop_app.audio import load, save

    clip = load(source)
    wav_bytes = clip.frames * clip.channels * 2 + 44
    fmt = "mp3" if wav_bytes > mp3_above_bytes else "wav"
    work_dir.mkdir(parents=True, exist_ok=True)
    target = work_dir / f"{safe_file_name(Path(source).stem, 'source')}.upload.{fmt}"
    save(clip, target, fmt, wav_subtype="PCM_16", mp3_bitrate="320k")
    return PreparedUpload(target, True, fmt)
