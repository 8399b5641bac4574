"""Download a take safely: stream to ``.part``, cap the size, check it decodes, then rename.

``download_take(http, url, dest, max_bytes=..., on_progress=..., cancel=...) -> DownloadedTake``.
Only ``https://`` (or loopback ``http://``) URLs are fetched; the API key is sent only when the
file lives on the engine's own origin (``auth_headers`` + ``auth_origin``), never to a storage
host. A refusal from a file host (403/404/410) is :class:`ExpiredFileError`, never a key problem.
A body larger than ``max_bytes`` or shorter than its Content-Length, or a file that does not
decode as audio, is deleted and reported as a typed error; the final name appears only when the
file is complete and playable.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from desktop_app.api.engines import check_base_url
from desktop_app.api.errors import (
    CancelledError,
    DownloadError,
    DownloadTooLargeError,
    ExpiredFileError,
    InsecureEngineError,
    NotAudioError,
    ServiceError,
    error_for_status,
)
from desktop_app.api.limits import DOWNLOAD_CAP_MB, MB
from desktop_app.api.redact import redact

DEFAULT_MAX_BYTES = DOWNLOAD_CAP_MB * MB
CHUNK = 256 * 1024
AUDIO_SUFFIXES = (".wav", ".mp3", ".flac", ".m4a", ".ogg", ".aac")


@dataclass(frozen=True)
class DownloadedTake:
    path: Path
    format: str
    duration: float
    size: int


def suffix_for(url: str, content_type: str | None) -> str:
    suffix = Path(urlsplit(url).path).suffix.lower()
    if suffix in AUDIO_SUFFIXES:
        return suffix
    kind = (content_type or "").split(";")[0].strip().lower()
    return {"audio/wav": ".wav", "audio/x-wav": ".wav", "audio/wave": ".wav", "audio/flac": ".flac"}.get(kind, ".mp3")


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def download_take(
    http: httpx.Client,
    url: str,
    dest_stem: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_progress: Callable[[int, int | None], None] | None = None,
    cancel: threading.Event | None = None,
    auth_headers: dict[str, str] | None = None,
    auth_origin: str | None = None,
    service: str = "The engine",
) -> DownloadedTake:
    """Fetch ``url`` to ``dest_stem`` + the file's suffix (``take-1`` → ``take-1.wav``)."""
    try:
        check_base_url(url)
    except InsecureEngineError as exc:
        raise NotAudioError(f"{service} offered a download Retake will not fetch: {exc}") from exc
    headers = dict(auth_headers or {}) if auth_origin and _origin(url) == _origin(auth_origin) else {}
    dest_stem.parent.mkdir(parents=True, exist_ok=True)
    partial: Path | None = None
    try:
        with http.stream("GET", url, headers=headers, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise _refused(response.status_code, service)
            declared = _declared_length(response)
            if declared is not None and declared > max_bytes:
                raise DownloadTooLargeError(_too_large(service, declared, max_bytes))
            final = dest_stem.with_name(
                dest_stem.name + suffix_for(str(response.url), response.headers.get("content-type"))
            )
            partial = final.with_name(final.name + ".part")
            size = _stream_to(response, partial, max_bytes, declared, on_progress, cancel, service)
        if declared is not None and size < declared:
            raise DownloadError(f"The download from {service} stopped early ({size} of {declared} bytes).")
        duration = _check_audio(partial, service)
        os.replace(partial, final)
        return DownloadedTake(final, final.suffix.lstrip("."), duration, size)
    except httpx.TransportError as exc:
        raise DownloadError(f"The download from {service} failed ({redact(exc) or type(exc).__name__}).") from exc
    finally:
        if partial is not None and partial.exists():
            partial.unlink()


def _refused(status: int, service: str) -> ServiceError:
    """403/404/410 on a download mean the link expired or the file is gone (storage answers 403 for
    an expired or deleted object), never a bad key: the API just accepted the key to hand out the
    link, so a key problem shows there, not here. 401 (a server asking for credentials) stays one."""
    if status in (403, 404, 410):
        return ExpiredFileError(
            f"The file link from {service} has expired or the file is gone ({status}).", status=status, service=service
        )
    return error_for_status(status, service, None)


def _declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None or response.headers.get("content-encoding"):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _too_large(service: str, size: int, cap: int) -> str:
    return (
        f"{service} offered a {size / 1e6:.0f} MB file, above the {cap / 1e6:.0f} MB download limit; "
        "raise the limit in Settings if this is expected."
    )


def _stream_to(response, partial: Path, max_bytes, declared, on_progress, cancel, service) -> int:
    size = 0
    with partial.open("wb") as handle:
        for chunk in response.iter_bytes(CHUNK):
            if cancel is not None and cancel.is_set():
                raise CancelledError()
            size += len(chunk)
            if size > max_bytes:
                raise DownloadTooLargeError(_too_large(service, size, max_bytes))
            handle.write(chunk)
            if on_progress is not None:
                on_progress(size, declared)
    return size


def _check_audio(path: Path, service: str) -> float:
    from desktop_app.audio import AudioError, load
    from desktop_app.audio.errors import TruncatedFileError

    try:
        clip = load(path)
    except TruncatedFileError as exc:
        # A complete-looking response that holds only part of the file: a transfer problem, so fetch it again.
        raise DownloadError(f"The file {service} sent arrived cut short ({exc.reason})") from exc
    except AudioError as exc:
        raise NotAudioError(f"The file {service} sent is not playable audio ({exc.reason})") from exc
    return clip.duration


__all__ = ["DEFAULT_MAX_BYTES", "DownloadedTake", "ServiceError", "download_take"]
