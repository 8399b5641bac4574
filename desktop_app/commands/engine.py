"""``retake engine serve``: run the local engine alone and print where it listens."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

COMMANDS = ("engine",)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("engine", help="run the local engine (MusicGPT + sunoapi.org contracts on 127.0.0.1)")
    actions = parser.add_subparsers(dest="engine_action", required=True)
    serve = actions.add_parser("serve", help="serve until interrupted (Ctrl+C) and print the base URL")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    serve.add_argument("--api-key", default=None, help="the key clients must send (default: a random one)")
    serve.add_argument("--faults", default=None, help="fault spec, e.g. 'inpaint:429@5x2;files:cut=0.5' (README)")
    serve.add_argument("--data", type=Path, default=None, help="data folder (default: the app's data folder)")
    serve.add_argument("--json", action="store_true", help="print one JSON line with the addresses and key")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    from desktop_app.engine import FaultSpecError, LocalEngine

    try:
        engine = LocalEngine(data_dir=args.data, api_key=args.api_key, faults=args.faults, port=args.port)
    except FaultSpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        engine.start()
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    info = {
        "base_url": engine.base_url,
        "musicgpt_base": engine.musicgpt_base,
        "sunoapi_base": engine.sunoapi_base,
        "sunoapi_upload_base": engine.sunoapi_upload_base,
        "api_key": engine.api_key,
        "data_dir": str(engine.data_dir),
    }
    if args.json:
        print(json.dumps(info), flush=True)
    else:
        print(engine.base_url)
        print(f"  MusicGPT base:   {engine.musicgpt_base}   (Authorization: <key>)")
        print(f"  sunoapi base:    {engine.sunoapi_base}   (Authorization: Bearer <key>)")
        print(f"  API key:         {engine.api_key}")
        print(f"  data folder:     {engine.data_dir}")
        print("Press Ctrl+C to stop.", flush=True)
    stop = stop or threading.Event()
    _stop_on_sigterm(stop)
    try:
        while not stop.wait(0.5):
            if not engine.running:
                print("error: the engine stopped unexpectedly", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        pass
    finally:
        engine.stop()
    return 0


def _stop_on_sigterm(stop: threading.Event) -> None:
    """``kill PID`` stops the engine as cleanly as Ctrl+C (its worker processes exit with it)."""
    import signal

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
