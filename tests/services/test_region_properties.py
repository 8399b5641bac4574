"""Property-based tests of the selection (a Qt service: its undo stack is a ``QUndoStack``): a selection is
inside the song and at least the minimum length or it is refused unchanged; moving keeps its length.

Moved from tests/reliability/test_properties.py so that ``pytest -m core`` never imports Qt.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from desktop_app.services.region import MIN_LENGTH_S, Region

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------------------------- selection

SECONDS = st.floats(allow_nan=True, allow_infinity=True) | st.floats(-5, 70)


@pytest.fixture(scope="module")
def region():
    return Region(QUndoStack())


@PROPERTY
@given(duration=st.floats(0.0, 3600.0), start=SECONDS, end=SECONDS)
def test_a_selection_is_inside_the_song_or_refused_unchanged(region, duration, start, end) -> None:
    region.reset(duration)
    region.set_range(0.0, min(duration, 1.0)) if duration >= 1.0 else None
    before = region.bounds()
    error = region.set_range(start, end)
    if error is None:
        assert region.bounds() == (start, end)
        assert math.isfinite(start) and math.isfinite(end)
        assert 0 <= start < end <= duration + 1e-9 and end - start >= MIN_LENGTH_S - 1e-9
        region.undo_stack.undo()
        assert region.bounds() == before or before == (start, end)
    else:
        assert (isinstance(error, str) and error.endswith(")")) or error.endswith(".")
        assert region.bounds() == before


@PROPERTY
@given(duration=st.floats(1.0, 3600.0), length=st.floats(0.1, 1.0), to=SECONDS)
def test_moving_keeps_the_length_and_stays_inside(region, duration, length, to) -> None:
    region.reset(duration)
    assert region.set_range(0.0, length) is None
    if region.move_to(to) is None:
        start, end = region.bounds()
        assert math.isfinite(start) and start >= 0 and end <= duration + 1e-9
        assert end - start == pytest.approx(length, abs=1e-9)
    else:
        assert region.bounds() == (0.0, length)
