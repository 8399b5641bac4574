"""MusicGPT client (no Qt): inpaint, Remix, sing_over_instrumental, Cover, byId polling, voices.

``MusicGPTClient(http, base_url, api_key)``:

- ``submit(request, upload_path=None, on_progress=None, cancel=None) -> SubmitReceipt``: POST the
  operation's path as multipart; ``audio_file`` is streamed from disk with progress (or the
  request's ``audio_url`` is sent); never resent once the request may have been accepted.
- ``status(operation, task_id, conversion_ids, cancel=None) -> JobStatus``: ``GET /byId`` with
  ``conversionType`` and ``task_id``; if the service answers in the single-id shape and some take
  is still missing, that take is asked for by ``conversion_id`` (never both ids in one call, as
  the docs ask).
- ``history(conversion_type, since, ...) -> list[HistoryEntry]``: ``GET /byUser`` (newest first,
  following the cursor a few pages), and ``find_submitted(request, since)``: the receipt of a job of
  the same conversion type created after ``since`` with the same prompt, so a submit whose answer
  was lost can be adopted instead of paid for twice.
- ``voices(page=0, limit=20)`` / ``search_voices(query, page=0, limit=20) -> VoicePage``: 0-based
  pages, cached for ten minutes per base URL.

Auth is the raw key in ``Authorization`` (no ``Bearer``), as every docs example sends it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from desktop_app.api.errors import MUSICGPT
from desktop_app.api.models import AddVocalsRequest, ServiceRequest
from desktop_app.api.operations import Operation
from desktop_app.api.results import (
    HistoryEntry,
    JobStatus,
    Progress,
    SubmitReceipt,
    parse_musicgpt_history,
    parse_musicgpt_status,
    parse_musicgpt_submit,
    parse_voices,
)
from desktop_app.api.retry import RetryPolicy, call_with_retry
from desktop_app.api.transport import FETCHING_SUBMIT_TIMEOUT, json_of, send
from desktop_app.api.upload import ProgressCallback, ProgressReader, mime_type, multipart_without_files, safe_file_name

VOICE_CACHE_SECONDS = 600.0
HISTORY_PAGE = 50
HISTORY_PAGES = 4  # a lost answer is minutes old: the newest 200 conversions hold it
CLOCK_SKEW = 120.0  # the service's createdAt may run ahead of or behind this computer's clock


@dataclass(frozen=True)
class VoicePage:
    voices: list[dict[str, Any]] = field(default_factory=list)  # {voice_id, voice_name, tts_only}
    page: int = 0
    limit: int = 20
    total: int | None = None


_voice_cache: dict[tuple, tuple[float, VoicePage]] = {}
_voice_lock = threading.Lock()


def clear_voice_cache() -> None:
    with _voice_lock:
        _voice_cache.clear()


class MusicGPTClient:
    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        api_key: str,
        *,
        policy: RetryPolicy | None = None,
        wait=None,
        service: str = MUSICGPT,
    ) -> None:
        self.service = service  # the name errors use: "MusicGPT", "the local engine", ...
        self.http = http
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.policy = policy or RetryPolicy()
        self._wait = wait  # injectable for tests; default waits on the cancel event

    def __repr__(self) -> str:
        return f"MusicGPTClient({self.base_url!r})"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": self._api_key}

    def _retry(self, fn, cancel, *, idempotent: bool = True, rate_limits: bool = True, on_retry=None):
        return call_with_retry(
            fn, policy=self.policy, cancel=cancel, idempotent=idempotent, rate_limits=rate_limits,
            on_retry=on_retry, wait=self._wait,
        )  # fmt: skip

    # ---------------------------------------------------------------------------------- submit
    def submit(
        self,
        request: ServiceRequest,
        *,
        upload_path: Path | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        on_retry=None,
    ) -> SubmitReceipt:
        operation = request.operation
        if isinstance(request, AddVocalsRequest):
            raise ValueError(f"{operation} is not a MusicGPT operation")
        form = request.form_fields()
        source = upload_path or request.audio_file
        url = self.base_url + operation.path

        def attempt() -> SubmitReceipt:
            if source is None:  # the service fetches audio_url before it answers
                body, content_type = multipart_without_files(form)
                headers = {**self._headers, "Content-Type": content_type}
                response = send(self.http, self.service, "POST", url, content=body, headers=headers,
                                timeout=FETCHING_SUBMIT_TIMEOUT)  # fmt: skip
                return parse_musicgpt_submit(json_of(response, self.service))
            path = Path(source)
            with path.open("rb") as handle:
                reader = ProgressReader(handle, path.stat().st_size, on_progress, cancel)
                files = {"audio_file": (safe_file_name(path.name), reader, mime_type(path))}
                response = send(self.http, self.service, "POST", url, data=form, files=files, headers=self._headers)
            return parse_musicgpt_submit(json_of(response, self.service))

        return self._retry(attempt, cancel, idempotent=False, on_retry=on_retry)

    # ---------------------------------------------------------------------------------- status
    def _by_id(self, params: dict[str, str], cancel, on_retry) -> Any:
        def attempt() -> Any:
            response = send(
                self.http, self.service, "GET", self.base_url + "/byId", params=params, headers=self._headers
            )
            return json_of(response, self.service)

        # A rate limit goes back to the poll loop, which waits it out with every job's polls (jobs/polling.py).
        return self._retry(attempt, cancel, rate_limits=False, on_retry=on_retry)

    def status(
        self,
        operation: Operation,
        task_id: str,
        conversion_ids: tuple[str, ...],
        *,
        cancel: threading.Event | None = None,
        on_retry=None,
    ) -> JobStatus:
        conversion_type = operation.conversion_type
        if conversion_type is None:
            raise ValueError(f"{operation} is not polled through byId")
        payload = self._by_id({"conversionType": conversion_type, "task_id": task_id}, cancel, on_retry)
        result = parse_musicgpt_status(payload, conversion_ids)
        if result.progress is not Progress.PENDING or len(conversion_ids) < 2:
            return result
        conv = payload.get("conversion", {}) if isinstance(payload, dict) else {}
        if "conversion_id_1" in conv or result.raw_status != "COMPLETED":
            return result
        # Single-id shape for a two-output job: ask for each take that is still missing by its own id.
        takes = list(result.takes)
        for i, take in enumerate(takes):
            if take.best_url:
                continue
            extra = self._by_id(
                {"conversionType": conversion_type, "conversion_id": take.conversion_id}, cancel, on_retry
            )
            one = parse_musicgpt_status(extra, (take.conversion_id,))
            if one.progress is Progress.FAILED:
                return one
            if one.takes and one.takes[0].best_url:
                takes[i] = replace(one.takes[0], index=take.index)
        done = all(t.best_url for t in takes)
        return JobStatus(Progress.COMPLETED if done else Progress.PENDING, result.raw_status, result.message,
                         tuple(takes), result.cost)  # fmt: skip

    # --------------------------------------------------------------------------------- history
    def history(
        self, conversion_type: str, since: float, *, cancel: threading.Event | None = None, on_retry=None
    ) -> list[HistoryEntry]:
        """The account's jobs of ``conversion_type`` created after ``since`` (epoch s), newest first."""
        start = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since - CLOCK_SKEW))
        params = {"conversionType": conversion_type, "startDate": start, "sortOrder": "DESC",
                  "limit": str(HISTORY_PAGE)}  # fmt: skip
        found: list[HistoryEntry] = []

        def attempt() -> Any:
            response = send(self.http, self.service, "GET", self.base_url + "/byUser", params=dict(params),
                            headers=self._headers)  # fmt: skip
            return json_of(response, self.service)

        for _ in range(HISTORY_PAGES):
            entries, cursor = parse_musicgpt_history(self._retry(attempt, cancel, on_retry=on_retry))
            found += entries
            if not cursor:
                break
            params["LastEvaluatedKey"] = cursor
        return found

    def find_submitted(
        self,
        request: ServiceRequest,
        since: float,
        *,
        exclude: frozenset[str] = frozenset(),
        cancel: threading.Event | None = None,
        on_retry=None,
    ) -> SubmitReceipt | None:
        """The job a submit sent at ``since`` created, when its answer was lost; None if not found.

        A match has the same conversion type, was created no earlier than ``since`` (less the clock
        skew), carries the same prompt, and is not a task already followed (``exclude``). The
        oldest match wins: it is the one closest to our submit."""
        conversion_type = request.operation.conversion_type
        if conversion_type is None:
            return None
        prompt = str(getattr(request, "prompt", "") or "").strip()
        matches = [
            e for e in self.history(conversion_type, since, cancel=cancel, on_retry=on_retry)
            if e.conversion_type in ("", conversion_type) and e.task_id not in exclude and e.conversion_ids
            and (e.created_at is None or e.created_at >= since - CLOCK_SKEW)
            and (not prompt or (e.prompt or "").strip() == prompt)
        ]  # fmt: skip
        if not matches:
            return None
        best = min(matches, key=lambda e: e.created_at if e.created_at is not None else float("inf"))
        return SubmitReceipt(task_id=best.task_id, conversion_ids=best.conversion_ids,
                             message="found in the account's history after the answer was lost")  # fmt: skip

    # ---------------------------------------------------------------------------------- voices
    def voices(self, page: int = 0, limit: int = 20, *, cancel: threading.Event | None = None) -> VoicePage:
        return self._voice_page("/getAllVoices", {"limit": str(limit), "page": str(page)}, page, limit, cancel)

    def search_voices(
        self, query: str, page: int = 0, limit: int = 20, *, cancel: threading.Event | None = None
    ) -> VoicePage:
        params = {"query": query, "limit": str(limit), "page": str(page)}
        return self._voice_page("/searchVoices", params, page, limit, cancel)

    def _voice_page(self, path: str, params: dict[str, str], page: int, limit: int, cancel) -> VoicePage:
        if page < 0 or not 1 <= limit <= 100:
            raise ValueError("voice pages start at 0 and hold 1 to 100 voices")
        key = (self.base_url, path, tuple(sorted(params.items())))
        now = time.monotonic()
        with _voice_lock:
            cached = _voice_cache.get(key)
        if cached and now - cached[0] < VOICE_CACHE_SECONDS:
            return cached[1]

        def attempt() -> Any:
            response = send(self.http, self.service, "GET", self.base_url + path, params=params, headers=self._headers)
            return json_of(response, self.service)

        items, total = parse_voices(self._retry(attempt, cancel))
        result = VoicePage(items, page, limit, total)
        with _voice_lock:
            _voice_cache[key] = (now, result)
        return result
