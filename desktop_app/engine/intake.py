"""Getting a job's audio in: an uploaded file part, or a URL fetched from this machine only.

The engine never reaches the internet: a URL that is not on loopback is refused the way the real
service refuses a URL it cannot download (MusicGPT: HTTP 400). URLs that point at this engine's
own files are read from disk, so a sunoapi upload's ``downloadUrl`` works as an input.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
import soundfile as sf
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from desktop_app.audio import AudioError, load

MAX_INPUT_BYTES = 512 * 1024 * 1024
MAX_INPUT_SECONDS = 30 * 60


class IntakeError(Exception):
    """The audio could not be obtained or read; ``kind`` says which documented error applies."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # "download" (MusicGPT 400 / sunoapi 451), "audio" (422 / 400), "too_large" (413)
        self.message = message


def safe_name(name: str, default: str = "audio") -> str:
    """A file name that cannot climb out of its folder or upset a file system."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")[:120]
    return base or default


def is_loopback_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def save_upload(upload: UploadFile, folder: Path) -> Path:
    target = folder / safe_name(upload.filename or "audio")
    await run_in_threadpool(_copy_capped, upload, target)
    return target


def _copy_capped(upload: UploadFile, target: Path) -> None:
    upload.file.seek(0)
    with target.open("wb") as out:
        copied = 0
        while chunk := upload.file.read(1 << 20):
            copied += len(chunk)
            if copied > MAX_INPUT_BYTES:
                raise IntakeError("too_large", f"The audio is larger than {MAX_INPUT_BYTES >> 20} MB.")
            out.write(chunk)
    if copied == 0:
        raise IntakeError("audio", "The uploaded audio file is empty.")


async def fetch_url(url: str, folder: Path, own_base: str, own_root: Path) -> Path:
    """Download ``url`` into ``folder``; only loopback URLs are allowed."""
    if not is_loopback_url(url):
        raise IntakeError(
            "download",
            "The file could not be downloaded from the provided URL: the local engine works offline and only "
            "fetches from this computer (upload the file instead).",
        )
    local = _own_file(url, own_base, own_root)
    if local is None and own_base and url.startswith(own_base + "/files/"):
        raise IntakeError("download", "The file could not be downloaded from the provided URL (it no longer exists).")
    name = safe_name(unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "audio")
    target = folder / name
    if local is not None:
        await run_in_threadpool(shutil.copyfile, local, target)
        return target
    try:
        async with (
            httpx.AsyncClient(timeout=30.0, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise IntakeError(
                    "download", f"The file could not be downloaded from the provided URL (HTTP {response.status_code})."
                )
            size = 0
            with target.open("wb") as out:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > MAX_INPUT_BYTES:
                        raise IntakeError("too_large", f"The audio is larger than {MAX_INPUT_BYTES >> 20} MB.")
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise IntakeError("download", f"The file could not be downloaded from the provided URL ({exc}).") from exc
    return target


def _own_file(url: str, own_base: str, own_root: Path) -> Path | None:
    if not own_base or not url.startswith(own_base + "/files/"):
        return None
    relative = unquote(urlsplit(url).path)[len("/files/") :]
    candidate = (own_root / relative).resolve()
    if own_root.resolve() in candidate.parents and candidate.is_file():
        return candidate
    return None


async def inspect(path: Path) -> dict:
    """Rate, channels, length and format of the input, for validation and the ETA.

    Reading the header is enough for anything libsndfile opens (WAV, FLAC, AIFF, OGG, MP3); other
    containers are decoded in full. Decoding happens in the worker process, so the HTTP thread
    never spends time on it.
    """
    try:
        info = await run_in_threadpool(sf.info, str(path))
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError):
        info = None
    if info is not None and info.frames > 0 and 1000 <= info.samplerate <= 384_000 and info.channels > 0:
        duration = info.frames / info.samplerate
        if duration > MAX_INPUT_SECONDS:
            raise IntakeError("audio", f"The audio is longer than {MAX_INPUT_SECONDS // 60} minutes.")
        return {"sample_rate": info.samplerate, "channels": info.channels, "frames": info.frames,
                "duration": round(duration, 6), "format": info.format, "subtype": info.subtype}  # fmt: skip
    try:
        clip = await run_in_threadpool(load, path, max_seconds=MAX_INPUT_SECONDS)
    except AudioError as exc:
        raise IntakeError("audio", f"The audio could not be read: {exc}") from exc
    return {"sample_rate": clip.sample_rate, "channels": clip.channels, "frames": clip.frames,
            "duration": round(clip.duration, 6), "format": clip.info.format, "subtype": clip.info.subtype}  # fmt: skip
