"""Smoke test of the packaged Retake: run the frozen binary the way a producer and CI would.

    python3 packaging/smoke_test.py [--app dist/retake/retake] [--budget SECONDS]

Standard library only, so it runs on a machine with no Python packages at all. Every step launches
the binary in its own process group under ``QT_QPA_PLATFORM=offscreen`` with a sandboxed ``RETAKE_HOME``
and ``HOME``, with a time limit, and kills the whole group on timeout. A step fails on a non-zero exit,
on output it does not expect, or on a fatal marker (a traceback, a missing module or Qt plugin, …) in
its output or in the app's log. Steps whose subcommand the binary does not have are SKIPPED with the
reason printed; everything else must pass. Exit 0 only when no step failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = ROOT / "dist" / "retake" / ("retake.exe" if os.name == "nt" else "retake")
INIT_LINE = "Init finished, entering the main loop"

# Text that means the build is broken even if the exit code looks fine (PyInstaller's bootloader,
# Python, Qt's plugin loader, the dynamic linker, and our own crash hook's log line).
FATAL_MARKERS = (
    "Traceback (most recent call last)",
    "ModuleNotFoundError",
    "ImportError",
    "could not find or load",
    "Could not load the Qt platform plugin",
    "Unhandled exception",
    "cannot open shared object file",
    "Failed to execute script",
    ":ERROR]",  # PyInstaller 6 bootloader errors: "[PYI-1234:ERROR] ..."
    "Segmentation fault",
    "core dumped",
)


class StepFailed(Exception):
    pass


class StepSkipped(Exception):
    pass


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


class Sandbox:
    """A throw-away home for the app, and the way to launch the binary inside it."""

    def __init__(self, app: Path, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.env = dict(os.environ)
        for key in [k for k in self.env if k.startswith(("RETAKE_", "PYTHON"))]:
            del self.env[key]  # nothing from the developer's shell leaks into the packaged app
        self.env.update(
            QT_QPA_PLATFORM="offscreen",
            RETAKE_HOME=str(folder / "retake-home"),
            HOME=str(folder / "user-home"),
            XDG_CONFIG_HOME=str(folder / "user-home" / ".config"),
            XDG_DATA_HOME=str(folder / "user-home" / ".local" / "share"),
            XDG_CACHE_HOME=str(folder / "user-home" / ".cache"),
            RETAKE_NO_CRASH_DIALOG="1",
        )
        (folder / "user-home").mkdir(parents=True, exist_ok=True)

    def run(self, args: list[str], timeout: float, env: dict[str, str] | None = None) -> Result:
        started = time.monotonic()
        proc = subprocess.Popen(
            [str(self.app), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            env={**self.env, **(env or {})},
            start_new_session=True,  # its own process group, so a timeout kills helpers (ffmpeg, engine) too
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_group(proc)
            out, err = proc.communicate()
            raise StepFailed(f"timed out after {timeout:.0f} s: {' '.join(args)}\n{tail(out)}\n{tail(err)}") from None
        result = Result(proc.returncode, out, err, time.monotonic() - started)
        check_markers(f"output of {' '.join(args)}", out + err)
        return result

    def log_text(self) -> str:
        logs = sorted((self.folder / "retake-home" / "logs").glob("*.log*"))
        return "".join(p.read_text("utf-8", "replace") for p in logs)


def kill_group(proc: subprocess.Popen) -> None:
    if os.name == "nt":
        proc.kill()
        return
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(proc.pid, signal.SIGKILL)


def tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.splitlines()[-lines:])


def check_markers(where: str, text: str) -> None:
    found = [m for m in FATAL_MARKERS if m in text]
    if found:
        raise StepFailed(f"fatal marker {found} in {where}:\n{tail(text, 40)}")


def expect_ok(result: Result, what: str) -> Result:
    if result.returncode != 0:
        raise StepFailed(f"{what} exited {result.returncode}\n{tail(result.stdout)}\n{tail(result.stderr)}")
    return result


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip().startswith("{")]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n":
        raise StepFailed(f"{path} is not a PNG")
    return struct.unpack(">II", data[16:24])


class SmokeTest:
    def __init__(self, app: Path, work: Path, budget: float) -> None:
        self.app = app
        self.work = work
        self.deadline = time.monotonic() + budget
        self.box = Sandbox(app, work)
        self.subcommands: set[str] = set()
        self.demo = app.parent / "_internal" / "resources" / "demo" / "demo_song.flac"
        self.demo_seconds = 0.0
        self.ffmpeg: Path | None = None  # the binary the app runs, found by the ffmpeg step
        self.failures = 0

    def limit(self, wanted: float) -> float:
        left = self.deadline - time.monotonic()
        if left <= 1:
            raise StepFailed("the smoke test ran out of its time budget")
        return min(wanted, left)

    def step(self, name: str, body: Callable[[], str]) -> None:
        started = time.monotonic()
        try:
            detail = body()
        except StepSkipped as exc:
            print(f"SKIPPED {name}: {exc}", flush=True)
            return
        except StepFailed as exc:
            self.failures += 1
            print(f"FAIL    {name} ({time.monotonic() - started:.1f} s): {exc}", flush=True)
            return
        print(f"PASS    {name} ({time.monotonic() - started:.1f} s){': ' + detail if detail else ''}", flush=True)

    def need(self, subcommand: str) -> None:
        if subcommand not in self.subcommands:
            raise StepSkipped(f"the binary has no '{subcommand}' subcommand yet (retake --help lists: "
                              f"{', '.join(sorted(self.subcommands)) or 'none'})")  # fmt: skip

    # --- steps -------------------------------------------------------------------------------------

    def version(self) -> str:
        result = expect_ok(self.box.run(["--version"], self.limit(60)), "--version")
        if not result.stdout.startswith("retake "):
            raise StepFailed(f"unexpected --version output: {result.stdout!r}")
        help_text = expect_ok(self.box.run(["--help"], self.limit(60)), "--help").stdout
        listed = help_text.split("Headless subcommands:", 1)[-1].split("(", 1)[0]
        self.subcommands = {name.strip() for name in listed.replace("\n", " ").split(",") if name.strip()}
        return f"{result.stdout.strip()}; subcommands: {', '.join(sorted(self.subcommands))}"

    def self_check(self) -> str:
        result = expect_ok(self.box.run(["--self-check"], self.limit(120)), "--self-check")
        for item in ("qt", "audio output", "ffmpeg", "libsndfile", "certificates", "keyring", "demo song", "modules"):
            if not re.search(rf"^(ok|warn)\s+{re.escape(item)}\s", result.stdout, re.MULTILINE):
                raise StepFailed(f"--self-check does not report '{item}' as present:\n{result.stdout}")
        if "packaged build" not in result.stdout:
            raise StepFailed("--self-check does not say it runs from the packaged build")
        print(result.stdout.rstrip(), flush=True)
        return ""

    def notices(self) -> str:
        """The third-party notices are in the bundle, name Qt and ffmpeg, and cover every shared library in it."""
        folder = self.app.parent
        notices, listing = folder / "THIRD_PARTY_NOTICES.txt", folder / "licenses" / "components.json"
        if not notices.is_file() or not listing.is_file():
            raise StepFailed(f"no {notices.name} or licenses/components.json in {folder}")
        components = json.loads(listing.read_text(encoding="utf-8"))
        names = {c["name"] for c in components}
        text = notices.read_text(encoding="utf-8")
        for wanted in ("Qt", "ffmpeg"):
            if wanted not in names or f"\n{wanted} " not in text:
                raise StepFailed(f"the notices do not list {wanted}: {sorted(names)}")
        missing_texts = [t for c in components for t in c["texts"] if not (folder / t).is_file()]
        if missing_texts or any(not c["texts"] for c in components):
            raise StepFailed(f"licence texts named but not bundled: {missing_texts[:5]}")
        internal = folder / "_internal"
        listed = {f for c in components for f in c["files"]}
        libraries = [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
        unlisted = sorted(p.relative_to(internal).as_posix() for p in libraries)
        unlisted = [p for p in unlisted if p not in listed]
        if unlisted:
            raise StepFailed(f"shared libraries in the bundle missing from the notices: {unlisted[:10]}")
        verbose = expect_ok(self.box.run(["--version", "--verbose"], self.limit(60)), "--version --verbose").stdout
        if "development build" in verbose or str(notices) not in verbose:
            raise StepFailed(f"--version --verbose does not name this build and its notices:\n{verbose}")
        return f"{len(components)} components, {len(libraries)} shared libraries covered"

    def ffmpeg_unpacks_once(self) -> str:
        """A packed ffmpeg is unpacked into the user cache on the first run and reused by the next ones."""
        packed = self.app.parent / "_internal" / "resources" / "ffmpeg" / "ffmpeg.json"
        first = self.ffmpeg_path()
        if not packed.is_file():
            return f"not packed in this build; runs {first}"
        cache = Path(self.box.env["RETAKE_HOME"]) / "cache" / "ffmpeg"
        if cache not in first.parents:
            raise StepFailed(f"the packed ffmpeg should run from the cache folder {cache}, not {first}")
        before = first.stat()
        second = self.ffmpeg_path()
        after = second.stat()
        if second != first or (after.st_ino, after.st_mtime_ns) != (before.st_ino, before.st_mtime_ns):
            raise StepFailed(f"the second run unpacked ffmpeg again ({first} -> {second})")
        leftovers = [p.name for p in first.parent.iterdir() if p != first]
        if leftovers:
            raise StepFailed(f"unpacking left files behind: {leftovers}")
        return f"{first.stat().st_size / 1e6:.0f} MB unpacked to {first.relative_to(cache)}; reused by the next run"

    def ffmpeg_path(self) -> Path:
        result = expect_ok(self.box.run(["self-check", "--json"], self.limit(120)), "self-check --json")
        check = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "ffmpeg")
        path = Path(check["detail"].split(" (", 1)[0])
        if check["status"] != "ok" or not path.is_file():
            raise StepFailed(f"self-check found no working ffmpeg: {check}")
        self.ffmpeg = path
        return path

    def self_check_detects_missing_ffmpeg(self) -> str:
        result = self.box.run(["self-check", "--json"], self.limit(120), env={"RETAKE_FFMPEG": "/nonexistent/ffmpeg"})
        report = json.loads(result.stdout)
        ffmpeg = next(c for c in report["checks"] if c["name"] == "ffmpeg")
        if result.returncode != 1 or report["ok"] or ffmpeg["status"] != "FAIL":
            raise StepFailed(f"exit {result.returncode}, ffmpeg check {ffmpeg} with RETAKE_FFMPEG=/nonexistent")
        return "exit 1 and ffmpeg FAIL"

    def info_demo(self) -> str:
        if not self.demo.is_file():
            raise StepFailed(f"demo song not bundled at {self.demo}")
        result = expect_ok(self.box.run(["info", str(self.demo)], self.limit(60)), "info demo")
        info = json_lines(result.stdout)[0]
        self.demo_seconds = float(info["duration_seconds"])
        if self.demo_seconds <= 1 or info.get("channels", 0) < 1:
            raise StepFailed(f"implausible info for the demo song: {info}")
        return f"{self.demo_seconds:.1f} s, {info.get('sample_rate')} Hz, {info.get('channels')} ch"

    def info_m4a(self) -> str:
        if self.ffmpeg is None:
            raise StepSkipped("needs the app's ffmpeg from the ffmpeg step, which failed")
        m4a = self.work / "tone.m4a"
        subprocess.run(
            [str(self.ffmpeg), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=5",
             "-ac", "2", "-c:a", "aac", "-b:a", "128k", str(m4a)],
            check=True, timeout=self.limit(60),
        )  # fmt: skip
        result = expect_ok(self.box.run(["info", str(m4a)], self.limit(60)), "info m4a")
        info = json_lines(result.stdout)[0]
        if abs(float(info["duration_seconds"]) - 5.0) > 0.2 or info.get("channels") != 2:
            raise StepFailed(f"implausible info for a 5 s stereo AAC: {info}")
        return f"{info['duration_seconds']:.2f} s, {info.get('format', '?')}"

    def inpaint(self) -> str:
        self.need("inpaint")
        if self.demo_seconds <= 1:
            raise StepSkipped("needs the demo song's duration from the info step, which failed")
        start = round(self.demo_seconds * 0.4, 2)
        end = round(start + min(4.0, self.demo_seconds * 0.2), 2)
        out = self.work / "takes"
        args = ["inpaint", str(self.demo), "--start", str(start), "--end", str(end),
                "--prompt", "warm analog synth lead", "--engine", "local", "--out", str(out)]  # fmt: skip
        expect_ok(self.box.run(args, self.limit(300)), "inpaint")
        audio = sorted(p for p in out.rglob("*") if p.suffix.lower() in {".wav", ".flac", ".mp3", ".ogg", ".m4a"})
        summaries = sorted(out.rglob("*.json"))
        if len(audio) < 2 or not summaries:
            raise StepFailed(
                f"expected two takes and a JSON summary in {out}, found {[p.name for p in out.rglob('*')]}"
            )
        decoded = json_lines(expect_ok(self.box.run(["info", *map(str, audio)], self.limit(60)), "info takes").stdout)
        short = [d for d in decoded if float(d.get("duration_seconds", 0)) < (end - start)]
        if len(decoded) != len(audio) or short:
            raise StepFailed(f"takes do not decode to at least the region's length: {decoded}")
        return f"region {start}–{end} s, {len(audio)} takes: {', '.join(p.name for p in audio)}"

    def screenshot(self) -> str:
        self.need("screenshot")
        png = self.work / "main-window.png"
        expect_ok(self.box.run(["screenshot", str(png), "--open", str(self.demo)], self.limit(120)), "screenshot")
        width, height = png_size(png)
        if width < 640 or height < 400:
            raise StepFailed(f"screenshot is only {width}×{height}")
        return f"{width}×{height}, {png.stat().st_size // 1024} KB"

    def gui_starts(self) -> str:
        seconds = launch_until_init(self.app, self.box.env, self.box.log_text, ["--demo"], self.limit(60))
        return f"first window after {seconds:.2f} s"

    def app_log_clean(self) -> str:
        text = self.box.log_text()
        check_markers("the app's log", text)
        return f"{len(text.splitlines())} log lines, no fatal markers"

    def run_all(self) -> int:
        started = time.monotonic()
        print(f"Smoke test of {self.app} (sandbox {self.work})", flush=True)
        self.step("version and subcommands", self.version)
        self.step("third-party notices cover the bundle", self.notices)
        self.step("ffmpeg unpacks once into the cache", self.ffmpeg_unpacks_once)
        self.step("self-check", self.self_check)
        self.step("self-check reports a missing ffmpeg", self.self_check_detects_missing_ffmpeg)
        self.step("info on the demo song", self.info_demo)
        self.step("info on an M4A", self.info_m4a)
        self.step("inpaint on the local engine", self.inpaint)
        self.step("screenshot of the main window", self.screenshot)
        self.step("GUI reaches its main loop", self.gui_starts)
        self.step("app log has no fatal markers", self.app_log_clean)
        verdict = "FAILED" if self.failures else "passed"
        print(f"Smoke test {verdict} in {time.monotonic() - started:.1f} s ({self.failures} failed)", flush=True)
        return 1 if self.failures else 0


def launch_until_init(
    app: Path, env: dict[str, str], log_text: Callable[[], str], args: list[str], timeout: float
) -> float:
    """Start the GUI, wait until its log says the main loop is starting, stop it; return the seconds taken.

    Also used by tests/benchmarks/bench_startup.py with the source checkout as ``app``.
    """
    before = log_text().count(INIT_LINE)
    command = [str(app), *args] if app.suffix != ".py" else [sys.executable, str(app), *args]
    started = time.monotonic()
    # Output goes to a file, not a pipe: nobody reads a pipe while we poll, and a full pipe would block the app.
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as output_file:

        def output() -> str:
            output_file.seek(0)
            return output_file.read()

        proc = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=output_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            while log_text().count(INIT_LINE) <= before:
                if proc.poll() is not None:
                    raise StepFailed(f"the app exited with {proc.returncode} before its window:\n{tail(output())}")
                if time.monotonic() - started > timeout:
                    raise StepFailed(f"no '{INIT_LINE}' in the log after {timeout:.0f} s")
                time.sleep(0.02)  # polling a file with a deadline: the app offers no other signal across processes
            return time.monotonic() - started
        finally:
            kill_group(proc)
            proc.wait()
            check_markers("the GUI's output", output())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", type=Path, default=DEFAULT_APP, help=f"the frozen executable (default {DEFAULT_APP})")
    parser.add_argument("--budget", type=float, default=600, help="time limit for the whole run in seconds")
    parser.add_argument("--keep", action="store_true", help="keep the sandbox folder for inspection")
    args = parser.parse_args(argv)
    if not args.app.is_file():
        print(f"smoke test: {args.app} not found; build it first with: bash packaging/build", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="retake-smoke-"))
    code = SmokeTest(args.app.resolve(), work, args.budget).run_all()
    if args.keep or code:
        print(f"Sandbox kept for inspection: {work}", flush=True)
    else:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
