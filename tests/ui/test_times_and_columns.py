"""One time format everywhere, and the ruler's labels inside the view."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtGui import QFontMetrics

from desktop_app.services.jobs_model import job_title


@pytest.mark.parametrize("width", [1000, 1024, 1100, 1333])
def test_ruler_labels_stay_inside_the_view(window, qtbot, width) -> None:
    window.resize(width + 300, 760)
    ruler = window.editor.ruler
    for zoom in (None, (3.0, 9.0), (0.0, 23.9), (10.0, 10.4)):
        if zoom is None:
            window.editor.zoom_fit()
        else:
            window.editor.timeline.zoom_to(*zoom, margin=0.0)
        labels = ruler.time_labels()
        assert labels, zoom
        metrics = QFontMetrics(ruler.label_font())
        for x, text in labels:
            assert x >= 0 and x + metrics.horizontalAdvance(text) <= ruler.width(), (zoom, x, text, ruler.width())
        lefts = [x for x, _t in labels]
        assert lefts == sorted(lefts)


def test_the_queue_names_an_inpaint_region_in_the_editors_format() -> None:
    job = SimpleNamespace(
        operation="inpaint", params={"prompt": "brighter", "replace_start_at": 107.5, "replace_end_at": 113.5}
    )
    assert job_title(job) == "Inpaint 1:47.500–1:53.500: brighter"


def test_history_shows_date_and_time_whole(window) -> None:
    from PySide6.QtWidgets import QHeaderView

    header = window.results.history.table.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.ResizeToContents
