"""The ASGI application: MusicGPT routes, sunoapi routes, result files, and a JSON 404/405 for the rest."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from desktop_app import __version__
from desktop_app.engine import files_routes, musicgpt_routes, sunoapi_routes
from desktop_app.engine.context import EngineContext, sunoapi_reply


async def root(request: Request) -> Response:
    ctx: EngineContext = request.app.state.ctx
    return JSONResponse({
        "engine": "local",
        "name": "Retake local engine",
        "version": __version__,
        "musicgpt_base": f"{ctx.base_url}{musicgpt_routes.PREFIX}",
        "sunoapi_base": ctx.base_url,
        "faults": ctx.faults.spec,
    })  # fmt: skip


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if request.url.path.startswith("/api/public/"):
        return JSONResponse({"success": False, "message": "Not found" if status == 404 else "Method not allowed"},
                            status_code=status)  # fmt: skip
    if request.url.path.startswith("/api/"):
        return sunoapi_reply(404, "Invalid request method or path")
    return Response("Not found", status_code=status, media_type="text/plain")


def build_app(ctx: EngineContext) -> Starlette:
    routes = [Route("/", root), *musicgpt_routes.ROUTES, *sunoapi_routes.ROUTES, *files_routes.ROUTES]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error})
    app.state.ctx = ctx
    return app
