"""MusicGPT and sunoapi.org as the docs describe them, in memory, behind an ``httpx.MockTransport``.

Used until (and alongside) the local engine: it answers with the documented shapes, records every
request for contract tests, and can be told to fail the next calls to a path (``fail_next``).
"""

from __future__ import annotations

import email.parser
import email.policy
import io
import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import soundfile as sf

MUSICGPT = "https://api.musicgpt.com/api/public/v1"
SUNO = "https://api.sunoapi.org"
UPLOAD = "https://sunoapiorg.redpandaai.co"
FILES = "https://lalals.s3.amazonaws.com/conversions"

TWO_OUTPUT_TYPES = {"INPAINT", "REMIX", "SING_OVER_INSTRUMENTAL"}
PATH_TYPES = {"/inpaint": "INPAINT", "/Remix": "REMIX", "/sing_over_instrumental": "SING_OVER_INSTRUMENTAL",
              "/Cover": "COVER"}  # fmt: skip


def wav_bytes(seconds: float = 0.5, rate: int = 22050, freq: float = 330.0) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    data = (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, np.stack([data, data], axis=1), rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def parse_multipart(request: httpx.Request) -> tuple[dict[str, str], dict[str, tuple[str, str, bytes]]]:
    """(fields, files) of a multipart request; files map name → (filename, content type, bytes)."""
    raw = b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.content
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    fields, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files[name] = (filename, part.get_content_type(), payload)
        else:
            fields[name] = payload.decode("utf-8")
    return fields, files


@dataclass
class FakeJob:
    kind: str
    task_id: str
    conversion_ids: list[str]
    polls_left: int
    fields: dict[str, str]
    status: str = "IN_QUEUE"


@dataclass
class FakeServices:
    key: str = "sk-test-0123456789"
    polls_until_done: int = 1
    shape: str = "two_in_one"  # byId shape for two-output jobs: "two_in_one" or "generic"
    offer_wav: bool = True
    final_status: str = "COMPLETED"
    audio: bytes = field(default_factory=wav_bytes)
    requests: list[httpx.Request] = field(default_factory=list)
    jobs: dict[str, FakeJob] = field(default_factory=dict)
    suno_jobs: dict[str, FakeJob] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    _faults: dict[str, deque] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    # ------------------------------------------------------------------------------ control
    def fail_next(self, path: str, status: int, body: Any = None, headers: dict | None = None, times: int = 1) -> None:
        """The next ``times`` requests whose path ends with ``path`` get this answer instead."""
        for _ in range(times):
            self._faults.setdefault(path, deque()).append((status, body, headers or {}))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport())

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith(path)]

    @property
    def submit_count(self) -> int:
        return len(self.jobs) + len(self.suno_jobs)

    # ------------------------------------------------------------------------------ routing
    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        for path, queue in self._faults.items():
            if request.url.path.endswith(path) and queue:
                status, body, headers = queue.popleft()
                if isinstance(body, bytes | str):
                    return httpx.Response(status, content=body, headers=headers)
                return httpx.Response(status, json=body if body is not None else {"detail": "fault"}, headers=headers)
        url = str(request.url)
        if url.startswith(FILES):
            return self._file(request)
        if url.startswith(MUSICGPT):
            if request.headers.get("authorization") != self.key:
                return httpx.Response(403, json={"success": False, "message": "Invalid API key"})
            return self._musicgpt(request, request.url.path[len("/api/public/v1") :])
        if url.startswith((SUNO, UPLOAD)):
            if request.headers.get("authorization") != f"Bearer {self.key}":
                return httpx.Response(200, json={"code": 401, "msg": "Unauthorized access", "data": None})
            return self._suno(request)
        return httpx.Response(404)

    def _file(self, request: httpx.Request) -> httpx.Response:
        ctype = "audio/wav" if request.url.path.endswith(".wav") else "audio/mpeg"
        return httpx.Response(200, content=self.audio, headers={"content-type": ctype})

    # ----------------------------------------------------------------------------- MusicGPT
    def _musicgpt(self, request: httpx.Request, path: str) -> httpx.Response:
        if request.method == "POST" and path in PATH_TYPES:
            fields, files = parse_multipart(request)
            if "audio_url" not in fields and "audio_file" not in files:
                return httpx.Response(422, json={"detail": "Either audio_url or audio_file must be provided"})
            kind = PATH_TYPES[path]
            n = next(self._ids)
            task = f"task-{n}"
            ids = [f"conv-{n}-a", f"conv-{n}-b"] if kind in TWO_OUTPUT_TYPES else [f"conv-{n}"]
            self.jobs[task] = FakeJob(kind, task, ids, self.polls_until_done, fields)
            if len(ids) == 2:
                return httpx.Response(200, json={"success": True, "message": "Request submitted successfully",
                    "task_id": task, "conversion_id_1": ids[0], "conversion_id_2": ids[1], "eta": 40,
                    "credit_estimate": 45})  # fmt: skip
            return httpx.Response(200, json={"success": True, "task_id": task, "conversion_id": ids[0], "eta": 33,
                                             "credit_estimate": 1.27, "status": "IN_QUEUE"})  # fmt: skip
        if request.method == "GET" and path == "/byId":
            return self._by_id(request)
        if request.method == "GET" and path in ("/getAllVoices", "/searchVoices"):
            voices = [{"voice_id": f"voice-{i}", "voice_name": f"Voice {i}", "tts_only": False} for i in range(45)]
            if path == "/searchVoices":
                q = request.url.params["query"].lower()
                voices = [v for v in voices if q in v["voice_name"].lower()]
            limit, page = int(request.url.params["limit"]), int(request.url.params["page"])
            items = voices[page * limit : (page + 1) * limit]
            return httpx.Response(200, json={"success": True, "voices": items, "limit": limit, "page": page,
                                             "total": len(voices)})  # fmt: skip
        return httpx.Response(404, json={"detail": "Not Found"})

    def _by_id(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        job = self.jobs.get(params.get("task_id", ""))
        if job is None:
            job = next((j for j in self.jobs.values() if params.get("conversion_id") in j.conversion_ids), None)
        if job is None:
            return httpx.Response(404, json={"success": False, "message": "Conversion not found"})
        if params.get("conversionType") != job.kind:
            return httpx.Response(422, json={"success": False, "message": "Invalid conversionType"})
        if job.polls_left > 0:
            job.polls_left -= 1
            job.status = "IN_QUEUE" if job.status == "IN_QUEUE" and job.polls_left > 0 else "PROCESSING"
        else:
            job.status = self.final_status
        conv: dict[str, Any] = {"task_id": job.task_id, "status": job.status}
        if job.status in ("ERROR", "FAILED"):
            conv["status_msg"] = "Audio could not be processed"
            return httpx.Response(200, json={"success": True, "conversion": conv})
        done = job.status == "COMPLETED"
        if len(job.conversion_ids) == 2 and self.shape == "two_in_one":
            for n, cid in enumerate(job.conversion_ids, start=1):
                conv[f"conversion_id_{n}"] = cid
                conv[f"conversion_path_{n}"] = f"{FILES}/{cid}.mp3" if done else ""
                if self.offer_wav:
                    conv[f"conversion_path_wav_{n}"] = f"{FILES}/{cid}.wav" if done else ""
                conv[f"title_{n}"] = f"Take {n}"
                conv[f"lyrics_{n}"] = "[Verse 1]\nla la"
                conv[f"conversion_duration_{n}"] = 0.5
                conv[f"lyrics_timestamped_{n}"] = json.dumps(
                    [{"index": 0, "text": "[Verse 1]", "start": 0, "end": 0},
                     {"index": 1, "text": "la la", "start": 120, "end": 480}])  # fmt: skip
            conv["message"] = "Both conversions received" if done else "Processing"
        else:
            cid = params.get("conversion_id") or job.conversion_ids[0]
            conv.update({"conversion_id": cid, "conversion_cost": "0.88", "title": "Generated"})
            if done:
                conv["audio_url"] = f"{FILES}/{cid}.mp3"
                if self.offer_wav:
                    conv["conversion_path_wav"] = f"{FILES}/{cid}.wav"
        return httpx.Response(200, json={"success": True, "conversion": conv})

    # -------------------------------------------------------------------------------- sunoapi
    def _suno(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/file-stream-upload" and request.method == "POST":
            fields, files = parse_multipart(request)
            name, _ctype, data = files["file"]
            url = f"https://tempfile.redpandaai.co/xxx/{fields['uploadPath']}/{name}"
            self.uploads[url] = data
            return httpx.Response(200, json={"success": True, "code": 200, "msg": "File uploaded successfully",
                "data": {"fileName": name, "filePath": f"{fields['uploadPath']}/{name}", "downloadUrl": url,
                         "fileSize": len(data), "mimeType": "audio/wav",
                         "uploadedAt": "2025-01-01T12:00:00.000Z"}})  # fmt: skip
        if path == "/api/v1/generate/add-vocals" and request.method == "POST":
            body = json.loads(request.content)
            missing = [
                k for k in ("uploadUrl", "prompt", "title", "style", "negativeTags", "callBackUrl") if not body.get(k)
            ]
            if missing:
                return httpx.Response(200, json={"code": 400, "msg": f"Invalid parameters: {missing}", "data": None})
            n = next(self._ids)
            task = f"suno-{n}"
            self.suno_jobs[task] = FakeJob("ADD_VOCALS", task, [f"s{n}a", f"s{n}b"], self.polls_until_done, body)
            return httpx.Response(200, json={"code": 200, "msg": "success", "data": {"taskId": task}})
        if path == "/api/v1/generate/record-info" and request.method == "GET":
            job = self.suno_jobs.get(request.url.params.get("taskId", ""))
            if job is None:
                return httpx.Response(200, json={"code": 404, "msg": "task not found", "data": None})
            if job.polls_left > 0:
                job.polls_left -= 1
                status, data = "TEXT_SUCCESS", []
            else:
                status = "SUCCESS"
                data = [{"id": cid, "audioUrl": f"{FILES}/{cid}.mp3", "streamAudioUrl": "https://example.cn/s",
                         "imageUrl": "https://example.cn/i.jpeg", "prompt": "[Verse] la", "modelName": "chirp-v3-5",
                         "title": job.fields["title"], "tags": "jazz", "createTime": "2025-01-01 00:00:00",
                         "duration": 0.5} for cid in job.conversion_ids]  # fmt: skip
            return httpx.Response(200, json={"code": 200, "msg": "success", "data": {
                "taskId": job.task_id, "parentMusicId": "", "param": json.dumps(job.fields),
                "response": {"taskId": job.task_id, "sunoData": data}, "status": status, "type": "GENERATE",
                "errorCode": None, "errorMessage": None}})  # fmt: skip
        return httpx.Response(200, json={"code": 404, "msg": "Invalid request method or path", "data": None})
