"""The sunoapi.org balance, asked off the GUI thread, shown beside add vocals and in the engine dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop_app.api.errors import AuthError
from desktop_app.api.sunoapi import SunoApiClient
from desktop_app.api.transport import make_http_client
from desktop_app.engine import LocalEngine
from desktop_app.ui.jobs.engine_dialog import CreditsRow


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with LocalEngine(data_dir=tmp_path_factory.mktemp("engine"), faults="") as running:
        yield running


def test_the_balance_comes_from_the_credit_endpoint(qtbot, engine) -> None:
    def fetch(_engine: str) -> float:
        with make_http_client() as http:
            return SunoApiClient(http, engine.sunoapi_base, engine.sunoapi_upload_base, engine.api_key).credits()

    row = CreditsRow(lambda: "sunoapi", fetch)
    qtbot.addWidget(row)
    qtbot.mouseClick(row.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "credits" in row.label.text() and row.button.isEnabled(), timeout=10000)
    assert row.label.text() == "sunoapi.org balance: 1,000,000 credits"


def test_a_refused_key_is_said_and_the_local_engine_needs_nothing(qtbot) -> None:
    def refused(_engine: str) -> float:
        raise AuthError("sunoapi.org did not accept the API key (401).")

    row = CreditsRow(lambda: "sunoapi", refused)
    qtbot.addWidget(row)
    row.check()
    qtbot.waitUntil(lambda: row.button.isEnabled() and "did not accept" in row.label.text(), timeout=10000)
    local = CreditsRow(lambda: "local", refused)
    qtbot.addWidget(local)
    local.check()
    assert "nothing to pay" in local.label.text()
