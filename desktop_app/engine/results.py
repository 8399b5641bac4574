"""What a job looks like through each API: MusicGPT's ``conversion`` object and sunoapi's record-info."""

from __future__ import annotations

import json
import time

from desktop_app.engine.store import COMPLETED, FAILED, PROCESSING, QUEUED, STUCK, Job

ENGINE_NOTE = "Made by the Retake local engine (signal processing on this computer, no AI model, no credits)."


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def file_url(base_url: str, name: str) -> str:
    return f"{base_url}/files/conversions/{name}" if name else ""


def musicgpt_status(job: Job) -> str:
    return {QUEUED: "IN_QUEUE", PROCESSING: "PROCESSING", STUCK: "PROCESSING", COMPLETED: "COMPLETED"}.get(
        job.status, job.failure_status or "FAILED"
    )


def musicgpt_conversion(job: Job, base_url: str, eta: float) -> dict:
    status = musicgpt_status(job)
    if job.status == FAILED:
        status_msg = job.message
    elif job.status == COMPLETED:
        status_msg = ENGINE_NOTE
    else:
        status_msg = "Waiting in the local engine's queue" if job.status == QUEUED else "Local engine is working"
    body: dict = {
        "task_id": job.task_id,
        "conversionType": job.kind,
        "status": status,
        "status_msg": status_msg,
        "message": job.message or status_msg,
        "engine": "local",
        "conversion_cost": 0,
        "eta": 0 if job.status in (COMPLETED, FAILED) else max(1, round(eta)),
        "createdAt": iso(job.created_at),
        "updatedAt": iso(job.updated_at),
        **{k: v for k, v in job.params.items() if k in _ECHOED},
    }
    if "prompt" in job.params:
        body["music_style"] = job.params["prompt"]
    if job.kind == "COVER":
        take = job.takes[0]
        mp3, wav = file_url(base_url, take.mp3), file_url(base_url, take.wav)
        body.update(conversion_id=take.conversion_id, audio_url=mp3, audio_url_wav=wav, conversion_path=mp3,
                    conversion_path_wav=wav, conversion_duration=take.duration, title=take.title or _title(job),
                    local_engine=take.details)  # fmt: skip
        return body
    for n, take in enumerate(job.takes, start=1):
        body[f"conversion_id_{n}"] = take.conversion_id
        body[f"conversion_path_{n}"] = file_url(base_url, take.mp3) if take.mp3 else ""
        body[f"conversion_path_wav_{n}"] = file_url(base_url, take.wav) if take.mp3 else ""
        body[f"conversion_duration_{n}"] = take.duration
        body[f"title_{n}"] = take.title or _title(job)
        body[f"lyrics_{n}"] = take.lyrics
        body[f"lyrics_timestamped_{n}"] = json.dumps(take.lyrics_timestamped)
    body["local_engine"] = {"takes": [t.details for t in job.takes]}
    return body


_ECHOED = ("prompt", "lyrics", "lyrics_section_to_replace", "lyrics_section_to_extend", "gender",
           "replace_start_at", "replace_end_at", "extend_after", "voice_id", "pitch", "title")  # fmt: skip


def _title(job: Job) -> str:
    return f"{job.kind.replace('_', ' ').title()} (Retake local engine)"


def sunoapi_status(job: Job) -> str:
    if job.status == QUEUED:
        return "PENDING"
    if job.status == COMPLETED:
        return job.failure_status or "SUCCESS"  # CALLBACK_EXCEPTION: made, but the callback failed
    if job.status == FAILED:
        return job.failure_status or "GENERATE_AUDIO_FAILED"
    return "FIRST_SUCCESS" if job.takes and job.takes[0].mp3 else "TEXT_SUCCESS"


def sunoapi_record(job: Job, base_url: str) -> dict:
    status = sunoapi_status(job)
    items = []
    if job.takes and job.takes[0].mp3:  # FIRST_SUCCESS, SUCCESS, or CALLBACK_EXCEPTION after the audio
        for number, take in enumerate(job.takes, start=1):
            mp3 = file_url(base_url, take.mp3) if take.mp3 else ""
            items.append({
                "id": take.conversion_id,
                "audioUrl": mp3,
                "sourceAudioUrl": mp3,
                "streamAudioUrl": mp3,
                "sourceStreamAudioUrl": mp3,
                "imageUrl": "",
                "sourceImageUrl": "",
                "prompt": job.params.get("prompt", ""),
                "modelName": "retake-local",
                "title": f"{job.params.get('title', '')} (take {number}, Retake local engine)",
                "tags": job.params.get("style", ""),
                "createTime": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(job.created_at)),
                "duration": take.duration,
                "engine": "local",
            })  # fmt: skip
    failed = job.status == FAILED or status == "CALLBACK_EXCEPTION"
    return {
        "taskId": job.task_id,
        "parentMusicId": "",
        "param": json.dumps(job.params),
        "response": {"taskId": job.task_id, "sunoData": items},
        "status": status,
        "type": "ADD_VOCALS",
        "operationType": "add_vocals",
        "errorCode": (501 if status == "GENERATE_AUDIO_FAILED" else 400 if failed else None),
        "errorMessage": job.message if failed else None,
        "engine": "local",
        "engineNote": ENGINE_NOTE,
    }
