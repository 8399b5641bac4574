"""Helpers shared by the test suite: the pytest plugin (``plugin.py``, ``fixtures.py``), generators, fakes.

``WAIT_MS`` is how long a test waits for something the app does in the background (a song decoding, a
job ending on the local engine) before it fails: generous, because two cores are shared by parallel runs.
"""

WAIT_MS = 20_000
