"""Run the ``retake`` command line in a subprocess with its own home folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def retake_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RETAKE_MUSICGPT", "RETAKE_SUNOAPI"))}
    return {**env, "RETAKE_HOME": str(home), "PYTHONIOENCODING": "utf-8", **extra}


def retake(home: Path, *args: str, timeout: float = 180, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=retake_env(home, **env),
        timeout=timeout,
    )
