"""sunoapi.org client (no Qt): file upload, add vocals, record-info polling.

``SunoApiClient(http, api_base, upload_base, api_key)``:

- ``upload(path, file_name=None, on_progress=None, cancel=None) -> str``: ``POST
  {upload_base}/api/file-stream-upload`` (multipart ``file``, ``uploadPath``, ``fileName``) and returns
  ``data.downloadUrl``. The service stores by folder and name and overwrites a file of the same name,
  so callers pass a name unique to their job (:func:`upload_name`);
- ``submit(request, upload_url, cancel=None) -> SubmitReceipt``: ``POST /api/v1/generate/add-vocals``
  with the JSON body of :meth:`AddVocalsRequest.json_body`;
- ``status(task_id, cancel=None) -> JobStatus``: ``GET /api/v1/generate/record-info?taskId=``;
- ``credits(cancel=None) -> float``: ``GET /api/v1/generate/credit``, the account's balance.

``Authorization: Bearer <key>`` on every call. The body's ``code`` decides, not only the HTTP
status: 429 there means *no credits* and 405/430 mean *slow down*.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx

from desktop_app.api.errors import SUNOAPI, error_for_status
from desktop_app.api.models import AddVocalsRequest
from desktop_app.api.results import (
    JobStatus,
    SubmitReceipt,
    parse_suno_credit,
    parse_suno_status,
    parse_suno_submit,
    parse_suno_upload,
    suno_envelope,
)
from desktop_app.api.retry import RetryPolicy, call_with_retry
from desktop_app.api.transport import FETCHING_SUBMIT_TIMEOUT, json_of, send
from desktop_app.api.upload import ProgressCallback, ProgressReader, mime_type, safe_file_name

UPLOAD_PATH = "/api/file-stream-upload"
ADD_VOCALS_PATH = "/api/v1/generate/add-vocals"
RECORD_INFO_PATH = "/api/v1/generate/record-info"
CREDIT_PATH = "/api/v1/generate/credit"
UPLOAD_FOLDER = "retake"
UPLOAD_RETENTION_SECONDS = 3 * 24 * 3600  # the upload docs: files are deleted after 3 days


def upload_name(job_id: str, path: Path) -> str:
    """A file name no other job uses: the job id, then the source's sanitised stem and suffix."""
    return safe_file_name(f"{job_id}-{Path(path).name}")


class SunoApiClient:
    def __init__(
        self,
        http: httpx.Client,
        api_base: str,
        upload_base: str,
        api_key: str,
        *,
        policy: RetryPolicy | None = None,
        wait=None,
        service: str = SUNOAPI,
    ) -> None:
        self.service = service  # the name errors use: "MusicGPT", "the local engine", ...
        self.http = http
        self.api_base = api_base.rstrip("/")
        self.upload_base = upload_base.rstrip("/")
        self._api_key = api_key
        self.policy = policy or RetryPolicy()
        self._wait = wait

    def __repr__(self) -> str:
        return f"SunoApiClient({self.api_base!r})"

    @property
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}"}

    def _data(self, response: httpx.Response) -> Any:
        code, msg, data = suno_envelope(json_of(response, self.service))
        if code != 200:
            raise error_for_status(code, self.service, msg, suno_code=True)
        return data

    def upload(
        self,
        path: Path,
        *,
        file_name: str | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        on_retry=None,
    ) -> str:
        path = Path(path)
        name = safe_file_name(file_name or path.name)

        def attempt() -> str:
            with path.open("rb") as handle:
                reader = ProgressReader(handle, path.stat().st_size, on_progress, cancel)
                response = send(
                    self.http,
                    self.service,
                    "POST",
                    self.upload_base + UPLOAD_PATH,
                    data={"uploadPath": UPLOAD_FOLDER, "fileName": name},
                    files={"file": (name, reader, mime_type(path))},
                    headers=self._headers,
                )
            return parse_suno_upload(self._data(response))

        # Uploading is free and makes a new temporary file each time, so it may be repeated.
        return call_with_retry(attempt, policy=self.policy, cancel=cancel, on_retry=on_retry, wait=self._wait)

    def submit(
        self, request: AddVocalsRequest, upload_url: str, *, cancel: threading.Event | None = None, on_retry=None
    ) -> SubmitReceipt:
        body = request.json_body(upload_url)

        def attempt() -> SubmitReceipt:
            # The service fetches uploadUrl before it answers: allow it the longer read timeout.
            response = send(self.http, self.service, "POST", self.api_base + ADD_VOCALS_PATH, json=body,
                            headers=self._headers, timeout=FETCHING_SUBMIT_TIMEOUT)  # fmt: skip
            return parse_suno_submit(self._data(response))

        return call_with_retry(
            attempt, policy=self.policy, cancel=cancel, idempotent=False, on_retry=on_retry, wait=self._wait
        )

    def status(self, task_id: str, *, cancel: threading.Event | None = None, on_retry=None) -> JobStatus:
        def attempt() -> JobStatus:
            response = send(
                self.http,
                self.service,
                "GET",
                self.api_base + RECORD_INFO_PATH,
                params={"taskId": task_id},
                headers=self._headers,
            )
            return parse_suno_status(self._data(response))

        # A rate limit goes back to the poll loop, which waits it out with every job's polls (jobs/polling.py).
        return call_with_retry(
            attempt, policy=self.policy, cancel=cancel, rate_limits=False, on_retry=on_retry, wait=self._wait
        )

    def credits(self, *, cancel: threading.Event | None = None) -> float:
        """The account's remaining credits (``GET /api/v1/generate/credit``)."""

        def attempt() -> float:
            response = send(self.http, self.service, "GET", self.api_base + CREDIT_PATH, headers=self._headers)
            return parse_suno_credit(self._data(response))

        return call_with_retry(attempt, policy=self.policy, cancel=cancel, wait=self._wait)
