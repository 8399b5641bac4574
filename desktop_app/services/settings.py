"""Typed settings on QSettings (INI file in the config folder, which RETAKE_* variables can move).

Two groups: ``settings/`` for preferences the user chooses, ``persist/`` for window state the
app remembers. API keys are never stored here (see api/keys.py: the keyring).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from desktop_app.api.limits import DOWNLOAD_CAP_MB, UPLOAD_MP3_ABOVE_MB
from desktop_app.paths import config_dir

T = TypeVar("T")
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Option(Generic[T]):
    key: str
    default: T

    def read(self, store: QSettings) -> T:
        raw = store.value(self.key, self.default)
        return _coerce(raw, self.default)


def _coerce(raw: Any, default: Any) -> Any:
    if raw is None:
        return default
    try:
        if isinstance(default, bool):
            return raw if isinstance(raw, bool) else str(raw).lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, list):
            if isinstance(raw, str):
                return [raw] if raw else []
            return list(raw)
        if isinstance(default, QByteArray):
            return raw if isinstance(raw, QByteArray) else QByteArray(raw)
        return str(raw)
    except (TypeError, ValueError):
        return default


class Options:
    engine = Option("settings/engine", "local")
    custom_engine_url = Option("settings/custom_engine_url", "")
    poll_timeout_s = Option("settings/poll_timeout_s", 900)
    upload_mp3_above_mb = Option("settings/upload_mp3_above_mb", UPLOAD_MP3_ABOVE_MB)  # defined once: api/limits.py
    download_cap_mb = Option("settings/download_cap_mb", DOWNLOAD_CAP_MB)
    crossfade_ms = Option("settings/crossfade_ms", 20.0)
    loudness_match = Option("settings/loudness_match", True)
    preroll_s = Option("settings/preroll_s", 2.0)
    postroll_s = Option("settings/postroll_s", 2.0)
    snap_to_grid = Option("settings/snap_to_grid", True)
    snap_to_zero = Option("settings/snap_to_zero", True)
    paid_send_confirmed = Option("settings/paid_send_confirmed", False)  # the first paid send asked once
    export_format = Option("persist/export_format", "wav24")
    export_folder = Option("persist/export_folder", "")
    recent_files: Option[list[str]] = Option("persist/recent_files", [])
    loop_enabled = Option("persist/loop_enabled", False)
    last_folder = Option("persist/last_folder", "")
    window_geometry = Option("persist/window_geometry", QByteArray())
    window_state = Option("persist/window_state", QByteArray())


class Settings:
    """Reads and writes :class:`Options`; one instance per app."""

    def __init__(self, path: str | None = None) -> None:
        self._store = QSettings(path or str(config_dir() / "retake.ini"), QSettings.Format.IniFormat)
        self._migrate()

    def get(self, option: Option[T]) -> T:
        return option.read(self._store)

    def set(self, option: Option[T], value: T) -> None:
        self._store.setValue(option.key, value)

    def sync(self) -> None:
        self._store.sync()

    def file_name(self) -> str:
        return self._store.fileName()

    def add_recent_file(self, path: str, limit: int = 10) -> list[str]:
        recent = [p for p in self.get(Options.recent_files) if p != path]
        recent.insert(0, path)
        recent = recent[:limit]
        self.set(Options.recent_files, recent)
        return recent

    def _migrate(self) -> None:
        version = _coerce(self._store.value("meta/schema_version", 0), 0)
        # Version 1 is the first; future upgrades go here, one step at a time.
        if version < SCHEMA_VERSION:
            self._store.setValue("meta/schema_version", SCHEMA_VERSION)
