"""The engine dialog stores keys in the keyring, never in settings, and refuses plain http off this computer."""

from __future__ import annotations

from pathlib import Path

from desktop_app.api.keys import KeySource, KeyStore
from desktop_app.services.settings import Options, Settings
from desktop_app.ui.jobs.engine_dialog import EngineDialog


def _dialog(qtbot, tmp_path: Path) -> tuple[EngineDialog, Settings, KeyStore]:
    settings = Settings(str(tmp_path / "retake.ini"))
    keys = KeyStore(file_fallback=tmp_path / "keys.json")
    dialog = EngineDialog(settings, keys)
    qtbot.addWidget(dialog)
    return dialog, settings, keys


def test_musicgpt_key_goes_to_the_keyring_not_the_settings(qtbot, tmp_path) -> None:
    dialog, settings, keys = _dialog(qtbot, tmp_path)
    dialog.radios["musicgpt"].setChecked(True)
    dialog.key_edits["musicgpt"].setText("mg-secret-123")
    dialog.accept()
    assert settings.get(Options.engine) == "musicgpt"
    stored = keys.get("musicgpt")
    assert stored is not None and stored.value == "mg-secret-123" and stored.source is KeySource.KEYRING
    settings.sync()
    assert "mg-secret-123" not in Path(settings.file_name()).read_text()
    assert not (tmp_path / "keys.json").exists()


def test_plain_http_engine_off_this_computer_is_refused(qtbot, tmp_path) -> None:
    dialog, settings, _keys = _dialog(qtbot, tmp_path)
    dialog.radios["custom"].setChecked(True)
    dialog.custom_url.setText("http://music.example.com")
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog) and "https" in dialog.error.text()
    assert settings.get(Options.engine) == "local"
    dialog.custom_url.setText("http://127.0.0.1:8765")
    dialog.custom_key.setText("srv-key")
    dialog.accept()
    assert settings.get(Options.engine) == "http://127.0.0.1:8765"
    assert _keys.get("custom:http://127.0.0.1:8765").value == "srv-key"
