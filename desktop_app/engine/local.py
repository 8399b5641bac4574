"""``LocalEngine``: the engine's HTTP server on 127.0.0.1, run by uvicorn in a background thread.

    with LocalEngine() as engine:          # random API key, free port, data in paths.data_dir()/engine
        client.post(engine.musicgpt_base + "/Remix", headers={"Authorization": engine.api_key}, ...)

``start()`` returns once the server accepts connections; ``stop()`` returns within about a second.
Both are thread-safe. Jobs still running at ``stop()`` are resumed by the next ``start()``.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path

import uvicorn

from desktop_app.engine.app import build_app
from desktop_app.engine.context import EngineContext, QuietSimulatedDrops
from desktop_app.engine.faults import FaultPlan
from desktop_app.engine.musicgpt_routes import PREFIX
from desktop_app.engine.store import JobStore
from desktop_app.engine.worker import JobRunner

log = logging.getLogger(__name__)
_QUIET = QuietSimulatedDrops()

FAULTS_ENV = "RETAKE_ENGINE_FAULTS"
HOST = "127.0.0.1"
START_TIMEOUT = 15.0


class LocalEngine:
    def __init__(
        self, data_dir: Path | None = None, api_key: str | None = None, faults: str | None = None, port: int = 0
    ) -> None:
        if data_dir is None:
            from desktop_app import paths

            data_dir = paths.data_dir() / "engine"
        self.data_dir = Path(data_dir)
        # Named, and never starting with "-": one bare token in 64 did, and `--api-key KEY` on a command line
        # then read it as an option (a flaky test found it).
        self.api_key = api_key or f"local-{secrets.token_urlsafe(24)}"
        self._faults = FaultPlan(faults if faults is not None else os.environ.get(FAULTS_ENV))
        self._requested_port = int(port)
        self._port: int | None = None
        self._lock = threading.Lock()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._runner: JobRunner | None = None
        self._failure: BaseException | None = None

    # -- addresses -----------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("the local engine is not running; call start() first")
        return f"http://{HOST}:{self._port}"

    @property
    def musicgpt_base(self) -> str:
        return self.base_url + PREFIX

    @property
    def sunoapi_base(self) -> str:
        return self.base_url

    @property
    def sunoapi_upload_base(self) -> str:
        return self.base_url

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def set_faults(self, spec: str | None) -> None:
        """Replace the fault plan (raises FaultSpecError and keeps the old plan if ``spec`` is malformed)."""
        self._faults.replace(spec)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> LocalEngine:
        with self._lock:
            if self.running:
                return self
            uvicorn_errors = logging.getLogger("uvicorn.error")
            if _QUIET not in uvicorn_errors.filters:  # a fault's dropped connection is not a crash
                uvicorn_errors.addFilter(_QUIET)
            # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says
            # TCP, and without it Nagle + delayed ACK add ~40 ms to every small response.
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, self._requested_port))
            except OSError:
                sock.close()
                raise
            sock.listen(128)
            self._port = sock.getsockname()[1]
            store = JobStore(self.data_dir)
            self._runner = JobRunner(store)
            ctx = EngineContext(store=store, runner=self._runner, faults=self._faults, api_key=self.api_key,
                                base_url=f"http://{HOST}:{self._port}")  # fmt: skip
            config = uvicorn.Config(build_app(ctx), log_level="warning", access_log=False, log_config=None,
                                    lifespan="off", timeout_graceful_shutdown=1, timeout_keep_alive=5)  # fmt: skip
            self._server = uvicorn.Server(config)
            self._failure = None
            self._runner.start()
            self._thread = threading.Thread(target=self._serve, args=(sock,), name="retake-engine", daemon=True)
            self._thread.start()
            deadline = time.monotonic() + START_TIMEOUT
            while not self._server.started:
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    self._stop_locked()
                    raise RuntimeError(f"the local engine did not start: {self._failure or 'timed out'}")
                self._thread.join(0.01)
            log.info("local engine at %s (data %s)", self.base_url, self.data_dir)
            return self

    def _serve(self, sock: socket.socket) -> None:
        assert self._server is not None
        try:
            self._server.run(sockets=[sock])
        except BaseException as exc:  # surfaced by start(); a thread must not die silently
            self._failure = exc
            log.exception("local engine server stopped")
        finally:
            sock.close()

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    def _stop_locked(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5.0)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(2.0)
        if self._runner is not None:
            self._runner.stop()
        self._server = self._thread = self._runner = None

    def __enter__(self) -> LocalEngine:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
