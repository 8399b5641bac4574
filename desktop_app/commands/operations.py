"""``retake inpaint|remix|sing-over|cover|add-vocals|extend SOURCE ...``: run one job to the end.

SOURCE is an audio file or an https:// URL. The job runs on ``--engine`` (``local`` by default;
``musicgpt``, ``sunoapi`` or a URL), shows progress on stderr, writes the takes and ``job.json``
into ``--out`` (default: the app's data folder), prints the take paths on stdout and exits
non-zero with the message on failure (2 invalid input, 3 still running, 130 cancelled).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

COMMANDS = ("inpaint", "remix", "sing-over", "cover", "add-vocals", "extend")
OPERATION_OF = {"inpaint": "inpaint", "remix": "remix", "sing-over": "sing_over", "cover": "cover",
                "add-vocals": "add_vocals", "extend": "extend"}  # fmt: skip


def _common(parser: argparse.ArgumentParser) -> None:
    from desktop_app.api.limits import DOWNLOAD_CAP_MB, UPLOAD_MP3_ABOVE_MB

    parser.add_argument("source", metavar="FILE", help="audio file (or an https:// URL the service can fetch)")
    parser.add_argument("--engine", default="local", help="local (default), musicgpt, sunoapi, or an engine URL")
    parser.add_argument("--out", type=Path, default=None, help="folder for the takes and job.json")
    parser.add_argument("--api-key", default=None, help="key for a real engine (else env var or keyring)")
    parser.add_argument("--webhook-url", default=None, help="advanced: passed to the service; Retake still polls")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to poll before asking to keep waiting")
    parser.add_argument("--mp3-above-mb", type=float, default=float(UPLOAD_MP3_ABOVE_MB),
                        help="convert unsupported sources to MP3 320k instead of WAV above this size")  # fmt: skip
    parser.add_argument("--max-download-mb", type=float, default=float(DOWNLOAD_CAP_MB),
                        help="refuse takes larger than this")  # fmt: skip
    parser.set_defaults(handler=run)


def _lyrics(parser: argparse.ArgumentParser, required: bool = False) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--lyrics", default=None, help="lyrics (max 2000 characters)")
    group.add_argument("--lyrics-file", type=Path, default=None, help="read the lyrics from a text file")


def _gender(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--gender", default=None, help="male, female or neutral")


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--takes", dest="num_outputs", type=int, default=2, choices=(1, 2),
                        help="how many takes the service makes (num_outputs; default 2)")  # fmt: skip


def _title(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title", default=None, help="title of the new track (optional)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from desktop_app.api.models import ADD_VOCALS_MODELS, DEFAULT_ADD_VOCALS_MODEL

    p = sub.add_parser("inpaint", help="replace a region of a song (two takes)")
    _common(p)
    p.add_argument("--start", type=float, default=None, help="region start, seconds (or --lines)")
    p.add_argument("--end", type=float, default=None, help="region end, seconds (or --lines)")
    p.add_argument("--prompt", required=True, help="how the new part should sound")
    _lyrics(p)
    p.add_argument("--lyrics-section", default=None, help="the new lyrics for the replaced region")
    _gender(p)
    _outputs(p)
    # Lyrics: --lines A-B of --lyrics-file SONG.lrc choose the region and both lyrics fields.
    from desktop_app.commands.lyrics import add_inpaint_flags

    add_inpaint_flags(p)

    p = sub.add_parser("extend", help="continue a song after a point (the part before it is kept)")
    _common(p)
    p.add_argument("--after", type=float, required=True, help="extend from this point, seconds")
    p.add_argument("--prompt", required=True, help="how the continuation should sound")
    _lyrics(p)
    p.add_argument("--lyrics-section", default=None, help="the lyrics of the new part (max 3000 characters)")
    _gender(p)
    _outputs(p)

    p = sub.add_parser("remix", help="transform a whole track by a prompt (two takes)")
    _common(p)
    p.add_argument("--prompt", required=True)
    _lyrics(p)
    _gender(p)
    _title(p)

    p = sub.add_parser("sing-over", help="sing lyrics over an instrumental (two takes)")
    _common(p)
    p.add_argument("--prompt", required=True, help="singing style, tone, genre")
    _lyrics(p, required=True)
    _gender(p)
    _title(p)

    p = sub.add_parser("cover", help="re-sing a track with another voice (one take)")
    _common(p)
    p.add_argument("--voice", required=True, help="voice id (see `retake voices`)")
    p.add_argument("--pitch", type=int, default=0, help="semitones, -12..12")

    p = sub.add_parser("add-vocals", help="add vocals to an instrumental (sunoapi.org contract)")
    _common(p)
    p.add_argument("--prompt", required=True, help="what the vocals sing about and how")
    p.add_argument("--style", required=True)
    p.add_argument("--title", required=True)
    p.add_argument("--negative-tags", required=True, help="styles or traits to avoid")
    p.add_argument("--gender", default=None, help="m or f (male/female accepted)")
    p.add_argument("--style-weight", type=float, default=None, help="0..1 in steps of 0.01")
    p.add_argument("--weirdness", type=float, default=None, help="weirdness constraint, 0..1")
    p.add_argument("--audio-weight", type=float, default=None, help="0..1 in steps of 0.01")
    p.add_argument(
        "--model", default=None, help=" or ".join(ADD_VOCALS_MODELS) + f" (default {DEFAULT_ADD_VOCALS_MODEL})"
    )


def _read_lyrics(args: argparse.Namespace) -> str | None:
    path = getattr(args, "lyrics_file", None)
    if not path:
        return getattr(args, "lyrics", None)
    from desktop_app.api.errors import FieldProblem, InvalidRequestError

    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        reason = "is not UTF-8 text; save it as UTF-8 (most editors offer it under Save As) and try again."
    except FileNotFoundError:
        reason = "does not exist."
    except IsADirectoryError:
        reason = "is a folder, not a text file."
    except OSError:
        reason = "cannot be read (check its permissions)."
    raise InvalidRequestError([FieldProblem("lyrics", f"The lyrics file “{path.name}” {reason}")])


def build_request(args: argparse.Namespace):
    """The request model for the parsed arguments (not yet validated)."""
    from desktop_app.api import models

    is_url = args.source.lower().startswith(("https://", "http://"))
    source = {"audio_url": args.source} if is_url else {"audio_file": Path(args.source).expanduser().resolve()}
    source["webhook_url"] = args.webhook_url
    op = OPERATION_OF[args.command]
    if op == "inpaint":
        return models.InpaintRequest(**source, prompt=args.prompt, replace_start_at=args.start, replace_end_at=args.end,
                                     lyrics=_read_lyrics(args), lyrics_section_to_replace=args.lyrics_section,
                                     gender=args.gender, num_outputs=args.num_outputs)  # fmt: skip
    if op == "extend":
        return models.ExtendRequest(**source, prompt=args.prompt, extend_after=args.after, lyrics=_read_lyrics(args),
                                    lyrics_section_to_extend=args.lyrics_section, gender=args.gender,
                                    num_outputs=args.num_outputs)  # fmt: skip
    if op == "remix":
        return models.RemixRequest(**source, prompt=args.prompt, lyrics=_read_lyrics(args), gender=args.gender,
                                   title=args.title)  # fmt: skip
    if op == "sing_over":
        return models.SingOverRequest(**source, prompt=args.prompt, lyrics=_read_lyrics(args) or "", gender=args.gender,
                                      title=args.title)  # fmt: skip
    if op == "cover":
        return models.CoverRequest(**source, voice_id=args.voice, pitch=args.pitch)
    gender = {"male": "m", "female": "f"}.get((args.gender or "").lower(), args.gender)
    return models.AddVocalsRequest(**source, prompt=args.prompt, title=args.title, style=args.style,
                                   negative_tags=args.negative_tags, vocal_gender=gender,
                                   style_weight=args.style_weight, weirdness_constraint=args.weirdness,
                                   audio_weight=args.audio_weight, model=args.model)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from desktop_app.api.errors import ServiceError
    from desktop_app.audio import AudioError, load
    from desktop_app.jobs.runner import RunnerSettings
    from desktop_app.jobs.terminal import EXIT_FAILED, EXIT_INVALID, cli_runner, report, run_in_foreground

    try:
        if args.command == "inpaint":  # the region from --start/--end, or from lyric --lines
            from desktop_app.commands.lyrics import apply_inpaint_flags

            apply_inpaint_flags(args)
        request = build_request(args)
        duration = None
        if request.audio_file is not None and Path(request.audio_file).is_file():
            duration = load(request.audio_file).duration  # also proves it is audio before anything is sent
        from desktop_app.api.engines import parse_engine

        parse_engine(args.engine).require(request.operation)  # the cheap checks first, before any key or engine
        request.check(duration)
        settings = RunnerSettings(
            poll_timeout=args.timeout,
            mp3_above_bytes=int(args.mp3_above_mb * 1024 * 1024),
            max_download_bytes=int(args.max_download_mb * 1024 * 1024),
        )
        with cli_runner(api_key=args.api_key, engine=args.engine, settings=settings) as runner:
            with runner.client_factory(args.engine):  # a missing key or a dead engine shows before any job exists
                pass
            job = runner.create(request, args.engine, out_dir=args.out.expanduser().resolve() if args.out else None,
                                duration=duration)  # fmt: skip
            print(f"job {job.id}: {request.operation.label} on {args.engine}", file=sys.stderr, flush=True)
            job = run_in_foreground(runner, job.id)
            return report(job, runner.store)
    except (AudioError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return EXIT_INVALID
    except ServiceError as exc:  # invalid request, wrong engine, missing key, insecure URL
        print(f"error: {exc}", file=sys.stderr, flush=True)
        setup_problems = ("invalid_request", "engine_mismatch", "insecure_engine", "missing_key")
        return EXIT_INVALID if exc.kind in setup_problems else EXIT_FAILED
