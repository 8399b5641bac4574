"""A file reader for multipart uploads that reports progress and honours cancel between chunks.

httpx streams a file part by calling ``read(64 KiB)`` repeatedly; wrapping the file lets us count
bytes on the way out and stop the upload at the next chunk when the user cancels.
"""

from __future__ import annotations

import re
import secrets
import threading
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from desktop_app.api.errors import CancelledError

ProgressCallback = Callable[[int, int], None]  # (bytes done, bytes total)

AUDIO_MIME = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".m4a": "audio/mp4", ".flac": "audio/flac"}


class ProgressReader:
    def __init__(
        self,
        handle: BinaryIO,
        total: int,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self._handle = handle
        self.total = total
        self.done = 0
        self._on_progress = on_progress
        self._cancel = cancel

    def read(self, size: int = -1) -> bytes:
        if self._cancel is not None and self._cancel.is_set():
            raise CancelledError()
        chunk = self._handle.read(size)
        self.done += len(chunk)
        if self._on_progress is not None and chunk:
            self._on_progress(self.done, self.total)
        return chunk

    # httpx asks for the length through fileno()/seek()/tell() to set Content-Length.
    def fileno(self) -> int:
        return self._handle.fileno()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()


def mime_type(path: Path) -> str:
    return AUDIO_MIME.get(path.suffix.lower(), "application/octet-stream")


_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_file_name(name: str, default: str = "audio", max_length: int = 100) -> str:
    """A bare file name safe on every OS: no folders, no traversal, no control or reserved characters."""
    name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    name = re.sub(r"_+", "_", name)
    if not name or set(name) <= {".", "_"}:
        name = default
    stem, dot, suffix = name.rpartition(".")
    if dot and len(suffix) <= 5 and len(name) > max_length:
        return stem[: max_length - len(suffix) - 1] + "." + suffix
    return name[:max_length]


def multipart_without_files(fields: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body of text fields only (httpx sends urlencoded when there is no file,
    but the audio endpoints are documented as multipart). Returns (body, content type)."""
    boundary = secrets.token_hex(16)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
