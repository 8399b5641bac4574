"""Where Retake keeps its files.

Every folder can be moved with an environment variable so that tests, CI and portable
installs never touch the user's real folders:

- ``RETAKE_CONFIG_DIR``, ``RETAKE_DATA_DIR``, ``RETAKE_LOG_DIR``, ``RETAKE_CACHE_DIR``: one folder each
- ``RETAKE_HOME``: one folder holding config/, data/, logs/ and cache/ for those not set one by one
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from desktop_app import APP_ID, APP_NAME


def _resolve(kind: str, default: str) -> Path:
    override = os.environ.get(f"RETAKE_{kind.upper()}_DIR")
    home = os.environ.get("RETAKE_HOME")
    if override:
        path = Path(override)
    elif home:
        path = Path(home) / kind
    else:
        path = Path(default)
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    return _resolve("config", platformdirs.user_config_dir(APP_ID, APP_NAME))


def data_dir() -> Path:
    return _resolve("data", platformdirs.user_data_dir(APP_ID, APP_NAME))


def log_dir() -> Path:
    return _resolve("logs", platformdirs.user_log_dir(APP_ID, APP_NAME))


def cache_dir() -> Path:
    return _resolve("cache", platformdirs.user_cache_dir(APP_ID, APP_NAME))


def resources_dir() -> Path:
    """The resources/ folder, both from a source checkout and inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def demo_song() -> Path:
    return resources_dir() / "demo" / "demo_song.flac"
