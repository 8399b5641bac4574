"""Result and upload files, served like the services' S3 links: plain GET, no key (the ids are unguessable).

The ``files`` route honours the download faults: ``cut`` promises the whole file in Content-Length
and drops the connection part-way; ``short`` sends a complete-looking response that holds only
part of the file; ``expired`` answers 403 with the XML body storage sends for an expired link.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response, StreamingResponse
from starlette.routing import Route

from desktop_app.engine.context import EngineContext, SimulatedDrop, fault_response, take_faults

EXPIRED_BODY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired'
    "</Message></Error>"
)
MEDIA_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav", ".flac": "audio/flac", ".m4a": "audio/mp4"}


class DownloadCut(SimulatedDrop):
    """Raised inside a streaming body to drop the connection (the ``cut`` fault)."""


class _QuietCuts(logging.Filter):
    """An injected cut is the fault doing its job: uvicorn would log it as a crash, with a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DownloadCut))


logging.getLogger("uvicorn.error").addFilter(_QuietCuts())


def _resolve(root: Path, *parts: str) -> Path | None:
    candidate = root.joinpath(*parts).resolve()
    if root.resolve() not in candidate.parents or not candidate.is_file():
        return None
    return candidate


async def serve_file(request: Request) -> Response:
    ctx: EngineContext = request.app.state.ctx
    suffix = Path(request.path_params["rest"]).suffix.lstrip(".")
    faults = await take_faults(ctx, "files", suffix)
    if faults.status:
        return fault_response(faults.status, "files")
    if faults.expired:
        return Response(EXPIRED_BODY, status_code=403, media_type="application/xml")
    kind = request.path_params["kind"]
    if kind not in ("conversions", "uploads"):
        return Response("Not found", status_code=404, media_type="text/plain")
    path = _resolve(ctx.store.root / kind, *request.path_params["rest"].split("/"))
    if path is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    fault = faults.download
    if fault is None:
        return FileResponse(path, media_type=media_type, filename=path.name)
    data = path.read_bytes()
    keep = int(len(data) * fault.fraction)
    if fault.kind == "short":
        return Response(data[:keep], media_type=media_type, headers={"X-Retake-Fault": fault.text})

    async def cut_body():
        yield data[:keep]
        raise DownloadCut(f"download cut after {keep} of {len(data)} bytes ({fault.text})")

    headers = {"Content-Length": str(len(data)), "X-Retake-Fault": fault.text}
    return StreamingResponse(cut_body(), media_type=media_type, headers=headers)


ROUTES = [Route("/files/{kind}/{rest:path}", serve_file, methods=["GET", "HEAD"])]
