"""Headless subcommands of the ``retake`` command line (see desktop_app/cli.py)."""
