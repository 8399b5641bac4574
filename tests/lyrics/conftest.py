"""The editor fixtures (a beat song with a known grid, a shown main window) for the lyrics tests."""

from tests.ui.conftest import song_path, window  # noqa: F401  (fixtures)
