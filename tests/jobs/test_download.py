"""Downloads: stream to .part, size cap, truncation, not-audio, and the key only for the engine's origin."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from desktop_app.api.errors import CancelledError, DownloadError, DownloadTooLargeError, NotAudioError
from desktop_app.jobs.download import download_take
from tests.support.fake_services import wav_bytes

AUDIO = wav_bytes(seconds=1.0)


def client(handler) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def serve(body: bytes, headers: dict | None = None, seen: list | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(200, content=body, headers=headers or {})

    return handler


def test_a_good_download_is_checked_and_renamed(tmp_path: Path) -> None:
    progress = []
    got = download_take(client(serve(AUDIO)), "https://s3.example/x/abc.wav", tmp_path / "take-1",
                        on_progress=lambda d, t: progress.append((d, t)))  # fmt: skip
    assert got.path == tmp_path / "take-1.wav" and got.path.read_bytes() == AUDIO
    assert got.duration == pytest.approx(1.0, abs=0.01)
    assert progress[-1] == (len(AUDIO), len(AUDIO))
    assert list(tmp_path.iterdir()) == [got.path]


def test_suffix_comes_from_the_content_type_when_the_url_has_none(tmp_path: Path) -> None:
    got = download_take(
        client(serve(AUDIO, {"content-type": "audio/wav"})), "https://s3.example/stream?id=1", tmp_path / "t"
    )
    assert got.path.name == "t.wav"


def test_declared_size_above_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(DownloadTooLargeError, match="download limit"):
        download_take(client(serve(AUDIO)), "https://s3.example/a.wav", tmp_path / "t", max_bytes=1000)
    assert list(tmp_path.iterdir()) == []


def test_undeclared_size_is_capped_while_streaming(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(AUDIO))  # no content-length header

    with pytest.raises(DownloadTooLargeError):
        download_take(client(handler), "https://s3.example/a.wav", tmp_path / "t", max_bytes=10_000)
    assert list(tmp_path.iterdir()) == []


def test_a_truncated_body_is_a_retryable_download_error(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-length": str(len(AUDIO))}, stream=httpx.ByteStream(AUDIO[:5000]))

    with pytest.raises(DownloadError) as info:
        download_take(client(handler), "https://s3.example/a.wav", tmp_path / "t")
    assert info.value.retryable
    assert list(tmp_path.iterdir()) == []


def test_html_instead_of_audio_is_not_kept(tmp_path: Path) -> None:
    with pytest.raises(NotAudioError, match="not playable audio"):
        download_take(client(serve(b"<html>AccessDenied</html>" * 50)), "https://s3.example/a.mp3", tmp_path / "t")
    assert list(tmp_path.iterdir()) == []


def test_plain_http_off_loopback_is_not_fetched(tmp_path: Path) -> None:
    with pytest.raises(NotAudioError):
        download_take(client(serve(AUDIO)), "http://s3.example/a.wav", tmp_path / "t")


def test_key_goes_only_to_the_engines_own_origin(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    auth = {"Authorization": "engine-key-123"}
    download_take(client(serve(AUDIO, seen=seen)), "http://127.0.0.1:5000/files/a.wav", tmp_path / "a",
                  auth_headers=auth, auth_origin="http://127.0.0.1:5000/api/public/v1")  # fmt: skip
    download_take(client(serve(AUDIO, seen=seen)), "https://lalals.s3.amazonaws.com/a.wav", tmp_path / "b",
                  auth_headers=auth, auth_origin="http://127.0.0.1:5000/api/public/v1")  # fmt: skip
    assert seen[0].headers.get("authorization") == "engine-key-123"
    assert "authorization" not in seen[1].headers


def test_errors_from_storage_are_typed(tmp_path: Path) -> None:
    from desktop_app.api.errors import AuthError, ExpiredFileError, ServerError

    # A file host's 403/404/410 is an expired or deleted file, never a bad key.
    for status, cls in ((403, ExpiredFileError), (404, ExpiredFileError), (410, ExpiredFileError), (503, ServerError)):
        with pytest.raises(cls):
            download_take(client(lambda r, s=status: httpx.Response(s)), "https://s3.example/a.wav", tmp_path / "t")
    # Only a server asking for credentials says the key is wrong (the poll that gave the link accepted it).
    api = "https://api.example/api/public/v1"
    with pytest.raises(AuthError):
        download_take(client(lambda r: httpx.Response(401)), api + "/file.wav", tmp_path / "t", auth_origin=api,
                      auth_headers={"Authorization": "k"})  # fmt: skip


def test_cancel_between_chunks_leaves_nothing(tmp_path: Path) -> None:
    cancel = threading.Event()
    big = AUDIO * 8

    def progress(done: int, total) -> None:
        cancel.set()

    with pytest.raises(CancelledError):
        download_take(
            client(serve(big)), "https://s3.example/a.wav", tmp_path / "t", on_progress=progress, cancel=cancel
        )
    assert list(tmp_path.iterdir()) == []
