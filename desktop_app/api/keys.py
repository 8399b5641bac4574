"""API keys: the operating system's keyring first, an explicit and visible fallback otherwise.

Keys are never written to settings, logs, job records or sidecars. Where they come from, in order:

1. an explicit key (``--api-key``, a form field) for this run only;
2. the environment: ``RETAKE_MUSICGPT_API_KEY`` / ``RETAKE_SUNOAPI_API_KEY`` (official engines only,
   so a real key is never sent to a custom server by accident) or ``RETAKE_ENGINE_API_KEY`` (custom);
3. :class:`KeyStore`: the keyring (service ``"Retake"``, user = the engine's ``keyring_name``); when
   no usable keyring backend exists, a per-session in-memory key, or — only if the user opted in —
   a ``0600`` JSON file, which is refused if anyone else can read it.

Every key read is registered with :mod:`redact` so it is masked wherever it might be printed.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from desktop_app.api.engines import EngineKind, EngineSpec
from desktop_app.api.errors import MissingKeyError
from desktop_app.api.redact import register_secret

log = logging.getLogger(__name__)

KEYRING_SERVICE = "Retake"
ENV_VARS = {EngineKind.MUSICGPT: "RETAKE_MUSICGPT_API_KEY", EngineKind.SUNOAPI: "RETAKE_SUNOAPI_API_KEY"}
CUSTOM_ENV_VAR = "RETAKE_ENGINE_API_KEY"
KEY_FILE_NAME = "api-keys.json"


class KeySource(StrEnum):
    EXPLICIT = "explicit"
    ENVIRONMENT = "environment"
    KEYRING = "keyring"
    SESSION = "session"
    FILE = "file"


@dataclass(frozen=True)
class ApiKey:
    value: str
    source: KeySource

    def __repr__(self) -> str:  # never show the value
        return f"ApiKey(source={self.source.value!r}, value=«redacted»)"

    __str__ = __repr__


class KeyStore:
    """Keyring-backed key storage with an explicit fallback when no keyring works.

    ``file_fallback``: a path the user agreed to keep keys in (``0600``); ``None`` means no file.
    """

    def __init__(self, *, file_fallback: Path | None = None) -> None:
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()
        self.file_fallback = file_fallback

    # ------------------------------------------------------------------------------- keyring
    @staticmethod
    def keyring_usable() -> bool:
        """True when a real keyring backend is available (headless Linux often has none)."""
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
            if isinstance(backend, fail.Keyring):
                return False
            chained = getattr(backend, "backends", None)
            return chained is None or any(not isinstance(b, fail.Keyring) for b in chained)
        except Exception as exc:  # a broken backend must not take the app down
            log.warning("keyring unavailable: %s", exc)
            return False

    def get(self, name: str) -> ApiKey | None:
        """The stored key for the engine ``name`` (its ``keyring_name``), or None."""
        if self.keyring_usable():
            try:
                import keyring

                value = keyring.get_password(KEYRING_SERVICE, name)
            except Exception as exc:
                log.warning("could not read the keyring: %s", exc)
                value = None
            if value:
                register_secret(value)
                return ApiKey(value, KeySource.KEYRING)
        with self._lock:
            value = self._session.get(name)
        if value:
            return ApiKey(value, KeySource.SESSION)
        value = self._read_file().get(name)
        if value:
            register_secret(value)
            return ApiKey(value, KeySource.FILE)
        return None

    def set(self, name: str, value: str, *, prefer: KeySource = KeySource.KEYRING) -> KeySource:
        """Store ``value``; returns where it went. Without a keyring it goes to the session (or the file
        if ``prefer`` is FILE and the user opted into one) — never silently to plaintext."""
        value = value.strip()
        if not value:
            raise ValueError("an empty API key cannot be stored")
        register_secret(value)
        if prefer is KeySource.KEYRING and self.keyring_usable():
            import keyring

            keyring.set_password(KEYRING_SERVICE, name, value)
            return KeySource.KEYRING
        if prefer is KeySource.FILE and self.file_fallback is not None:
            data = self._read_file()
            data[name] = value
            self._write_file(data)
            return KeySource.FILE
        with self._lock:
            self._session[name] = value
        return KeySource.SESSION

    def delete(self, name: str) -> None:
        with self._lock:
            self._session.pop(name, None)
        if self.keyring_usable():
            try:
                import keyring

                keyring.delete_password(KEYRING_SERVICE, name)
            except Exception:  # not stored there: nothing to delete
                pass
        data = self._read_file()
        if name in data:
            del data[name]
            self._write_file(data)

    # ---------------------------------------------------------------------------- file fallback
    def _read_file(self) -> dict[str, str]:
        path = self.file_fallback
        if path is None or not path.exists():
            return {}
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            log.warning("ignoring %s: other users can read it (chmod 600 to use it)", path)
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def _write_file(self, data: dict[str, str]) -> None:
        assert self.file_fallback is not None
        path = self.file_fallback
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.replace(tmp, path)


def resolve_api_key(
    spec: EngineSpec,
    *,
    explicit: str | None = None,
    store: KeyStore | None = None,
    environ: Mapping[str, str] | None = None,
) -> ApiKey:
    """The key to use for ``spec`` (not for the local engine, which brings its own)."""
    if explicit and explicit.strip():
        register_secret(explicit.strip())
        return ApiKey(explicit.strip(), KeySource.EXPLICIT)
    env = os.environ if environ is None else environ
    var = ENV_VARS.get(spec.kind, CUSTOM_ENV_VAR if spec.kind is EngineKind.CUSTOM else None)
    if var and env.get(var, "").strip():
        value = env[var].strip()
        register_secret(value)
        return ApiKey(value, KeySource.ENVIRONMENT)
    found = (store or KeyStore()).get(spec.keyring_name)
    if found:
        return found
    hint = f" or set {var}" if var else ""
    raise MissingKeyError(f"No API key for {spec.label}. Add it in Settings → Engines, pass --api-key{hint}.")
