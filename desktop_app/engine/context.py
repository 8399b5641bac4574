"""State shared by the engine's routes: the store, the runner, the fault plan, the key and the address."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from desktop_app.engine.faults import CallFaults, Fault, FaultPlan
from desktop_app.engine.store import JobStore
from desktop_app.engine.worker import JobRunner

MUSICGPT_MESSAGES = {
    400: "Bad request",
    401: "Invalid API key",
    402: "Insufficient credit balance",
    403: "Forbidden: the API key does not allow this",
    404: "Not found",
    409: "Conflict",
    422: "Validation error",
    429: "Too many requests: slow down",
    455: "System maintenance",
    500: "Internal server error",
    503: "Service unavailable",
}
SUNOAPI_MESSAGES = {
    400: "Invalid parameters",
    401: "Unauthorized access",
    402: "Insufficient credits",
    404: "Invalid request method or path",
    405: "Rate limit exceeded",
    409: "Conflict",
    413: "Theme or prompt too long",
    422: "Invalid parameters",
    429: "Insufficient credits",
    430: "Your call frequency is too high. Please try again later",
    451: "Could not fetch the source file",
    455: "System maintenance",
    500: "Server error",
}
DEFAULT_RETRY_AFTER = 2.0


@dataclass
class EngineContext:
    store: JobStore
    runner: JobRunner
    faults: FaultPlan
    api_key: str
    base_url: str = ""
    extra: dict = field(default_factory=dict)

    def key_matches(self, presented: str) -> bool:
        return hmac.compare_digest(presented.encode(), self.api_key.encode())

    def musicgpt_authorized(self, request: Request) -> bool:
        """MusicGPT sends the raw key in Authorization (no "Bearer ")."""
        return self.key_matches(request.headers.get("authorization", "").strip())

    def sunoapi_authorized(self, request: Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
        return scheme.lower() == "bearer" and self.key_matches(token.strip())


def musicgpt_error(status: int, message: str | None = None, detail=None, retry_after: float | None = None) -> Response:
    """MusicGPT-style error: HTTP status plus ``{success: false, message, detail}``."""
    body = {"success": False, "message": message or MUSICGPT_MESSAGES.get(status, "Error"), "engine": "local"}
    if detail is not None:
        body["detail"] = detail
    headers = {}
    if status == 429 or retry_after is not None:
        headers["Retry-After"] = _seconds(retry_after if retry_after is not None else DEFAULT_RETRY_AFTER)
    return JSONResponse(body, status_code=status, headers=headers)


def sunoapi_reply(code: int, msg: str | None = None, data=None, retry_after: float | None = None) -> Response:
    """sunoapi.org envelope. Failures travel in ``code`` with HTTP 200, as the service documents."""
    headers = {"Retry-After": _seconds(retry_after)} if retry_after is not None else {}
    body = {"code": code, "msg": msg or ("success" if code == 200 else SUNOAPI_MESSAGES.get(code, "Error")),
            "data": data}  # fmt: skip
    return JSONResponse(body, status_code=200, headers=headers)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


async def take_faults(ctx: EngineContext, route: str, suffix: str = "") -> CallFaults:
    """Consume this call's faults and wait out any ``slow`` delay (without blocking other requests)."""
    faults = ctx.faults.for_call(route, suffix)
    if faults.delay:
        await asyncio.sleep(faults.delay)
    return faults


def lost_answer(body: dict) -> Response:
    """The ``lost`` fault: headers promise the answer, then the connection drops before it arrives."""
    data = json.dumps(body).encode()

    async def never_finished():
        yield b""
        raise LostAnswer("the submit's answer was dropped (fault plan: lost)")

    return StreamingResponse(never_finished(), media_type="application/json",
                             headers={"Content-Length": str(len(data))})  # fmt: skip


class SimulatedDrop(Exception):
    """Raised inside a streaming body to drop the connection on purpose (a fault): never logged as a crash."""


class LostAnswer(SimulatedDrop):
    """The ``lost`` fault: the submit's answer is dropped."""


class QuietSimulatedDrops(logging.Filter):
    """Keeps uvicorn from printing "Exception in ASGI application" for a connection a fault dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], SimulatedDrop))


def fault_response(fault: Fault, api: str) -> Response:
    message = f"Simulated by the local engine's fault plan ({fault.text})"
    if api == "sunoapi":
        return sunoapi_reply(fault.status, SUNOAPI_MESSAGES.get(fault.status, "Error") + f". {message}",
                             retry_after=fault.retry_after)  # fmt: skip
    if api == "files":
        return Response(message, status_code=fault.status, media_type="text/plain")
    return musicgpt_error(fault.status, f"{MUSICGPT_MESSAGES.get(fault.status, 'Error')}. {message}",
                          retry_after=fault.retry_after)  # fmt: skip
