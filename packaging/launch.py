"""Entry point of the packaged app: the same ``retake`` command as the console script."""

import sys

from desktop_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
