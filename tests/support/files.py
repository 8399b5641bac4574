"""What a test checks stayed the same about a user's file."""

from __future__ import annotations

import hashlib
from pathlib import Path


def fingerprint(path: Path) -> tuple:
    """What must not change about a user's file: its bytes, size and modification time."""
    if not path.exists():
        return ("absent",)
    if path.is_dir():
        return ("folder", sorted(p.name for p in path.iterdir()), path.stat().st_mtime_ns)
    stat = path.stat()
    return (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns)
