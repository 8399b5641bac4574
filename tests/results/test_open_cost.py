"""Opening a song costs what showing it costs: no loudness or true peak until takes are compared."""

from __future__ import annotations

import numpy as np
import soundfile as sf

RATE = 8000


def test_opening_a_long_song_starts_no_loudness_work(qtbot, tmp_path, monkeypatch) -> None:
    """The window opens a 20-minute song: decode, pyramid, tempo, and no loudness or true peak at all."""
    from desktop_app.audio import compare, loudness
    from desktop_app.services.settings import Settings
    from desktop_app.ui.main_window import MainWindow

    calls: list[str] = []
    for module, names in (
        (loudness, ("integrated_lufs", "true_peak_dbtp", "measure")),
        (compare, ("span_loudness", "region_loudness", "integrated_lufs", "true_peak_dbtp", "measure")),
    ):
        for name in names:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, lambda *a, _n=name, **k: calls.append(_n))
    song = tmp_path / "long.wav"
    sf.write(song, np.zeros((RATE * 60 * 20, 2), np.float32), RATE, subtype="PCM_16")
    window = MainWindow(settings=Settings(str(tmp_path / "retake.ini")))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.document.tempo_estimated, timeout=30000):
        window.open_file(song)
    window.results.comparison._worker.shutdown(wait=True)
    assert calls == []
    assert window.results.comparison.lanes[0].samples is window.document.clip.samples  # shared, not copied
    window.close()


def test_the_window_loads_no_measuring_code_until_takes_arrive() -> None:
    """scipy.signal (seconds to import on a busy machine) is loaded by the first comparison, not at start."""
    import subprocess
    import sys

    code = (
        "import sys; import desktop_app.ui.results.feature, desktop_app.ui.main_window; "
        "print('scipy.signal' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr
