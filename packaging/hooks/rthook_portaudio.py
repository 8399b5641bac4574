"""PyInstaller runtime hook: make sounddevice load the PortAudio bundled with the app.

On Linux the sounddevice wheel ships no PortAudio; it asks ``ctypes.util.find_library("portaudio")``,
which only searches the system (ldconfig). On a machine without libportaudio2 that returns None and
sounddevice fails to import; on one with it, the system copy would be used instead of the one we
tested. Runtime hooks run before any app code, so pointing the lookup at the bundle here is enough:
sounddevice binds ``find_library`` when it is first imported.
"""

import ctypes.util
import os
import sys

_BUNDLED = ("libportaudio.so.2", "libportaudio.so")
_system_find_library = ctypes.util.find_library


def _find_library(name):
    if name == "portaudio":
        for filename in _BUNDLED:
            path = os.path.join(sys._MEIPASS, filename)
            if os.path.isfile(path):
                return path
    return _system_find_library(name)


if sys.platform.startswith("linux"):
    ctypes.util.find_library = _find_library
