"""Malformed service answers, injected in front of the documented fake services.

``Tamper(fake)`` is an ``httpx`` transport that lets :class:`tests.support.fake_services.FakeServices`
answer and then, for the next ``times`` requests whose path ends with a given suffix, replaces or
edits that answer. Editing (rather than replacing) keeps the fake's own ids, so an answer with one
odd field still belongs to a job the fake knows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from tests.support.fake_services import FakeServices

Edit = Callable[[httpx.Response], httpx.Response]


def replace_with(status: int, body: Any = None, headers: dict[str, str] | None = None) -> Edit:
    """Answer ``status`` with ``body`` (bytes/str sent as is, anything else as JSON)."""

    def edit(_real: httpx.Response | None) -> httpx.Response:
        if isinstance(body, bytes | str):
            return httpx.Response(status, content=body, headers=headers)
        return httpx.Response(status, content=json.dumps(body).encode(), headers={
            "content-type": "application/json", **(headers or {})})  # fmt: skip

    edit.replaces = True  # type: ignore[attr-defined]  # the fake never sees the request
    return edit


def _edit_json(change: Callable[[Any], Any]) -> Edit:
    def edit(real: httpx.Response) -> httpx.Response:
        data = change(json.loads(real.content))
        return httpx.Response(real.status_code, content=json.dumps(data).encode(),
                              headers={"content-type": "application/json"})  # fmt: skip

    return edit


def patch(**fields: Any) -> Edit:
    """Overwrite top-level fields of the JSON answer (a MusicGPT submit)."""
    return _edit_json(lambda data: {**data, **fields})


def patch_conversion(**fields: Any) -> Edit:
    """Overwrite fields of ``conversion`` in a MusicGPT ``byId`` answer."""
    return _edit_json(lambda data: {**data, "conversion": {**data["conversion"], **fields}})


def patch_suno_data(**fields: Any) -> Edit:
    """Overwrite fields of ``data`` in a sunoapi.org envelope."""
    return _edit_json(lambda data: {**data, "data": {**(data.get("data") or {}), **fields}})


def patch_suno_tracks(**fields: Any) -> Edit:
    """Overwrite fields of every track of a record-info answer."""

    def change(data: Any) -> Any:
        for track in data["data"]["response"]["sunoData"]:
            track.update(fields)
        return data

    return _edit_json(change)


class Tamper(httpx.MockTransport):
    def __init__(self, fake: FakeServices) -> None:
        super().__init__(self._handle)
        self.fake = fake
        self.rules: list[list] = []  # [path suffix, edit, times left]
        self.requested: list[str] = []

    def add(self, suffix: str, edit: Edit, times: int = 1) -> Tamper:
        self.rules.append([suffix, edit, times])
        return self

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requested.append(str(request.url))
        for rule in self.rules:
            suffix, edit, left = rule
            if left > 0 and request.url.path.endswith(suffix):
                rule[2] -= 1
                if getattr(edit, "replaces", False):
                    request.read()
                    return edit(None)
                real = self.fake.handle(request)
                real.read()
                return edit(real)
        return self.fake.handle(request)
