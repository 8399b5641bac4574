"""``retake jobs list`` and ``retake jobs resume [ID | --all]``: the job store from a terminal.

Resuming never submits a job twice: a job the service already has is polled and downloaded; one
that was interrupted while its paid request was in flight is held unless ``--resubmit`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

COMMANDS = ("jobs",)


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("jobs", help="list and resume jobs")
    actions = parser.add_subparsers(dest="jobs_action", required=True)
    listing = actions.add_parser("list", help="list jobs, newest first")
    listing.add_argument("--unfinished", action="store_true", help="only jobs that are not done, failed or cancelled")
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    resume = actions.add_parser("resume", help="finish a job (or all unfinished jobs) by polling the service")
    target = resume.add_mutually_exclusive_group(required=True)
    target.add_argument("job_id", nargs="?", metavar="ID", help="job id (a unique prefix is enough)")
    target.add_argument("--all", action="store_true", help="every unfinished job")
    resume.add_argument("--api-key", default=None, help="key for the job's real engine (else env var or keyring)")
    resume.add_argument("--timeout", type=float, default=900.0, help="seconds to poll before asking to keep waiting")
    resume.add_argument("--resubmit", action="store_true",
                        help="send a job again that was interrupted before the service confirmed it")  # fmt: skip
    parser.set_defaults(handler=run)


def _row(job, takes: int) -> dict:
    return {
        "id": job.id,
        "state": job.state.value,
        "operation": job.operation,
        "engine": job.engine,
        "created": time.strftime("%Y-%m-%d %H:%M", time.localtime(job.created_at)),
        "takes": takes,
        "out_dir": str(job.out_dir),
        "error": job.error_message,
    }


def _list(args: argparse.Namespace) -> int:
    from desktop_app.jobs.store import JobStore

    with JobStore() as store:
        jobs = store.unfinished() if args.unfinished else store.list_jobs(limit=args.limit)
        rows = [_row(j, len(store.takes(j.id))) for j in jobs[: args.limit]]
    if args.json:
        for row in rows:
            print(json.dumps(row), flush=True)
        return 0
    if not rows:
        print("no jobs", file=sys.stderr)
        return 0
    for r in rows:
        line = (
            f"{r['id']}  {r['state']:<11} {r['operation']:<10} {r['engine']:<10} {r['created']}  {r['takes']} take(s)"
        )
        print(line + (f"  — {r['error']}" if r["error"] else ""), flush=True)
    return 0


def _resume(args: argparse.Namespace) -> int:
    from desktop_app.api.errors import ServiceError
    from desktop_app.jobs.runner import RunnerSettings
    from desktop_app.jobs.store import JobStore
    from desktop_app.jobs.terminal import EXIT_FAILED, EXIT_INVALID, cli_runner, report, run_in_foreground

    with JobStore() as store:
        if args.all:
            jobs = list(reversed(store.unfinished()))
        else:
            try:
                jobs = [store.get(args.job_id)]
            except KeyError:
                print(f"error: no job “{args.job_id}” (see `retake jobs list`)", file=sys.stderr)
                return EXIT_INVALID
    if not jobs:
        print("nothing to resume", file=sys.stderr)
        return 0
    engines = {j.engine for j in jobs}
    if args.api_key and len(engines) > 1:
        print("error: --api-key with jobs on several engines; resume them one at a time", file=sys.stderr)
        return EXIT_INVALID
    worst = 0
    settings = RunnerSettings(poll_timeout=args.timeout)
    try:
        with cli_runner(api_key=args.api_key, engine=next(iter(engines)), settings=settings) as runner:
            for job in jobs:
                print(f"job {job.id}: {job.operation} on {job.engine} ({job.state.value})", file=sys.stderr, flush=True)
                finished = run_in_foreground(runner, job.id, resubmit=args.resubmit)
                worst = max(worst, report(finished, runner.store))
    except ServiceError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    return worst


def run(args: argparse.Namespace) -> int:
    return _list(args) if args.jobs_action == "list" else _resume(args)
