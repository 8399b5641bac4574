"""Fetch the engine's voice list (for the cover form) off the GUI thread."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from desktop_app.api.errors import ServiceError
from desktop_app.jobs.clients import ClientFactory

log = logging.getLogger(__name__)
PAGE_SIZE = 100


class VoiceLoader(QObject):
    loaded = Signal(str, list)  # query, [{"voice_id", "voice_name", "tts_only"}]
    failed = Signal(str, str)  # query, user-facing message

    def __init__(self, factory: ClientFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.factory = factory
        self._latest = 0
        self._lock = threading.Lock()

    def fetch(self, engine: str, query: str = "") -> None:
        """Load the first page of voices (or a search); only the newest request's answer is delivered."""
        with self._lock:
            self._latest += 1
            ticket = self._latest
        threading.Thread(target=self._work, args=(engine, query.strip(), ticket), daemon=True, name="voices").start()

    def _work(self, engine: str, query: str, ticket: int) -> None:
        try:
            with self.factory(engine) as clients:
                if query:
                    page = clients.musicgpt.search_voices(query, 0, PAGE_SIZE)
                else:
                    page = clients.musicgpt.voices(0, PAGE_SIZE)
            result: list | str = list(page.voices)
        except ServiceError as error:
            result = str(error)
        except Exception as error:  # never let a voice list crash the app
            log.exception("voice list failed")
            result = f"Could not load voices: {error}"
        with self._lock:
            if ticket != self._latest:
                return  # superseded by a newer search
        if isinstance(result, str):
            self.failed.emit(query, result)
        else:
            self.loaded.emit(query, result)
