"""Run the benchmarks: ``python -m tests.benchmarks [NAME ...]`` (NAME = bench module without prefix).

Each ``bench_*.py`` module exposes ``main() -> None`` and prints its own figures.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("RETAKE_HOME", tempfile.mkdtemp(prefix="retake-bench-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("RETAKE_AUDIO_OUTPUT", "silent")


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in argv]
    for name in names:
        if wanted and name not in wanted:
            continue
        print(f"== {name}", flush=True)
        importlib.import_module(f"tests.benchmarks.{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
