"""HTTP plumbing shared by both clients: timeouts, error mapping, JSON decoding.

One :class:`httpx.Client` per worker thread (``make_http_client``); ``send`` turns every httpx
exception into a :class:`NetworkError` (noting whether the request got out, which decides whether
a submit may be resent) and every error status into the typed error of ``errors.py``.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import threading
import weakref
from typing import Any

import httpcore
import httpx

from desktop_app import __version__
from desktop_app.api.errors import MalformedResponseError, NetworkError, ServiceError, error_for_status
from desktop_app.api.redact import redact
from desktop_app.api.retry import parse_retry_after

# Uploads of a long WAV can take minutes; a stalled socket should not.
DEFAULT_TIMEOUT = httpx.Timeout(connect=15.0, read=60.0, write=120.0, pool=30.0)
# A submit that names an audio URL makes the service download it before it answers (MusicGPT's Cover
# documents "could not be downloaded" as the submit's own 400), so its answer may take minutes.
FETCHING_SUBMIT_TIMEOUT = httpx.Timeout(connect=15.0, read=300.0, write=120.0, pool=30.0)
USER_AGENT = f"Retake/{__version__}"


class _TrackingBackend(httpcore.SyncBackend):
    """Opens sockets like httpcore does and remembers them, so :meth:`abort` can shut them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.aborted = False

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        with self._lock:
            if self.aborted:
                raise httpcore.ConnectError("cancelled")
        stream = super().connect_tcp(*args, **kwargs)
        sock = stream.get_extra_info("socket")
        with self._lock:
            if isinstance(sock, socket.socket):
                self._sockets.add(sock)
            aborted = self.aborted
        if aborted:  # cancelled while connecting
            stream.close()
            raise httpcore.ConnectError("cancelled")
        return stream

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):  # shutdown, not close: it wakes a read blocked in another thread
                sock.shutdown(socket.SHUT_RDWR)


_tls_lock = threading.Lock()
_tls: dict[bool, ssl.SSLContext] = {}


def tls_context(*, loopback_only: bool = False) -> ssl.SSLContext:
    """The process's TLS context, made once and shared by every client (contexts are thread-safe).

    httpx makes a new one for each client, loading ~150 CA certificates: 60+ ms of CPU inside one
    OpenSSL call that holds the interpreter, so every job sent froze the window for that long.
    ``loopback_only``: for the local engine, whose every address (its files included) is plain HTTP on
    127.0.0.1. Its context trusts no certificate at all, so it costs nothing to make and any TLS
    connection made through it fails verification rather than going out unchecked.
    """
    with _tls_lock:
        context = _tls.get(loopback_only)
        if context is None:
            # httpx's own choice of CAs (certifi, or SSL_CERT_FILE / SSL_CERT_DIR when set)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT) if loopback_only else httpx.create_ssl_context()
            _tls[loopback_only] = context
        return context


class AbortableTransport(httpx.HTTPTransport):
    """The default transport, plus :meth:`abort`: callable from any thread, it makes every request in
    flight (a blocked read included) fail at once with a transport error, and every later one too.
    TLS goes through the shared :func:`tls_context` unless ``verify`` says otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        if "verify" not in kwargs:  # (not setdefault: that would make the full context every time)
            kwargs["verify"] = tls_context()
        super().__init__(**kwargs)
        self._backend = _TrackingBackend()
        self._pool._network_backend = self._backend  # httpcore's pool opens every connection through it

    def abort(self) -> None:
        self._backend.abort()


def make_http_client(
    *, timeout: httpx.Timeout | None = None, transport: httpx.BaseTransport | None = None
) -> httpx.Client:
    """A client with explicit timeouts and no automatic redirects to other hosts' credentials."""
    return httpx.Client(
        timeout=timeout or DEFAULT_TIMEOUT,
        transport=transport if transport is not None else AbortableTransport(),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


def send(http: httpx.Client, service: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Send a request and return the response, or raise a typed :class:`ServiceError`."""
    try:
        response = http.request(method, url, **kwargs)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise NetworkError(
            f"Could not reach {service}. Check your internet connection. ({redact(exc) or type(exc).__name__})",
            service=service,
            request_sent=False,
        ) from exc
    except httpx.TransportError as exc:
        raise NetworkError(
            f"The connection to {service} failed midway ({redact(exc) or type(exc).__name__}).",
            service=service,
            request_sent=True,
        ) from exc
    if response.status_code >= 400:
        raise error_for_status(
            response.status_code,
            service,
            service_message_of(response),
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    return response


def service_message_of(response: httpx.Response) -> str | None:
    """The human text an error body carries (``message``, ``msg``, ``detail``, ``error``), shortened."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        text = response.text.strip() if response.content else ""
        return redact(text[:300]) if text and "<html" not in text.lower() else None
    if isinstance(body, dict):
        for key in ("message", "msg", "detail", "error", "status_msg"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return redact(value.strip()[:300])
            if isinstance(value, list) and value:  # FastAPI-style validation detail
                return redact(json.dumps(value)[:300])
    return None


def json_of(response: httpx.Response, service: str) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise MalformedResponseError(
            f"{service} sent an answer Retake cannot read (not JSON, HTTP {response.status_code}).",
            service=service,
            status=response.status_code,
        ) from exc


__all__ = [
    "DEFAULT_TIMEOUT",
    "FETCHING_SUBMIT_TIMEOUT",
    "AbortableTransport",
    "ServiceError",
    "json_of",
    "make_http_client",
    "send",
    "service_message_of",
    "tls_context",
]
