"""A client written only from the services' documentation pages (seeds/): the exact fields of their examples.

MusicGPT: multipart/form-data or form fields, ``Authorization: <key>``, poll ``GET /byId``.
sunoapi.org: JSON, ``Authorization: Bearer <key>``, envelope ``{code, msg, data}``, poll record-info.
"""

from __future__ import annotations

import time
import weakref
from pathlib import Path

import httpx

TERMINAL_MUSICGPT = {"COMPLETED", "FAILED", "ERROR"}
TERMINAL_SUNOAPI = {"SUCCESS", "CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED", "CALLBACK_EXCEPTION",
                    "SENSITIVE_WORD_ERROR"}  # fmt: skip

# The seed pages' example payloads, verbatim.
INPAINT_EXAMPLE = {
    "prompt": "Add a soft guitar solo here",
    "replace_start_at": 12.5,
    "replace_end_at": 20.0,
    "lyrics": "This is where my story begins",
    "gender": "male",
    "webhook_url": "https://example.com/webhook",
}
REMIX_EXAMPLE = {
    "prompt": "Make it sound like Lo-fi with chill beats",
    "lyrics": "It's a brand new day",
    "gender": "female",
    "webhook_url": "https://example.com/my-webhook",
}
SING_OVER_EXAMPLE = {
    "prompt": "Sing like Adele in a soulful tone",
    "lyrics": "Never mind I'll find someone like you...",
    "gender": "female",
    "webhook_url": "https://yourdomain.com/webhook",
}
COVER_EXAMPLE = {"audio_url": "", "voice_id": "Drake", "pitch": 0, "webhook_url": "http://abc.requestcatcher.com/test"}
ADD_VOCALS_EXAMPLE = {
    "prompt": "A calm and relaxing piano track with soothing vocals",
    "title": "Relaxing Piano with Vocals",
    "negativeTags": "Heavy Metal, Aggressive Vocals",
    "style": "Jazz",
    "vocalGender": "m",
    "styleWeight": 0.61,
    "weirdnessConstraint": 0.72,
    "audioWeight": 0.65,
    "uploadUrl": "https://example.com/instrumental.mp3",
    "callBackUrl": "https://api.example.com/callback",
    "model": "V4_5PLUS",
}


class MusicGPT:
    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.http = httpx.Client(headers={"Authorization": key}, timeout=30)
        weakref.finalize(self, self.http.close)  # its sockets close with the test, not at a later collection

    def submit(self, path: str, data: dict, audio: Path | None = None) -> httpx.Response:
        if audio is None:
            return self.http.post(f"{self.base}/{path}", data=data)
        with audio.open("rb") as f:
            return self.http.post(f"{self.base}/{path}", data=data, files={"audio_file": f})

    def by_id(self, conversion_type: str, **ids) -> httpx.Response:
        return self.http.get(f"{self.base}/byId", params={"conversionType": conversion_type, **ids})

    def wait(self, conversion_type: str, task_id: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            conversion = self.by_id(conversion_type, task_id=task_id).json()["conversion"]
            if conversion["status"] in TERMINAL_MUSICGPT:
                return conversion
            time.sleep(0.2)
        raise TimeoutError(f"{conversion_type} {task_id} did not finish")

    def download(self, url: str) -> bytes:
        response = httpx.get(url, timeout=30)  # result links are public, like the service's S3 links
        response.raise_for_status()
        return response.content


class SunoApi:
    def __init__(self, base: str, upload_base: str, key: str) -> None:
        self.base, self.upload_base = base, upload_base
        self.http = httpx.Client(headers={"Authorization": f"Bearer {key}"}, timeout=30)
        weakref.finalize(self, self.http.close)

    def upload(self, path: Path, upload_path: str = "user-uploads") -> dict:
        with path.open("rb") as f:
            response = self.http.post(
                f"{self.upload_base}/api/file-stream-upload",
                files={"file": f},
                data={"uploadPath": upload_path, "fileName": path.name},
            )
        return response.json()  # fmt: skip

    def add_vocals(self, body: dict) -> dict:
        return self.http.post(f"{self.base}/api/v1/generate/add-vocals", json=body).json()

    def record_info(self, task_id: str) -> dict:
        return self.http.get(f"{self.base}/api/v1/generate/record-info", params={"taskId": task_id}).json()

    def wait(self, task_id: str, timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.record_info(task_id)["data"]
            if data["status"] in TERMINAL_SUNOAPI:
                return data
            time.sleep(0.2)
        raise TimeoutError(f"add-vocals {task_id} did not finish")
