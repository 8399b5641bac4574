"""Logging to a rotating file in the user log folder (no Qt here; Qt messages are routed in ui/app.py)."""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
from pathlib import Path

from desktop_app import __version__
from desktop_app.paths import log_dir

LOG_FILE_NAME = "retake.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def log_file() -> Path:
    return log_dir() / LOG_FILE_NAME


def setup_logging(level: int = logging.INFO, *, console: bool = False) -> Path:
    """Configure the root logger once; returns the log file path."""
    path = log_file()
    root = logging.getLogger()
    if any(getattr(h, "_retake", False) for h in root.handlers):
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._retake = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream._retake = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    root.setLevel(level)
    logging.captureWarnings(True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger(__name__).info(
        "Retake %s starting (Python %s, %s)", __version__, platform.python_version(), platform.platform()
    )
    return path
