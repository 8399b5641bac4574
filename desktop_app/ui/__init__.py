"""Widgets: they wire signals and draw; state lives in models and services."""
