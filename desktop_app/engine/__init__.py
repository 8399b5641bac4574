"""The local engine (no Qt): an HTTP server on 127.0.0.1 that speaks the MusicGPT and sunoapi.org
contracts and does the work with signal processing. ``LocalEngine`` starts and stops it.

The names are loaded on first use: the engine's worker processes import modules of this package
(see ``worker_boot``) and must not pay for the server's imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_app.engine.faults import FaultSpecError
    from desktop_app.engine.local import FAULTS_ENV, LocalEngine

__all__ = ["FAULTS_ENV", "FaultSpecError", "LocalEngine"]


def __getattr__(name: str) -> Any:
    if name == "FaultSpecError":
        from desktop_app.engine.faults import FaultSpecError

        return FaultSpecError
    if name in ("FAULTS_ENV", "LocalEngine"):
        from desktop_app.engine import local

        return getattr(local, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
