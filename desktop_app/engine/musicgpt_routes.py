"""MusicGPT's public API as the local engine serves it, under ``/api/public/v1``.

Same paths, fields, limits, status codes and JSON shapes as docs.musicgpt.com (see
``reference/api.md``): multipart or urlencoded forms, the raw key in ``Authorization``, 422 for a
missing field or audio, 400 for an audio URL that cannot be downloaded, two conversion ids per
two-output job and one ``conversion`` object holding both takes from ``GET /byId``.

``num_outputs`` (inpaint, extend; 1 or 2) defaults to 1 as the service's changelog says: one take and
``conversion_id_2: "single_song_generation_request"``. Remix and sing-over make two. ``GET /byUser``
lists the account's conversions (newest first by default, ``LastEvaluatedKey`` as the cursor).
"""

from __future__ import annotations

import shutil
import time
from datetime import datetime

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from desktop_app.engine import voices
from desktop_app.engine.context import (
    CallFaults,
    EngineContext,
    fault_response,
    lost_answer,
    musicgpt_error,
    take_faults,
)
from desktop_app.engine.intake import IntakeError, fetch_url, inspect, save_upload
from desktop_app.engine.results import iso, musicgpt_conversion
from desktop_app.engine.store import Job, Take, new_id
from desktop_app.engine.worker import eta_int

PREFIX = "/api/public/v1"
LYRICS_MAX = 2000
SECTION_LYRICS_MAX = 3000
PROMPT_MAX = 3000  # not documented by MusicGPT; a generous local bound
GENDERS = ("male", "female", "neutral")
CONVERSION_TYPES = (
    "MUSIC_AI", "TEXT_TO_SPEECH", "VOICE_CONVERSION", "COVER", "EXTRACTION", "STEMS_SEPARATION", "VOCAL_EXTRACTION",
    "DENOISING", "DEECHO", "DEREVERB", "SOUND_GENERATOR", "AUDIO_TRANSCRIPTION", "AUDIO_SPEED_CHANGER",
    "AUDIO_MASTERING", "AUDIO_CUTTER", "REMIX", "FILE_CONVERT", "KEY_BPM_EXTRACTION", "AUDIO_TO_MIDI", "EXTEND",
    "INPAINT", "SING_OVER_INSTRUMENTAL", "LYRICS_GENERATOR",
)  # fmt: skip
SUBMIT_MESSAGES = {
    "INPAINT": "Inpaint request submitted successfully",
    "REMIX": "Remix request submitted successfully",
    "SING_OVER_INSTRUMENTAL": "Sing Over Instrumental request submitted successfully",
    "COVER": "Message published to queue",
    "EXTEND": "Extend request submitted successfully",
}
SELECTABLE_OUTPUTS = ("INPAINT", "EXTEND")  # num_outputs is documented for these; default 1
SINGLE_OUTPUT_PLACEHOLDER = "single_song_generation_request"


def _issue(field: str, msg: str, kind: str) -> dict:
    return {"loc": ["body", field], "msg": msg, "type": kind}


def _validate(kind: str, fields: dict[str, str]) -> list[dict]:
    issues = []
    required = {"INPAINT": ("prompt", "replace_start_at", "replace_end_at"), "REMIX": ("prompt",),
                "SING_OVER_INSTRUMENTAL": ("prompt", "lyrics"), "COVER": ("voice_id",),
                "EXTEND": ("extend_after",)}[kind]  # fmt: skip
    for name in required:
        if name not in fields:
            issues.append(_issue(name, "Field required", "missing"))
    if len(fields.get("prompt", "")) > PROMPT_MAX:
        issues.append(_issue("prompt", f"String should have at most {PROMPT_MAX} characters", "string_too_long"))
    if len(fields.get("lyrics", "")) > LYRICS_MAX:
        issues.append(_issue("lyrics", f"String should have at most {LYRICS_MAX} characters", "string_too_long"))
    for name in ("lyrics_section_to_replace", "lyrics_section_to_extend"):
        if len(fields.get(name, "")) > SECTION_LYRICS_MAX:
            issues.append(_issue(name, f"String should have at most {SECTION_LYRICS_MAX} characters",
                                 "string_too_long"))  # fmt: skip
    if "gender" in fields and fields["gender"] not in GENDERS:
        issues.append(_issue("gender", "Input should be 'male', 'female' or 'neutral'", "enum"))
    for name in ("replace_start_at", "replace_end_at", "extend_after"):
        if name in fields and _float(fields[name]) is None:
            issues.append(_issue(name, "Input should be a valid number", "float_parsing"))
    if "num_outputs" in fields and fields["num_outputs"] not in ("1", "2"):
        issues.append(_issue("num_outputs", "Input should be 1 or 2", "enum"))
    if kind == "COVER":
        if "voice_id" in fields and voices.find(fields["voice_id"]) is None:
            issues.append(_issue("voice_id", "Unknown voice_id; list voices with GET /getAllVoices", "value_error"))
        pitch = fields.get("pitch", "0")
        if not pitch.lstrip("+-").isdigit() or not -12 <= int(pitch) <= 12:
            issues.append(_issue("pitch", "Input should be an integer from -12 to 12", "value_error"))
    return issues


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _extend_issues(fields: dict[str, str], duration: float) -> list[dict]:
    after = float(fields["extend_after"])
    if after <= 0:
        return [_issue("extend_after", "extend_after must be greater than 0", "value_error")]
    if after > duration + 0.05:
        return [_issue("extend_after", f"extend_after is past the end of the audio ({duration:.2f} s)", "value_error")]
    return []


def _region_issues(fields: dict[str, str], duration: float) -> list[dict]:
    start, end = float(fields["replace_start_at"]), float(fields["replace_end_at"])
    if start < 0:
        return [_issue("replace_start_at", "replace_start_at must be 0 or more", "value_error")]
    if end <= start:
        return [_issue("replace_end_at", "replace_end_at must be greater than replace_start_at", "value_error")]
    if end > duration + 0.05:
        return [_issue("replace_end_at", f"replace_end_at is past the end of the audio ({duration:.2f} s)",
                       "value_error")]  # fmt: skip
    return []


async def _admit(request: Request, route: str) -> tuple[EngineContext, CallFaults] | Response:
    """Every MusicGPT route's first steps: this call's injected faults, then the API key."""
    ctx: EngineContext = request.app.state.ctx
    faults = await take_faults(ctx, route)
    if faults.status:
        return fault_response(faults.status, "musicgpt")
    if not ctx.musicgpt_authorized(request):
        return musicgpt_error(401)
    return ctx, faults


async def _submit(request: Request, route: str, kind: str) -> Response:
    admitted = await _admit(request, route)
    if isinstance(admitted, Response):
        return admitted
    ctx, faults = admitted
    try:
        form = await request.form(max_files=4, max_fields=64)
    except Exception as exc:  # malformed multipart, a part over the size limit, a JSON body
        return musicgpt_error(422, f"The body must be multipart/form-data or a urlencoded form ({exc}).")
    fields = {k: v.strip() for k, v in form.multi_items() if isinstance(v, str) and v.strip()}
    upload = form.get("audio_file")
    upload = upload if isinstance(upload, UploadFile) and (upload.filename or upload.size) else None
    issues = _validate(kind, fields)
    if upload is None and "audio_url" not in fields:
        issues.append(_issue("audio_file", "Either audio_file or audio_url must be provided", "missing"))
    if issues:
        return musicgpt_error(422, "; ".join(f"{i['loc'][-1]}: {i['msg']}" for i in issues), detail=issues)

    task_id = new_id()
    folder = ctx.store.input_dir(task_id)
    try:
        if upload is not None:
            path = await save_upload(upload, folder)
        else:
            path = await fetch_url(fields["audio_url"], folder, ctx.base_url, ctx.store.root)
        input_info = await inspect(path)
    except IntakeError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        status = {"download": 400, "too_large": 413}.get(exc.kind, 422)
        return musicgpt_error(status, exc.message)
    finally:
        await form.close()
    if kind in ("INPAINT", "EXTEND"):
        check = _region_issues if kind == "INPAINT" else _extend_issues
        issues = check(fields, input_info["duration"])
        if issues:
            shutil.rmtree(folder, ignore_errors=True)
            return musicgpt_error(422, issues[0]["msg"], detail=issues)

    if kind in SELECTABLE_OUTPUTS:
        outputs = 2 if fields.get("num_outputs") == "2" else 1
    else:
        outputs = 1 if kind == "COVER" or fields.get("num_outputs") == "1" else 2
    params = {k: v for k, v in fields.items() if k != "audio_url"} | {"num_outputs": outputs}
    if "audio_url" in fields:
        params["audio_url"] = fields["audio_url"]
    job = Job(task_id=task_id, kind=kind, api="musicgpt", params=params, input_name=path.name,
              input_info=input_info, takes=[Take(new_id()) for _ in range(outputs)])  # fmt: skip
    fault = ctx.faults.take_job(route)
    job.fault = fault.job_status if fault else ""
    ctx.store.add(job)
    ctx.runner.submit(job)
    eta = eta_int(ctx.runner.eta(job))
    if kind == "COVER":
        body = {
            "success": True,
            "task_id": task_id,
            "conversion_id": job.takes[0].conversion_id,
            "eta": eta,
            "credit_estimate": 0,
            "message": SUBMIT_MESSAGES[kind],
            "status": "IN_QUEUE",
            "engine": "local",
        }
        return lost_answer(body) if faults.lost else JSONResponse(body)
    second = job.takes[1].conversion_id if outputs == 2 else SINGLE_OUTPUT_PLACEHOLDER
    body = {"success": True, "message": SUBMIT_MESSAGES[kind], "task_id": task_id,
            "conversion_id_1": job.takes[0].conversion_id, "conversion_id_2": second, "eta": eta,
            "credit_estimate": 0, "engine": "local"}  # fmt: skip
    return lost_answer(body) if faults.lost else JSONResponse(body)


async def inpaint(request: Request) -> Response:
    return await _submit(request, "inpaint", "INPAINT")


async def remix(request: Request) -> Response:
    return await _submit(request, "remix", "REMIX")


async def sing_over_instrumental(request: Request) -> Response:
    return await _submit(request, "sing_over_instrumental", "SING_OVER_INSTRUMENTAL")


async def cover(request: Request) -> Response:
    return await _submit(request, "cover", "COVER")


async def extend(request: Request) -> Response:
    return await _submit(request, "extend", "EXTEND")


def _when(text: str | None) -> float | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return -1.0
    return moment.timestamp() if moment.tzinfo else time.mktime(moment.timetuple())


async def by_user(request: Request) -> Response:
    """The account's conversions, one item per conversion id (both of a two-output job)."""
    admitted = await _admit(request, "byuser")
    if isinstance(admitted, Response):
        return admitted
    ctx, _faults = admitted
    query = request.query_params
    kind = query.get("conversionType", "")
    start, end = _when(query.get("startDate")), _when(query.get("endDate"))
    order = query.get("sortOrder", "DESC").upper()
    try:
        limit = int(query.get("limit", "20"))
    except ValueError:
        limit = 0
    issues: list[dict] = []
    if kind and kind not in CONVERSION_TYPES:
        issues.append({"loc": ["query", "conversionType"], "msg": "Input should be a valid conversionType",
                       "type": "enum"})  # fmt: skip
    if -1.0 in (start, end):
        issues.append({"loc": ["query", "startDate"], "msg": "Dates must be ISO 8601", "type": "datetime_parsing"})
    if order not in ("ASC", "DESC") or not 1 <= limit <= 100:
        issues.append({"loc": ["query", "limit"], "msg": "sortOrder is ASC or DESC; limit 1 to 100", "type": "value"})
    if issues:
        return musicgpt_error(422, "; ".join(str(i["msg"]) for i in issues), detail=issues)
    items = []
    for job in ctx.store.all():
        if job.api != "musicgpt" or (kind and job.kind != kind):
            continue
        if (start is not None and job.created_at < start) or (end is not None and job.created_at > end):
            continue
        conversion = musicgpt_conversion(job, ctx.base_url, ctx.runner.eta(job))
        for take in job.takes:
            items.append({**conversion, "conversion_id": take.conversion_id, "createdAt": iso(job.created_at),
                          "created_at_ms": round(job.created_at * 1000)})  # fmt: skip
    items.sort(key=lambda i: (i["created_at_ms"], i["conversion_id"]), reverse=order == "DESC")
    cursor = query.get("LastEvaluatedKey")
    if cursor:
        position = next((n for n, i in enumerate(items) if i["conversion_id"] == cursor), None)
        if position is None:
            return musicgpt_error(422, "LastEvaluatedKey does not name a conversion of this listing")
        items = items[position + 1 :]
    page, rest = items[:limit], items[limit:]
    next_key = page[-1]["conversion_id"] if rest else None
    return JSONResponse({"success": True, "conversions": page, "LastEvaluatedKey": next_key})


async def by_id(request: Request) -> Response:
    admitted = await _admit(request, "byid")
    if isinstance(admitted, Response):
        return admitted
    ctx, _faults = admitted
    query = request.query_params
    kind = query.get("conversionType", "")
    issues: list[dict] = []
    if kind not in CONVERSION_TYPES:
        issues.append({"loc": ["query", "conversionType"], "msg": "Field required" if not kind else
                       "Input should be a valid conversionType", "type": "enum"})  # fmt: skip
    task_id, conversion_id = query.get("task_id", ""), query.get("conversion_id", "")
    if not task_id and not conversion_id:
        issues.append({"loc": ["query", "task_id"], "msg": "Provide task_id or conversion_id", "type": "missing"})
    if issues:
        return musicgpt_error(422, "; ".join(str(i["msg"]) for i in issues), detail=issues)
    job = ctx.store.get(task_id) if task_id else ctx.store.by_conversion(conversion_id)
    if job is not None and conversion_id and conversion_id not in job.conversion_ids:
        job = None  # task_id and conversion_id name different jobs
    if job is None or job.kind != kind:
        return musicgpt_error(404, f"No {kind} conversion found with that id")
    return JSONResponse({"success": True, "conversion": musicgpt_conversion(job, ctx.base_url, ctx.runner.eta(job))})


def _paging(request: Request) -> tuple[int, int] | Response:
    try:
        limit = int(request.query_params.get("limit", "20"))
        page = int(request.query_params.get("page", "0"))
    except ValueError:
        return musicgpt_error(422, "limit and page must be integers")
    if not 1 <= limit <= 100 or page < 0:
        return musicgpt_error(422, "limit must be 1 to 100 and page 0 or more")
    return limit, page


async def _voices(request: Request, route: str) -> Response:
    admitted = await _admit(request, route)
    if isinstance(admitted, Response):
        return admitted
    paging = _paging(request)
    if isinstance(paging, Response):
        return paging
    limit, page = paging
    if route == "searchvoices":
        query = request.query_params.get("query", "").strip()
        if not query:
            return musicgpt_error(
                422,
                "query: Field required",
                detail=[{"loc": ["query", "query"], "msg": "Field required", "type": "missing"}],
            )
        found = voices.search(query)
    else:
        found = list(voices.VOICES)
    items = [voices.as_api(v) for v in found[page * limit : (page + 1) * limit]]
    return JSONResponse({"success": True, "voices": items, "limit": limit, "page": page, "total": len(found)})


async def get_all_voices(request: Request) -> Response:
    return await _voices(request, "getallvoices")


async def search_voices(request: Request) -> Response:
    return await _voices(request, "searchvoices")


ROUTES = [
    Route(f"{PREFIX}/inpaint", inpaint, methods=["POST"]),
    Route(f"{PREFIX}/Remix", remix, methods=["POST"]),
    Route(f"{PREFIX}/sing_over_instrumental", sing_over_instrumental, methods=["POST"]),
    Route(f"{PREFIX}/Cover", cover, methods=["POST"]),
    Route(f"{PREFIX}/extend", extend, methods=["POST"]),
    Route(f"{PREFIX}/byUser", by_user, methods=["GET"]),
    Route(f"{PREFIX}/byId", by_id, methods=["GET"]),
    Route(f"{PREFIX}/getAllVoices", get_all_voices, methods=["GET"]),
    Route(f"{PREFIX}/searchVoices", search_voices, methods=["GET"]),
]
