"""An injected download cut drops the connection quietly: it is the fault working, not the engine crashing."""

from __future__ import annotations

import logging

import httpx
import pytest


def test_a_cut_download_logs_no_traceback(engine, caplog) -> None:
    folder = next(p for p in engine.data_dir.rglob("conversions") if p.is_dir())
    (folder / "quiet-cut.wav").write_bytes(bytes(200_000))
    engine.set_faults("files:cut=0.5")
    with caplog.at_level(logging.DEBUG), pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"{engine.base_url}/files/conversions/quiet-cut.wav", timeout=10)
    assert not [r for r in caplog.records if r.exc_info or "Exception in ASGI" in r.getMessage()]
