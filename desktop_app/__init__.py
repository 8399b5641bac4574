"""Retake: edit songs with cloud AI music services."""

import os

__version__ = "0.1.0"
APP_NAME = "Retake"
APP_ID = "retake"

# PySide6 creates its Qt types, and their enums, on first use by default, and that creation is not
# thread-safe: a waveform layer drawing its labels on a worker thread while the window painted crashed
# the app with a segmentation fault in about one start in four (both threads inside shiboken's lazy type
# creation). With the option off, every type exists once PySide6 is imported: 0.13 s and 20 MB more at
# start, no crash in 20 starts. It takes effect only if set before PySide6 is first imported, and this
# package is imported first by every entry point (python -m desktop_app, the retake script, the frozen
# app); tests/test_layers.py checks it.
os.environ["PYSIDE6_OPTION_LAZY"] = "0"
