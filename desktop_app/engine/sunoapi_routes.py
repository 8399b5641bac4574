"""sunoapi.org's upload, add-vocals, record-info and credit endpoints as the local engine serves them.

Uploads are stored by ``uploadPath`` and ``fileName``; a second upload of the same name replaces the
first, as the real upload service does (so two jobs must never share a name).

Bearer auth, the ``{code, msg, data}`` envelope with failures in ``code`` (HTTP 200), camelCase
polling keys, ``data.param`` as a JSON string, statuses PENDING → TEXT_SUCCESS → FIRST_SUCCESS →
SUCCESS or a documented failure status.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from desktop_app.api.models import ADD_VOCALS_MODELS
from desktop_app.engine.context import EngineContext, fault_response, lost_answer, sunoapi_reply, take_faults
from desktop_app.engine.intake import IntakeError, fetch_url, inspect, safe_name, save_upload
from desktop_app.engine.results import sunoapi_record
from desktop_app.engine.store import Job, Take, new_id

REQUIRED = ("uploadUrl", "prompt", "title", "style", "negativeTags", "callBackUrl")
TITLE_MAX = 80
PROMPT_MAX = 5000
STYLE_MAX = 1000
NEGATIVE_TAGS_MAX = 200
MODELS = ADD_VOCALS_MODELS  # the OpenAPI enum, shared with the client
LOCAL_CREDITS = 1_000_000  # the local engine costs nothing; a large balance keeps clients' checks happy


async def _guard(request: Request, route: str) -> Response | None:
    ctx: EngineContext = request.app.state.ctx
    faults = await take_faults(ctx, route)
    if faults.status:
        return fault_response(faults.status, "sunoapi")
    if not ctx.sunoapi_authorized(request):
        return sunoapi_reply(401, "Unauthorized access: send Authorization: Bearer <API key>")
    return None


async def file_stream_upload(request: Request) -> Response:
    ctx: EngineContext = request.app.state.ctx
    faults = await take_faults(ctx, "upload")
    if faults.status:
        return fault_response(faults.status, "sunoapi")
    if not ctx.sunoapi_authorized(request):
        return sunoapi_reply(401, "Unauthorized access: send Authorization: Bearer <API key>")
    try:
        form = await request.form(max_files=2, max_fields=16)
    except Exception as exc:
        return sunoapi_reply(400, f"Invalid parameters: the body must be multipart/form-data ({exc})")
    try:
        upload = form.get("file")
        upload_path = str(form.get("uploadPath") or "").strip()
        if not isinstance(upload, UploadFile):
            return sunoapi_reply(400, "Invalid parameters: file is required")
        if not upload_path or isinstance(form.get("uploadPath"), UploadFile):
            return sunoapi_reply(400, "Invalid parameters: uploadPath is required")
        file_name = safe_name(str(form.get("fileName") or upload.filename or "upload"))
        clean_path = "/".join(safe_name(p) for p in upload_path.split("/") if p.strip(" ."))
        folder = ctx.store.uploads_dir.joinpath(*clean_path.split("/")) if clean_path else ctx.store.uploads_dir
        staging = ctx.store.uploads_dir / ".incoming" / new_id()
        staging.mkdir(parents=True)
        upload.filename = file_name
        try:
            received = await save_upload(upload, staging)
        except IntakeError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            return sunoapi_reply(413 if exc.kind == "too_large" else 400, exc.message)
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / received.name
        os.replace(received, stored)  # same path and name: the newer file wins, as on the real service
        shutil.rmtree(staging, ignore_errors=True)
    finally:
        await form.close()
    relative = f"{clean_path}/{stored.name}" if clean_path else stored.name
    size = stored.stat().st_size
    if faults.expired:  # as if the service's three days had passed: the link leads nowhere
        stored.unlink()
    data = {
        "fileName": stored.name,
        "filePath": relative,
        "downloadUrl": f"{ctx.base_url}/files/uploads/{quote(relative)}",
        "fileSize": size,
        "mimeType": upload.content_type or "application/octet-stream",
        "uploadedAt": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
    }
    return JSONResponse({"success": True, "code": 200, "msg": "File uploaded successfully", "data": data})


def _weight_problem(name: str, value) -> str | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return f"{name} must be a number from 0 to 1"
    if isinstance(value, bool) or not 0 <= number <= 1 or number != number.quantize(Decimal("0.01")):
        return f"{name} must be from 0.00 to 1.00 with at most two decimals"
    return None


def _check_body(body: dict) -> tuple[int, str] | None:
    missing = [name for name in REQUIRED if not str(body.get(name) or "").strip()]
    if missing:
        return 400, f"Invalid parameters: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required"
    for name in REQUIRED:
        if not isinstance(body[name], str):
            return 400, f"Invalid parameters: {name} must be a string"
    if len(body["title"]) > TITLE_MAX:
        return 413, f"Title too long: at most {TITLE_MAX} characters"
    if len(body["prompt"]) > PROMPT_MAX:
        return 413, f"Prompt too long: at most {PROMPT_MAX} characters"
    if len(body["style"]) > STYLE_MAX or len(body["negativeTags"]) > NEGATIVE_TAGS_MAX:
        return 413, f"Style or negativeTags too long (at most {STYLE_MAX} / {NEGATIVE_TAGS_MAX} characters)"
    if body.get("vocalGender") not in (None, "", "m", "f"):
        return 400, "Invalid parameters: vocalGender must be 'm' or 'f'"
    for name in ("styleWeight", "weirdnessConstraint", "audioWeight"):
        if body.get(name) is not None and (problem := _weight_problem(name, body[name])):
            return 400, f"Invalid parameters: {problem}"
    if body.get("model") not in (None, "", *MODELS):
        return 400, f"Invalid parameters: model must be one of {', '.join(MODELS)}"
    return None


async def add_vocals(request: Request) -> Response:
    ctx: EngineContext = request.app.state.ctx
    faults = await take_faults(ctx, "add-vocals")
    if faults.status:
        return fault_response(faults.status, "sunoapi")
    if not ctx.sunoapi_authorized(request):
        return sunoapi_reply(401, "Unauthorized access: send Authorization: Bearer <API key>")
    try:
        body = json.loads(await request.body())
    except ValueError:
        return sunoapi_reply(400, "Invalid parameters: the body must be JSON")
    if not isinstance(body, dict):
        return sunoapi_reply(400, "Invalid parameters: the body must be a JSON object")
    problem = _check_body(body)
    if problem:
        return sunoapi_reply(*problem)
    task_id = _task_id()
    folder = ctx.store.input_dir(task_id)
    try:
        path = await fetch_url(body["uploadUrl"].strip(), folder, ctx.base_url, ctx.store.root)
        input_info = await inspect(path)
    except IntakeError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        code = {"download": 451, "too_large": 413}.get(exc.kind, 400)
        return sunoapi_reply(code, exc.message)
    gender = {"m": "male", "f": "female"}.get(body.get("vocalGender") or "", "neutral")
    params = {k: v for k, v in body.items() if k in (*REQUIRED, "vocalGender", "styleWeight", "weirdnessConstraint",
                                                   "audioWeight", "model")}  # fmt: skip
    params.setdefault("model", "V4_5PLUS")
    params["gender"] = gender
    job = Job(task_id=task_id, kind="ADD_VOCALS", api="sunoapi", params=params, input_name=path.name,
              input_info=input_info, takes=[Take(_task_id()) for _ in range(2)])  # fmt: skip
    fault = ctx.faults.take_job("add-vocals")
    job.fault = fault.job_status if fault and fault.kind == "job" else ""
    job.late_audio = fault.count if fault and fault.kind == "late" else 0
    ctx.store.add(job)
    ctx.runner.submit(job)
    answer = {"code": 200, "msg": "success", "data": {"taskId": task_id}}
    return lost_answer(answer) if faults.lost else JSONResponse(answer)


def _task_id() -> str:
    return new_id().replace("-", "")


async def record_info(request: Request) -> Response:
    refused = await _guard(request, "record-info")
    if refused:
        return refused
    ctx: EngineContext = request.app.state.ctx
    task_id = request.query_params.get("taskId", "").strip()
    if not task_id or not re.fullmatch(r"[\w-]{1,64}", task_id):
        return sunoapi_reply(400, "Invalid parameters: taskId is required")
    job = ctx.store.get(task_id)
    if job is None or job.api != "sunoapi":
        return sunoapi_reply(400, "Invalid parameters: no task with this taskId")
    record = sunoapi_record(job, ctx.base_url)
    if job.late_audio and record["status"] == "SUCCESS":  # fault: the last track's audio is not there yet
        record["response"]["sunoData"][-1].update(audioUrl="", sourceAudioUrl="")
        ctx.store.update(job.task_id, late_audio=job.late_audio - 1)
    return sunoapi_reply(200, "success", record)


async def credit(request: Request) -> Response:
    refused = await _guard(request, "credit")
    if refused:
        return refused
    return sunoapi_reply(200, "success", LOCAL_CREDITS)


ROUTES = [
    Route("/api/file-stream-upload", file_stream_upload, methods=["POST"]),
    Route("/api/v1/generate/add-vocals", add_vocals, methods=["POST"]),
    Route("/api/v1/generate/record-info", record_info, methods=["GET"]),
    Route("/api/v1/generate/credit", credit, methods=["GET"]),
]
