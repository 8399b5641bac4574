"""Engine addresses (https or loopback only), key storage without silent plaintext, redaction."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from desktop_app.api.engines import REAL_ENDPOINTS, Endpoints, EngineKind, check_base_url, endpoints_for, parse_engine
from desktop_app.api.errors import EngineMismatchError, InsecureEngineError, MissingKeyError
from desktop_app.api.keys import KeySource, KeyStore, resolve_api_key
from desktop_app.api.operations import Operation
from desktop_app.api.redact import MASK, install_log_redaction, redact, redact_headers, register_secret
from desktop_app.api.upload import safe_file_name


@pytest.mark.parametrize(
    "url",
    ["https://api.musicgpt.com/api/public/v1", "http://127.0.0.1:8765", "http://localhost:9000", "http://[::1]:80",
     "http://127.5.5.5", "https://10.0.0.2"],
)  # fmt: skip
def test_allowed_engine_urls(url: str) -> None:
    check_base_url(url)


@pytest.mark.parametrize(
    "url",
    ["http://api.musicgpt.com", "http://192.168.1.20:8000", "http://localhost.evil.com", "ftp://host",
     "https://user:pw@host", "musicgpt.com", "http://0.0.0.0:80"],
)  # fmt: skip
def test_refused_engine_urls(url: str) -> None:
    with pytest.raises(InsecureEngineError):
        check_base_url(url)


def test_engine_specs() -> None:
    assert parse_engine("local").kind is EngineKind.LOCAL
    assert parse_engine(" MusicGPT ").kind is EngineKind.MUSICGPT
    custom = parse_engine("http://127.0.0.1:9000/")
    assert (custom.kind, custom.name) == (EngineKind.CUSTOM, "http://127.0.0.1:9000")
    assert endpoints_for(custom) == Endpoints(
        "http://127.0.0.1:9000/api/public/v1", "http://127.0.0.1:9000", "http://127.0.0.1:9000"
    )
    assert endpoints_for(parse_engine("sunoapi")) == REAL_ENDPOINTS
    assert REAL_ENDPOINTS.sunoapi_upload_base == "https://sunoapiorg.redpandaai.co"
    with pytest.raises(InsecureEngineError):
        parse_engine("http://example.com")
    with pytest.raises(InsecureEngineError):
        parse_engine("mystery")


def test_engines_offer_their_own_operations() -> None:
    parse_engine("musicgpt").require(Operation.COVER)
    parse_engine("sunoapi").require(Operation.ADD_VOCALS)
    parse_engine("local").require(Operation.ADD_VOCALS)
    with pytest.raises(EngineMismatchError, match=r"sunoapi\.org"):
        parse_engine("musicgpt").require(Operation.ADD_VOCALS)
    with pytest.raises(EngineMismatchError):
        parse_engine("sunoapi").require(Operation.INPAINT)


def test_key_order_explicit_then_environment_then_keyring() -> None:
    store = KeyStore()
    spec = parse_engine("musicgpt")
    store.set(spec.keyring_name, "from-keyring-123")
    env = {"RETAKE_MUSICGPT_API_KEY": "from-env-456"}
    assert resolve_api_key(spec, explicit="explicit-789", store=store, environ=env).source is KeySource.EXPLICIT
    assert resolve_api_key(spec, store=store, environ=env).value == "from-env-456"
    found = resolve_api_key(spec, store=store, environ={})
    assert (found.value, found.source) == ("from-keyring-123", KeySource.KEYRING)
    assert "from-keyring-123" not in repr(found) and "from-keyring-123" not in str(found)
    store.delete(spec.keyring_name)
    with pytest.raises(MissingKeyError, match="RETAKE_MUSICGPT_API_KEY"):
        resolve_api_key(spec, store=store, environ={})


def test_official_env_keys_are_not_sent_to_custom_engines() -> None:
    spec = parse_engine("https://my-engine.example")
    env = {"RETAKE_MUSICGPT_API_KEY": "real-musicgpt-key", "RETAKE_SUNOAPI_API_KEY": "real-suno-key"}
    with pytest.raises(MissingKeyError):
        resolve_api_key(spec, store=KeyStore(), environ=env)
    assert (
        resolve_api_key(spec, store=KeyStore(), environ={"RETAKE_ENGINE_API_KEY": "custom-key"}).value == "custom-key"
    )


@pytest.fixture
def no_keyring(monkeypatch):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_keys_stay_in_the_session_not_on_disk(no_keyring, tmp_path: Path) -> None:
    store = KeyStore(file_fallback=tmp_path / "keys.json")
    assert not store.keyring_usable()
    assert store.set("musicgpt", "session-key-1") is KeySource.SESSION
    assert store.get("musicgpt").source is KeySource.SESSION
    assert not (tmp_path / "keys.json").exists()
    assert KeyStore(file_fallback=tmp_path / "keys.json").get("musicgpt") is None  # gone with the session


def test_opted_in_key_file_is_private_and_refused_when_readable_by_others(no_keyring, tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    store = KeyStore(file_fallback=path)
    assert store.set("sunoapi", "file-key-2", prefer=KeySource.FILE) is KeySource.FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert KeyStore(file_fallback=path).get("sunoapi").value == "file-key-2"
    os.chmod(path, 0o644)
    assert KeyStore(file_fallback=path).get("sunoapi") is None
    os.chmod(path, 0o600)
    store.delete("sunoapi")
    assert KeyStore(file_fallback=path).get("sunoapi") is None


def test_redaction_of_text_headers_and_logs(caplog) -> None:
    register_secret("sk-live-abcdef123456")
    assert redact("Authorization: Bearer sk-live-abcdef123456 failed") == f"Authorization: {MASK} failed"
    assert redact_headers({"Authorization": "sk-live-abcdef123456", "Accept": "x"}) == {
        "Authorization": MASK,
        "Accept": "x",
    }
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("desktop_app.test").info("sending key %s now", "sk-live-abcdef123456")
        logging.getLogger("httpx").warning("header sk-live-abcdef123456")
    assert "sk-live-abcdef123456" not in caplog.text
    assert caplog.text.count(MASK) == 2


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd", "passwd"), ("..\\..\\win.ini", "win.ini"), ("take 1.wav", "take 1.wav"), ("..", "audio"),
     ("a/b/c.mp3", "c.mp3"), ("con\x00trol.wav", "con_trol.wav"), ("Ünïcodé.wav", "Unicode.wav"), ("", "audio")],
)  # fmt: skip
def test_service_names_are_sanitised(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe
    assert "/" not in safe_file_name(name) and "\\" not in safe_file_name(name)


def test_long_names_keep_their_suffix() -> None:
    name = safe_file_name("x" * 300 + ".wav")
    assert len(name) == 100 and name.endswith(".wav")
