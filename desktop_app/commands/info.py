"""``retake info FILE...``: one JSON object per file; bad files report their error and the run goes on."""

from __future__ import annotations

import argparse
import json
import sys

COMMANDS = ("info",)


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
            print(json.dumps({"path": name, "error": str(exc)}), flush=True)
            print(f"error: {exc}", file=sys.stderr, flush=True)
            continue
        info = clip.info.as_dict()
        info["path"] = name
        info["duration_seconds"] = info.pop("duration")
        print(json.dumps(info), flush=True)
    return 1 if failures else 0
