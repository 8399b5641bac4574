"""Which engine a job talks to, where its endpoints are, and the https-or-loopback rule.

An engine spec is the string the user chooses (and the job store keeps): ``"local"``,
``"musicgpt"``, ``"sunoapi"`` or a base URL of a server that speaks both contracts the way the
local engine does (MusicGPT under ``<URL>/api/public/v1``, sunoapi.org and its upload API at
``<URL>``). :class:`Endpoints` holds the resolved base URLs; :func:`check_base_url` refuses plain
``http://`` for anything that is not on this machine, so a key never crosses a network in clear.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from desktop_app.api.errors import EngineMismatchError, InsecureEngineError
from desktop_app.api.operations import Operation

MUSICGPT_BASE = "https://api.musicgpt.com/api/public/v1"
SUNOAPI_BASE = "https://api.sunoapi.org"
SUNOAPI_UPLOAD_BASE = "https://sunoapiorg.redpandaai.co"
MUSICGPT_PREFIX = "/api/public/v1"


class EngineKind(StrEnum):
    LOCAL = "local"
    MUSICGPT = "musicgpt"
    SUNOAPI = "sunoapi"
    CUSTOM = "custom"


@dataclass(frozen=True)
class EngineSpec:
    kind: EngineKind
    url: str | None = None  # only for CUSTOM

    @property
    def name(self) -> str:
        """The string stored in a job and accepted by ``--engine``."""
        return self.url if self.kind is EngineKind.CUSTOM and self.url else self.kind.value

    @property
    def label(self) -> str:
        """How the UI names the engine that made a take."""
        return {
            EngineKind.LOCAL: "Local engine (this computer)",
            EngineKind.MUSICGPT: "MusicGPT",
            EngineKind.SUNOAPI: "sunoapi.org",
        }.get(self.kind, f"Custom engine at {self.url}")

    @property
    def keyring_name(self) -> str:
        """The keyring entry of this engine's key (custom engines get one per origin)."""
        return f"custom:{self.url}" if self.kind is EngineKind.CUSTOM else self.kind.value

    def supports(self, operation: Operation) -> bool:
        if self.kind is EngineKind.MUSICGPT:
            return operation.service == "musicgpt"
        if self.kind is EngineKind.SUNOAPI:
            return operation.service == "sunoapi"
        return True

    def require(self, operation: Operation) -> None:
        if not self.supports(operation):
            other = "sunoapi.org" if operation.service == "sunoapi" else "MusicGPT"
            raise EngineMismatchError(
                f"{operation.label} is offered by {other}, not by {self.label}. Choose {other} or the local engine."
            )


def parse_engine(spec: str) -> EngineSpec:
    """``"local" | "musicgpt" | "sunoapi" | URL`` → :class:`EngineSpec` (URLs are checked)."""
    text = (spec or "local").strip()
    lowered = text.lower()
    for kind in (EngineKind.LOCAL, EngineKind.MUSICGPT, EngineKind.SUNOAPI):
        if lowered == kind.value:
            return EngineSpec(kind)
    if "://" not in text:
        raise InsecureEngineError(f"“{text}” is not an engine: use local, musicgpt, sunoapi or an https:// address.")
    url = text.rstrip("/")
    check_base_url(url)
    return EngineSpec(EngineKind.CUSTOM, url)


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> None:
    """Allow ``https://`` anywhere and ``http://`` only on loopback; raise :class:`InsecureEngineError`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureEngineError(f"“{url}” is not a web address Retake can use (it must start with https://).")
    if parts.username or parts.password:
        raise InsecureEngineError("Engine addresses may not carry a user name or password; use the API key setting.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InsecureEngineError(
            f"Refusing plain http:// for {parts.hostname}: your API key would travel unencrypted. Use https://."
        )


@dataclass(frozen=True)
class Endpoints:
    """Resolved base URLs for one engine (each checked by :func:`check_base_url`)."""

    musicgpt_base: str
    sunoapi_base: str
    sunoapi_upload_base: str

    def __post_init__(self) -> None:
        for url in (self.musicgpt_base, self.sunoapi_base, self.sunoapi_upload_base):
            check_base_url(url)

    @classmethod
    def for_server(cls, base_url: str) -> Endpoints:
        """A server that speaks both contracts on one origin (the local engine, a custom URL)."""
        base = base_url.rstrip("/")
        return cls(base + MUSICGPT_PREFIX, base, base)


REAL_ENDPOINTS = Endpoints(MUSICGPT_BASE, SUNOAPI_BASE, SUNOAPI_UPLOAD_BASE)


def endpoints_for(spec: EngineSpec, local_base_url: str | None = None) -> Endpoints:
    """Base URLs of ``spec``; the local engine's comes from the running server."""
    if spec.kind is EngineKind.LOCAL:
        if not local_base_url:
            raise ValueError("the local engine is not running")
        return Endpoints.for_server(local_base_url)
    if spec.kind is EngineKind.CUSTOM:
        assert spec.url
        return Endpoints.for_server(spec.url)
    return REAL_ENDPOINTS
