"""A job run from the command line, like ``retake inpaint --engine URL``, but polling every 50–200 ms.

Used by the kill-point test for the states the CLI passes through too quickly to hit on purpose:
``--hold-draft`` stores the job and then waits (for SIGKILL) before sending anything, and the fast
polls put the job in *running* while the engine is still working. Prints the job id on stdout.

    python -m tests.reliability.kill_driver SONG --engine URL --api-key KEY --prompt P --out DIR [--hold-draft]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("song", type=Path)
    parser.add_argument("--engine", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--hold-draft", action="store_true")
    args = parser.parse_args(argv)

    from desktop_app import paths
    from desktop_app.api.models import InpaintRequest
    from desktop_app.audio import load
    from desktop_app.jobs.clients import ClientFactory
    from desktop_app.jobs.runner import JobRunner
    from desktop_app.jobs.store import JobStore
    from desktop_app.jobs.terminal import TerminalProgress
    from tests.reliability.support import fast_settings

    request = InpaintRequest(audio_file=args.song.resolve(), prompt=args.prompt, replace_start_at=1.0,
                             replace_end_at=2.0)  # fmt: skip
    with JobStore() as store, ClientFactory(api_keys={args.engine: args.api_key}) as factory:
        runner = JobRunner(store, factory, settings=fast_settings(paths.cache_dir() / "uploads"))
        job = runner.create(request, args.engine, out_dir=args.out.resolve(), duration=load(args.song).duration)
        print(job.id, flush=True)
        if args.hold_draft:
            sys.stdin.read()  # stored, nothing sent: wait here to be killed
        done = runner.run(job.id, on_event=TerminalProgress())
    return 0 if done.state.value == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
