"""Command line: the GUI by default, headless subcommands otherwise.

Each subcommand lives in ``desktop_app/commands/<name>.py`` with ``add_parser(subparsers)`` and
``run(args) -> int``; those modules import their heavy dependencies inside ``run`` so that
``retake --help`` and ``retake info`` start fast and never load Qt.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from desktop_app import __version__

# Module names under desktop_app.commands; each registers one or more subcommands.
COMMAND_MODULES = (
    "info",
    "screenshot",
    "engine",
    "operations",
    "jobs",
    "voices",
    "selfcheck",
    "lyrics",
    "seams",
    "comp",
)


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retake",
        description="Retake: select bars of a song, have an AI service redo them, compare takes, splice.",
        epilog="Headless subcommands: " + ", ".join(_subcommand_names()) + " (retake SUBCOMMAND --help).",
    )
    parser.add_argument("file", nargs="?", help="audio file to open")
    parser.add_argument("--version", action="version", version=f"retake {__version__}")
    parser.add_argument("--verbose", action="store_true", help="with --version: build, engine, Python, Qt, licences")
    parser.add_argument("--demo", action="store_true", help="open the bundled demo song when no file is given")
    parser.add_argument("--no-crash-dialog", action="store_true", help="log unexpected errors without a dialog")
    parser.add_argument("--self-check", action="store_true", help="check the installation and exit")
    return parser


def _load_modules():
    modules = []
    for name in COMMAND_MODULES:
        try:
            modules.append(importlib.import_module(f"desktop_app.commands.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"desktop_app.commands.{name}":
                raise
    return modules


def _subcommand_names() -> list[str]:
    names: list[str] = []
    for module in _load_modules():
        names.extend(getattr(module, "COMMANDS", ()))
    return names


def _subcommand_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="retake")
    parser.add_argument("--version", action="version", version=f"retake {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in _load_modules():
        module.add_parser(sub)
    return parser


def _log_to_file() -> None:
    """Subcommands log to the app's log file (keys redacted), as the GUI does.

    Without a handler Python prints warnings on stderr (logging's last resort), so a decoder's
    detail ("flac decoder lost sync") would appear next to the sentence meant for the user.
    """
    from desktop_app.api.redact import install_log_redaction
    from desktop_app.logging_setup import setup_logging

    install_log_redaction()
    try:
        setup_logging()
    except OSError:  # an unwritable log folder must not stop a command
        import logging

        logging.getLogger().addHandler(logging.NullHandler())


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if "--version" in args_list and "--verbose" in args_list:  # argparse's version action would exit first
        from desktop_app.about import verbose_version

        print(verbose_version())
        return 0
    if args_list and args_list[0] in _subcommand_names():
        args = _subcommand_parser().parse_args(args_list)
        _log_to_file()
        return int(args.handler(args) or 0)
    args = _gui_parser().parse_args(args_list)
    if args.self_check:
        from desktop_app.commands.selfcheck import run_self_check

        return run_self_check()
    from desktop_app.ui.app import run_gui

    return run_gui(args)


if __name__ == "__main__":
    sys.exit(main())
