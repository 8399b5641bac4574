"""The lyrics tests use the shared fixtures (tests/support/fixtures.py) with their own data folder.

Each test gets its own data folder: lyrics are kept per song, and the session's test song is the
same file in every test.
"""

import pytest


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("RETAKE_DATA_DIR", str(tmp_path / "data"))
