"""``retake info FILE...``: one JSON object per file; bad files report their error and the run goes on."""

from __future__ import annotations

import argparse
import json
import logging
import sys

COMMANDS = ("info",)

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("info", help="print format, rate, channels and duration of audio files as JSON")
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from desktop_app.audio import AudioError, load

    failures = 0
    for name in args.files:
        try:
            clip = load(name)
        except AudioError as exc:
            failures += 1
            _report_failure(name, str(exc))
            continue
        except Exception:  # a bug must not hide the other files' answers behind a traceback
            log.exception("info: unexpected failure on %s", name)
            failures += 1
            _report_failure(name, f"“{name}”: Retake could not read this file (an internal error; see the log).")
            continue
        info = clip.info.as_dict()
        info["path"] = name
        info["duration_seconds"] = info.pop("duration")
        print(json.dumps(info), flush=True)
    return 1 if failures else 0


def _report_failure(name: str, message: str) -> None:
    print(json.dumps({"path": name, "error": message}, ensure_ascii=False), flush=True)
    print(f"error: {message}", file=sys.stderr, flush=True)
