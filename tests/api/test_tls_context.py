"""One TLS context per process: making one loads every CA certificate while holding the interpreter."""

from __future__ import annotations

import ssl
from types import SimpleNamespace

import pytest

from desktop_app.api.transport import AbortableTransport, tls_context
from desktop_app.jobs.clients import ClientFactory

pytestmark = pytest.mark.core


def _context_of(transport: AbortableTransport) -> ssl.SSLContext:
    return transport._pool._ssl_context


def test_transports_share_the_process_context_that_verifies_certificates() -> None:
    context = _context_of(AbortableTransport())
    assert _context_of(AbortableTransport()) is context is tls_context()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 50  # certifi's authorities (or SSL_CERT_FILE's)


def test_the_local_engine_context_trusts_nothing() -> None:
    """Plain HTTP on loopback needs no certificates; a TLS connection through it fails verification."""
    local = tls_context(loopback_only=True)
    assert local is tls_context(loopback_only=True) and local is not tls_context()
    assert local.verify_mode is ssl.CERT_REQUIRED and local.check_hostname
    assert local.cert_store_stats()["x509_ca"] == 0


def test_clients_get_the_context_their_engine_needs() -> None:
    base = "http://127.0.0.1:9"
    engine = SimpleNamespace(musicgpt_base=base + "/api/public/v1", sunoapi_base=base, sunoapi_upload_base=base,
                             api_key="local-key")  # fmt: skip
    with ClientFactory(local_engine=engine, api_keys={"musicgpt": "k" * 24}) as factory:
        with factory("local") as local:
            assert _context_of(local.http._transport) is tls_context(loopback_only=True)
        with factory("musicgpt") as real:
            assert _context_of(real.http._transport) is tls_context()


def test_the_local_engine_never_loads_the_certificates(monkeypatch) -> None:
    """A first job on the local engine must not pay for (nor hold the interpreter for) the CA bundle."""
    import desktop_app.api.transport as transport

    monkeypatch.setattr(transport, "_tls", {})
    loaded: list[int] = []
    monkeypatch.setattr(transport.httpx, "create_ssl_context", lambda *a, **k: loaded.append(1))
    AbortableTransport(verify=tls_context(loopback_only=True))
    assert loaded == []


def test_warming_up_makes_the_context_and_starts_the_engine_without_asking_the_keyring(monkeypatch) -> None:
    """At launch the app warms the job machinery in the background (ClientFactory.warm_up), so the first job
    sent neither loads the CA bundle nor starts the engine while the producer waits; a remote engine's key
    is not looked up then (the keyring may prompt)."""
    import desktop_app.api.transport as transport
    import desktop_app.jobs.clients as clients

    monkeypatch.setattr(transport, "_tls", {})
    asked: list[str] = []
    monkeypatch.setattr(clients, "resolve_api_key", lambda spec, **_: asked.append(spec.name))
    started: list[int] = []
    engine = SimpleNamespace(musicgpt_base="http://127.0.0.1:9", sunoapi_base="", sunoapi_upload_base="", api_key="k")
    factory = ClientFactory(key_store=None)
    monkeypatch.setattr(factory, "local_engine", lambda: started.append(1) or engine)
    factory.warm_up("musicgpt")
    assert transport._tls.get(False) is not None and asked == [] and started == []
    factory.warm_up("local")
    assert started == [1] and transport._tls.get(True) is not None
    factory.warm_up("no such engine://")  # a bad setting is left for the first job to report
