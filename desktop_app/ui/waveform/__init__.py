"""Waveform widgets: a shared timeline model, the painting view, ruler, overview and the editor."""

from desktop_app.ui.waveform.editor import WaveformEditor
from desktop_app.ui.waveform.timeline import TimelineView
from desktop_app.ui.waveform.view import WaveformView

__all__ = ["TimelineView", "WaveformEditor", "WaveformView"]
