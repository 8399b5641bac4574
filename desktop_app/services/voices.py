"""Fetch the engine's voice list (for the cover form) off the GUI thread."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from desktop_app.api.errors import ServiceError
from desktop_app.jobs.clients import ClientFactory
from desktop_app.services.tasks import Task, Tasks

log = logging.getLogger(__name__)
PAGE_SIZE = 100


class VoiceLoader(QObject):
    loaded = Signal(str, list)  # query, [{"voice_id", "voice_name", "tts_only"}]
    failed = Signal(str, str)  # query, user-facing message

    def __init__(self, factory: ClientFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.factory = factory
        self._tasks = Tasks("voices", self)

    def fetch(self, engine: str, query: str = "") -> None:
        """Load the first page of voices (or a search); only the newest request's answer is delivered."""
        query = query.strip()
        self._tasks.start(lambda task: self._work(task, engine, query), key="voices", name="voices")

    def shutdown(self, timeout: float = 5.0) -> bool:
        return self._tasks.shutdown(timeout)

    def _work(self, task: Task, engine: str, query: str) -> None:
        try:
            with self.factory(engine) as clients:
                task.on_cancel(clients.cancel)  # shuts its connections: a blocked read returns at once
                if query:
                    page = clients.musicgpt.search_voices(query, 0, PAGE_SIZE)
                else:
                    page = clients.musicgpt.voices(0, PAGE_SIZE)
            task.post(self.loaded.emit, query, list(page.voices))
        except ServiceError as error:
            task.post(self.failed.emit, query, str(error))
        except Exception as error:  # never let a voice list crash the app
            log.exception("voice list failed")
            task.post(self.failed.emit, query, f"Could not load voices: {error}")
