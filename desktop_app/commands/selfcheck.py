"""``retake self-check`` / ``retake --self-check``: is everything the app needs present in this install?

Meant for a producer's support request and for the smoke test of the packaged binary: every native
part a frozen build can lose (Qt plugins, libsndfile, PortAudio, ffmpeg, CA certificates, keyring
backends, Python modules found only at run time) is exercised, not just looked up. Missing required
parts exit 1; parts the app can live without (an audio device, an OS keyring) are warnings.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop_app import __version__

COMMANDS = ("self-check",)

OK, WARN, FAIL = "ok", "warn", "FAIL"

# Modules the app imports lazily or by name (engine, operations, loudness): a frozen build that
# missed one only fails when the user reaches that feature, so import them all up front here.
RUNTIME_MODULES = (
    "numpy",
    "scipy.signal",
    "soundfile",
    "httpx",
    "keyring",
    "platformdirs",
    "pyloudnorm",
    "pedalboard",
    "starlette.applications",
    "uvicorn",
    "python_multipart",
    "sqlite3",
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # OK, WARN or FAIL
    detail: str


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("self-check", help="check the installation (ffmpeg, libsndfile, audio, certificates)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text lines")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    return run_self_check(as_json=args.json)


def run_self_check(as_json: bool = False) -> int:
    """Run every check, print the report, return 0 when nothing required is missing, 1 otherwise."""
    results = [_guarded(name, check) for name, check in CHECKS]
    failed = [r.name for r in results if r.status == FAIL]
    if as_json:
        print(json.dumps({"ok": not failed, "checks": [asdict(r) for r in results]}, indent=2), flush=True)
    else:
        width = max(len(r.name) for r in results)
        for r in results:
            print(f"{r.status:<4}  {r.name:<{width}}  {r.detail}", flush=True)
        if failed:
            print(f"Retake is missing something it needs: {', '.join(failed)}.", flush=True)
        else:
            print("Retake is ready.", flush=True)
    return 1 if failed else 0


def _guarded(name: str, check: Callable[[], tuple[str, str]]) -> CheckResult:
    try:
        status, detail = check()
    except Exception as exc:  # a check that crashes is a failed check, with the reason shown
        status, detail = FAIL, f"{type(exc).__name__}: {exc}"
    return CheckResult(name, status, detail)


def check_version() -> tuple[str, str]:
    if getattr(sys, "frozen", False):
        where = f"packaged build in {Path(sys.executable).resolve().parent}"
    else:
        where = f"source checkout at {Path(__file__).resolve().parents[2]}"
    return OK, f"{__version__} ({where})"


def check_python() -> tuple[str, str]:
    return OK, f"{platform.python_version()} on {platform.platform()}"


def check_qt() -> tuple[str, str]:
    import PySide6
    from PySide6.QtCore import QLibraryInfo, qVersion

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = sorted(p.name.split(".")[0].removeprefix("libq") for p in plugins.glob("*q*.*")) if plugins.is_dir() else []
    detail = f"Qt {qVersion()}, PySide6 {PySide6.__version__}, platforms: {', '.join(names) or 'none'}"
    # Without a platform plugin no window can open; offscreen is what headless runs and CI use.
    return (OK if names else FAIL), detail


def check_audio_output() -> tuple[str, str]:
    if os.environ.get("RETAKE_AUDIO_OUTPUT", "").lower() == "silent":
        return OK, "silent clock (RETAKE_AUDIO_OUTPUT=silent)"
    try:
        import sounddevice
    except OSError as exc:  # PortAudio itself could not be loaded
        return WARN, f"silent clock (no audio device): {exc}"
    library = sounddevice.get_portaudio_version()[1].split(",")[0]  # drop the long revision hash
    # Which copy was loaded tells a packaged build that uses the system's PortAudio from one using its own.
    library += f" from {getattr(sounddevice, '_libname', '?')}"
    try:
        device = sounddevice.query_devices(kind="output")
    except Exception as exc:  # PortAudioError when no host API has a device
        return WARN, f"silent clock (no audio device): {library}: {exc}"
    hostapi = sounddevice.query_hostapis(device["hostapi"])["name"]
    return OK, f"{device['name']} via {hostapi} ({library})"


def check_ffmpeg() -> tuple[str, str]:
    from desktop_app.audio.ffmpeg import ffmpeg_exe

    exe = ffmpeg_exe()
    proc = subprocess.run([exe, "-hide_banner", "-version"], capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        return FAIL, f"{exe} -version exited {proc.returncode}"
    first = proc.stdout.splitlines()[0] if proc.stdout else "no version line"
    return OK, f"{exe} ({first})"


def check_libsndfile() -> tuple[str, str]:
    import numpy as np
    import soundfile

    version = soundfile.__libsndfile_version__
    if "MP3" not in soundfile.available_formats():
        return FAIL, f"libsndfile {version} without MP3 support"
    # Round-trip a tenth of a second: proves the encoder and decoder, not just the format table.
    with tempfile.TemporaryDirectory(prefix="retake-selfcheck-") as tmp:
        path = Path(tmp) / "probe.mp3"
        tone = (0.2 * np.sin(np.linspace(0, 2 * np.pi * 44, 4410))).astype(np.float32)
        soundfile.write(str(path), tone, 44100, format="MP3")
        frames = soundfile.info(str(path)).frames
    if frames <= 0:
        return FAIL, f"libsndfile {version} wrote an empty MP3"
    return OK, f"libsndfile {version}, MP3 read and write"


def check_certificates() -> tuple[str, str]:
    import ssl

    import certifi

    cafile = certifi.where()
    if not Path(cafile).is_file():
        return FAIL, f"certificate bundle not found at {cafile}"
    context = ssl.create_default_context(cafile=cafile)
    count = len(context.get_ca_certs())
    return (OK if count else FAIL), f"{count} CA certificates from {cafile}"


def check_keyring() -> tuple[str, str]:
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, chainer.ChainerBackend):
        inner = [type(b).__module__ + "." + type(b).__name__ for b in backend.backends]
        name = "chainer of " + (", ".join(inner) or "nothing")
        usable = bool(inner)
    else:
        name = type(backend).__module__ + "." + type(backend).__name__
        usable = not isinstance(backend, fail.Keyring)
    if not usable:
        return WARN, f"{name}: no system keyring, keys will be asked each session"
    return OK, name


def check_demo_song() -> tuple[str, str]:
    import soundfile

    from desktop_app.paths import demo_song

    path = demo_song()
    if not path.is_file():
        return FAIL, f"not found at {path}"
    info = soundfile.info(str(path))
    return OK, f"{path} ({info.duration:.1f} s, {info.format})"


def check_modules() -> tuple[str, str]:
    missing = []
    for name in RUNTIME_MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # ImportError, or OSError from a missing native library
            missing.append(f"{name} ({type(exc).__name__}: {exc})")
    if missing:
        return FAIL, "cannot import " + "; ".join(missing)
    return OK, f"{len(RUNTIME_MODULES)} runtime modules import"


CHECKS: tuple[tuple[str, Callable[[], tuple[str, str]]], ...] = (
    ("retake", check_version),
    ("python", check_python),
    ("qt", check_qt),
    ("audio output", check_audio_output),
    ("ffmpeg", check_ffmpeg),
    ("libsndfile", check_libsndfile),
    ("certificates", check_certificates),
    ("keyring", check_keyring),
    ("demo song", check_demo_song),
    ("modules", check_modules),
)
