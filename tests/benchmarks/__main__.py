"""Run the benchmarks: ``python -m tests.benchmarks [NAME ...]`` (NAME = bench module without prefix).

Each ``bench_*.py`` module exposes ``main() -> None`` and prints its own figures.
"""

from __future__ import annotations

import compileall
import importlib
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("RETAKE_HOME", tempfile.mkdtemp(prefix="retake-bench-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("RETAKE_AUDIO_OUTPUT", "silent")
# Processes measured here run from bytecode, as an install does (pip and PyInstaller compile it): with
# PYTHONDONTWRITEBYTECODE set, every run would compile each module of the app again, ~0.2 s that
# no user pays and that the bare baselines, having no modules of ours, never pay either.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
compileall.compile_dir(str(Path(__file__).resolve().parents[2] / "desktop_app"), quiet=1)


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
