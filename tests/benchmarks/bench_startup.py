"""Start-up to first window: the frozen app (dist/retake/retake) against the source checkout.

Both are launched offscreen with a fresh RETAKE_HOME and timed until the app's log says
"Init finished, entering the main loop" (logged right after the main window is shown). The first
launch of each is reported separately as "first": right after a build the files are usually still
in the page cache, so a truly cold start (after a reboot) is slower than this figure for both.
Then the median of several warm launches, interleaved so both see the same machine load.

    ./dev bench startup        (build first: bash packaging/build)
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FROZEN = ROOT / "dist" / "retake" / ("retake.exe" if os.name == "nt" else "retake")
SOURCE_LAUNCHER = ROOT / "packaging" / "launch.py"
WARM_RUNS = 5


def _smoke_module():
    spec = importlib.util.spec_from_file_location("retake_smoke_test", ROOT / "packaging" / "smoke_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _launcher(smoke, app: Path):
    home = Path(tempfile.mkdtemp(prefix="retake-bench-startup-"))
    box = smoke.Sandbox(app, home)
    env = dict(box.env)
    if app.suffix == ".py":
        env["PYTHONPATH"] = str(ROOT)  # the source checkout, not an installed copy

    def launch() -> float:
        return smoke.launch_until_init(app, env, box.log_text, ["--demo"], timeout=120)

    return launch


def main() -> None:
    smoke = _smoke_module()
    if not FROZEN.is_file():
        print(f"no frozen build at {FROZEN}; run: bash packaging/build")
        return
    print(f"source: {sys.executable} {SOURCE_LAUNCHER.relative_to(ROOT)}   frozen: {FROZEN.relative_to(ROOT)}")
    source, frozen = _launcher(smoke, SOURCE_LAUNCHER), _launcher(smoke, FROZEN)
    first_source, first_frozen = source(), frozen()
    warm_source, warm_frozen = [], []
    for _ in range(WARM_RUNS):
        warm_source.append(source())
        warm_frozen.append(frozen())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    median_source, median_frozen = statistics.median(warm_source), statistics.median(warm_frozen)
    print(f"first launch:   source {first_source:.2f} s   frozen {first_frozen:.2f} s   "
          f"ratio {first_frozen / first_source:.2f}")  # fmt: skip
    print(f"warm (median of {WARM_RUNS}): source {median_source:.2f} s   frozen {median_frozen:.2f} s   "
          f"ratio {median_frozen / median_source:.2f}   (load average {load:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
