"""Retake: edit songs with cloud AI music services."""

__version__ = "0.1.0"
APP_NAME = "Retake"
APP_ID = "retake"
