"""Entry point of the packaged app: the same ``retake`` command as the console script."""

import multiprocessing
import sys

from desktop_app.cli import main

if __name__ == "__main__":
    # The local engine runs its DSP in "spawn" worker processes. In a frozen app those re-run this
    # executable; freeze_support() (with PyInstaller's multiprocessing runtime hook) turns such a
    # run into the worker instead of a second Retake parsing "--multiprocessing-fork" as a file name.
    multiprocessing.freeze_support()
    sys.exit(main())
