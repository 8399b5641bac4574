"""Account look-ups before paying.

``retake voices [--search Q]``: the voices a Cover can use (MusicGPT ``getAllVoices``/``searchVoices``).
``retake credits [--engine sunoapi|URL|local]``: the sunoapi.org balance (``GET /api/v1/generate/credit``).
"""

from __future__ import annotations

import argparse
import json
import sys

COMMANDS = ("voices", "credits")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("voices", help="list or search the voices for `retake cover`")
    parser.add_argument("--search", default=None, metavar="Q", help="filter voices by name")
    parser.add_argument("--page", type=int, default=0, help="page number, starting at 0")
    parser.add_argument("--limit", type=int, default=20, help="voices per page (1-100)")
    parser.add_argument("--engine", default="local", help="local (default), musicgpt, or an engine URL")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--json", action="store_true", help="one JSON object per voice")
    parser.set_defaults(handler=run)

    parser = sub.add_parser("credits", help="the sunoapi.org balance (add vocals is paid from it)")
    parser.add_argument("--engine", default="sunoapi", help="sunoapi (default), an engine URL, or local")
    parser.add_argument("--api-key", default=None)
    parser.set_defaults(handler=run_credits)


def run_credits(args: argparse.Namespace) -> int:
    from desktop_app.api.engines import parse_engine
    from desktop_app.api.errors import ServiceError
    from desktop_app.api.redact import install_log_redaction
    from desktop_app.jobs.clients import ClientFactory

    install_log_redaction()
    try:
        keys = {parse_engine(args.engine).name: args.api_key} if args.api_key else None
        with ClientFactory(api_keys=keys) as factory, factory(args.engine) as clients:
            balance = clients.sunoapi.credits()
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{balance:.0f}" if float(balance).is_integer() else f"{balance}")
    return 0


def run(args: argparse.Namespace) -> int:
    from desktop_app.api.errors import ServiceError
    from desktop_app.api.redact import install_log_redaction
    from desktop_app.jobs.clients import ClientFactory

    install_log_redaction()
    if args.page < 0 or not 1 <= args.limit <= 100:
        print("error: --page starts at 0 and --limit is 1 to 100", file=sys.stderr)
        return 2
    try:
        from desktop_app.api.engines import parse_engine

        keys = {parse_engine(args.engine).name: args.api_key} if args.api_key else None
        with ClientFactory(api_keys=keys) as factory, factory(args.engine) as clients:
            if args.search:
                page = clients.musicgpt.search_voices(args.search, args.page, args.limit)
            else:
                page = clients.musicgpt.voices(args.page, args.limit)
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for voice in page.voices:
        if args.json:
            print(json.dumps(voice))
        else:
            print(
                f"{voice['voice_id']}\t{voice['voice_name']}" + ("\t(text-to-speech only)" if voice["tts_only"] else "")
            )
    shown_to = args.page * args.limit + len(page.voices)
    total = f" of {page.total}" if page.total is not None else ""
    print(
        f"page {args.page}: voices {args.page * args.limit + 1 if page.voices else 0}-{shown_to}{total}",
        file=sys.stderr,
    )
    return 0
