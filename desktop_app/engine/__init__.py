"""The local engine (no Qt): an HTTP server on 127.0.0.1 that speaks the MusicGPT and sunoapi.org
contracts and does the work with signal processing. ``LocalEngine`` starts and stops it."""

from desktop_app.engine.faults import FaultSpecError
from desktop_app.engine.local import FAULTS_ENV, LocalEngine

__all__ = ["FAULTS_ENV", "FaultSpecError", "LocalEngine"]
