"""Turn a job's engine name into ready clients, one set per worker thread.

``ClientFactory(api_keys=None, key_store=None, local_engine=None, transport=None)`` is called with
the engine name stored in the job (``"local"``, ``"musicgpt"``, ``"sunoapi"`` or a URL) and returns
:class:`EngineClients` — a fresh ``httpx.Client`` with explicit timeouts plus the MusicGPT and
sunoapi.org clients on it. Use it as a context manager so the HTTP client is closed by the thread
that made it; :meth:`EngineClients.cancel` may be called from any other thread (a job's cancel or
the app's shutdown): every request in flight, a blocked read included, fails at once. The local
engine is started lazily, once per factory, under
``paths.data_dir()/engine`` (or pass a running one); ``factory.close()`` stops what it started.
Keys come from ``api_keys`` (engine name → key, e.g. ``--api-key``), then the environment and the
keyring (:func:`keys.resolve_api_key`); the local engine brings its own.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import httpx

from desktop_app.api.engines import Endpoints, EngineKind, endpoints_for, parse_engine
from desktop_app.api.errors import MUSICGPT, SUNOAPI
from desktop_app.api.keys import KeyStore, resolve_api_key
from desktop_app.api.musicgpt import MusicGPTClient
from desktop_app.api.redact import register_secret
from desktop_app.api.retry import RetryPolicy
from desktop_app.api.sunoapi import SunoApiClient
from desktop_app.api.transport import AbortableTransport, make_http_client, tls_context

log = logging.getLogger(__name__)


class EngineClients:
    def __init__(
        self,
        engine: str,
        endpoints: Endpoints,
        api_key: str,
        http: httpx.Client,
        *,
        label: str,
        policy: RetryPolicy | None = None,
        wait=None,
        service_names: tuple[str, str] | None = None,
        transport: AbortableTransport | None = None,
    ) -> None:
        self.engine = engine
        self._transport = transport
        self.label = label
        self.endpoints = endpoints
        self.http = http
        names = service_names or (MUSICGPT, SUNOAPI)
        self.musicgpt = MusicGPTClient(
            http, endpoints.musicgpt_base, api_key, policy=policy, wait=wait, service=names[0]
        )
        self.sunoapi = SunoApiClient(
            http, endpoints.sunoapi_base, endpoints.sunoapi_upload_base, api_key, policy=policy, wait=wait,
            service=names[1],
        )  # fmt: skip
        # Downloads from the engine's own origin (the local engine serves its files) may need the key.
        self.download_auth = {"Authorization": api_key}
        self.download_auth_origin = endpoints.musicgpt_base

    def __repr__(self) -> str:
        return f"EngineClients({self.engine!r})"

    def close(self) -> None:
        self.http.close()

    def cancel(self) -> None:
        """Thread-safe: shut every open connection (a blocked read returns at once) and refuse new ones.

        Callers also set the job's cancel event, so the runner reads the failure as a cancel."""
        if self._transport is not None:
            self._transport.abort()

    def __enter__(self) -> EngineClients:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ClientFactory:
    def __init__(
        self,
        *,
        api_keys: dict[str, str] | None = None,
        key_store: KeyStore | None = None,
        local_engine: Any = None,
        transport: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        wait=None,
    ) -> None:
        self._api_keys = dict(api_keys or {})
        for key in self._api_keys.values():
            register_secret(key)
        self._key_store = key_store
        self._local = local_engine
        self._started_local: Any = None
        self._lock = threading.Lock()
        self._transport = transport
        self._policy = policy
        self._wait = wait

    def local_engine(self) -> Any:
        """The running local engine, started on first use."""
        with self._lock:
            if self._local is None:
                from desktop_app import paths
                from desktop_app.engine import LocalEngine

                engine = LocalEngine(data_dir=paths.data_dir() / "engine", api_key=None, faults=None, port=0)
                engine.__enter__()
                self._local = self._started_local = engine
            return self._local

    def __call__(self, engine: str) -> EngineClients:
        spec = parse_engine(engine)
        if spec.kind is EngineKind.LOCAL:
            local = self.local_engine()
            endpoints = Endpoints(local.musicgpt_base, local.sunoapi_base, local.sunoapi_upload_base)
            key = local.api_key
            register_secret(key)
        else:
            endpoints = endpoints_for(spec)
            explicit = self._api_keys.get(spec.name) or self._api_keys.get("*")
            key = resolve_api_key(spec, explicit=explicit, store=self._key_store).value
        # The local engine serves everything, its take files too, over plain HTTP on loopback.
        transport = self._transport or AbortableTransport(
            verify=tls_context(loopback_only=spec.kind is EngineKind.LOCAL)
        )
        http = make_http_client(transport=transport)
        names = {EngineKind.LOCAL: ("Local engine",) * 2, EngineKind.CUSTOM: (spec.label,) * 2}.get(spec.kind)
        abortable = transport if isinstance(transport, AbortableTransport) else None
        return EngineClients(spec.name, endpoints, key, http, label=spec.label, policy=self._policy, wait=self._wait,
                             service_names=names, transport=abortable)  # fmt: skip

    def warm_up(self, engine: str) -> None:
        """Do now, off the GUI thread, what the first job on ``engine`` would otherwise do while the producer
        waits: start the local engine, load the HTTP stack (httpx imports httpcore with its first transport),
        make the shared TLS context (~65 ms holding the interpreter). Blocks; a failure is left for the first
        job to report in its own words (the engine cannot start). The keyring is not asked: that may prompt."""
        try:
            local = parse_engine(engine).kind is EngineKind.LOCAL
            if local:
                self.local_engine()
            if self._transport is None:
                AbortableTransport(verify=tls_context(loopback_only=local)).close()
        except Exception as error:
            log.warning("warming up %s: %s (the first job will say)", engine, error)

    def close(self) -> None:
        with self._lock:
            engine, self._started_local = self._started_local, None
            if engine is not None:
                self._local = None
                engine.__exit__(None, None, None)

    def __enter__(self) -> ClientFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sunoapi_balance(engine: str, *, key_store: KeyStore | None = None, transport: httpx.BaseTransport | None = None
                    ) -> float:  # fmt: skip
    """The sunoapi.org balance (``GET /api/v1/generate/credit``) of ``engine`` ("sunoapi" or a URL
    speaking its contract). Blocks: call it off the GUI thread."""
    if parse_engine(engine).kind is EngineKind.LOCAL:
        raise ValueError("the local engine has no balance: it costs nothing")
    with ClientFactory(key_store=key_store, transport=transport) as factory, factory(engine) as clients:
        return clients.sunoapi.credits()
