"""The editor fixtures (a beat song with a known grid, a shown main window) for the lyrics tests.

Each test gets its own data folder: lyrics are kept per song, and the session's test song is the
same file in every test.
"""

import pytest

from tests.results.conftest import finished_job, results_window  # noqa: F401  (fixtures)
from tests.ui.conftest import song_path, window  # noqa: F401  (fixtures)
from tests.ui_jobs.conftest import engine, jobs_song, jobs_window, service  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RETAKE_DATA_DIR", str(tmp_path / "data"))
