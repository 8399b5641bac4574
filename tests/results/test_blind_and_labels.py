"""What the lanes say is true: blind mode gives nothing away, whole-track takes make no region claims."""

from __future__ import annotations

import re

import numpy as np

from desktop_app.services.comparison import TakeSource
from desktop_app.services.settings import Options, Settings
from tests.support import WAIT_MS

# Anything that tells takes apart: loudness, true peak, offsets, gains, engine or job names, take numbers.
TELLS = re.compile(r"LUFS|dBTP|offset|matched|Local engine|Inpaint|take \d|Take \d|dB")


def _lane_texts(widget) -> str:
    return " ".join([widget.name.text(), widget.figures.text(), widget.figures.toolTip()])


def test_blind_mode_hides_every_figure_and_draws_each_takes_own_waveform(results_window, qtbot) -> None:
    results = results_window.results
    panel, comparison = results.panel, results.comparison
    panel.blind_box.setChecked(True)
    shown = comparison.shown_lanes()
    widgets = [panel.lane_widgets[lane.key] for lane in shown]
    # Lanes in the layout in display order, top to bottom: the picture under "Take A" is Take A's.
    qtbot.waitUntil(lambda: [w.y() for w in widgets] == sorted(w.y() for w in widgets), timeout=5000)
    for letter, lane, widget in zip("AB", shown[1:], widgets[1:], strict=True):
        assert widget.lane is lane and widget.view.pyramid is lane.peaks
        assert lane.peaks.samples is lane.samples  # the pyramid summarises this very take
        assert f"Take {letter}" in widget.name.text()
        assert not TELLS.search(_lane_texts(widget).replace(f"Take {letter}", "")), _lane_texts(widget)
    assert not TELLS.search(panel.title.text()), panel.title.text()
    # Rating every take reveals them; the order stays as it was.
    order = [lane.key for lane in comparison.shown_lanes()]
    for widget in widgets[1:]:
        widget.rating_buttons["keep"].click()
    assert [lane.key for lane in comparison.shown_lanes()] == order
    assert all("Inpaint · take" in w.name.text() and "LUFS" in w.figures.text() for w in widgets[1:])


def test_whole_track_takes_make_no_region_claims(results_window, finished_job, qtbot) -> None:
    store, _job_id, song, _original = finished_job
    results = results_window.results
    job = store.create_job("remix", "local", {"prompt": "as a bossa nova"}, out_dir=song.parent, input_path=song)
    for take in store.takes(_job_id):
        store.add_take(job.id, take)
    from desktop_app.jobs.states import JobState

    store.update(job.id, state=JobState.DONE, task_id="remix-1")
    assert results.show_job(job.id)
    comparison = results.comparison
    qtbot.waitUntil(
        lambda: (
            {lane.job_id for lane in comparison.lanes[1:]} == {job.id}
            and all(lane.figures is not None for lane in comparison.lanes[1:])
        ),
        timeout=WAIT_MS,
    )
    for lane in comparison.lanes[1:]:
        widget = results.panel.lane_widgets[lane.key]
        text = _lane_texts(widget)
        assert "Remix · take" in text
        for claim in ("not aligned", "outside", "region", "offset"):
            assert claim not in widget.figures.text(), text
        assert widget.view.region is None  # no region drawn on a take that has none
    original = results.panel.lane_widgets[comparison.lanes[0].key]
    assert "over the whole song" in original.figures.text()
    assert "Remix" in results.panel.title.text()


def test_the_difference_strip_ends_with_the_song(results_window) -> None:
    results = results_window.results
    strip = results.panel.lane_widgets[results.comparison.lanes[1].key].strip
    timeline = results_window.editor.timeline
    timeline.set_width(400)
    timeline.zoom(0.5)  # zoomed out past the song: the view is wider than the audio
    columns = strip.column_levels(400)
    end_x = int(timeline.time_to_x(timeline.duration)) + 1
    assert np.isnan(columns[end_x + 1 :]).all() and not np.isnan(columns[: end_x - 1]).any()
    assert "green" in strip.toolTip() and "amber" in strip.toolTip() and "red" in strip.toolTip()


def test_results_options_round_trip_through_the_settings(results_window, tmp_path) -> None:
    panel = results_window.results.panel
    settings: Settings = results_window.settings
    panel.crossfade.setValue(35)
    panel.match_box.setChecked(False)
    panel.pre_roll.setValue(3.5)
    panel.post_roll.setValue(1.0)
    assert settings.get(Options.crossfade_ms) == 35.0
    assert settings.get(Options.loudness_match) is False
    assert (settings.get(Options.preroll_s), settings.get(Options.postroll_s)) == (3.5, 1.0)
    assert results_window.results.comparison.context_s == (3.5, 1.0)
    settings.sync()
    again = Settings(settings.file_name())
    assert again.get(Options.crossfade_ms) == 35.0 and again.get(Options.loudness_match) is False
    from desktop_app.services.comparison import Comparison
    from desktop_app.ui.results.results_panel import ResultsPanel

    fresh = ResultsPanel(Comparison(), results_window.editor.timeline, results_window.document.region, again)
    assert fresh.crossfade.value() == 35 and not fresh.match_box.isChecked()
    assert (fresh.pre_roll.value(), fresh.post_roll.value()) == (3.5, 1.0)
    assert not fresh.comparison.loudness_match
    fresh.deleteLater()


def test_heading_names_what_the_lanes_show_while_preparing(results_window, finished_job) -> None:
    results = results_window.results
    comparison = results.comparison
    _store, _job_id, _song, original = finished_job
    comparison.set_original(original, 44100)
    assert "No takes yet" in results.panel.title.text()
    take = comparison.lanes[0]
    comparison.add_takes(
        [TakeSource("jobX", 1, results.job.input_path, "Engine", operation="cover", title="Cover: jazz")]
    )
    assert comparison.lanes[1].status == "preparing"
    assert "Cover: jazz" in results.panel.title.text() and "preparing 1 take" in results.panel.title.text()
    assert take is comparison.lanes[0]


def test_the_difference_strip_takes_each_columns_loudest_block(results_window) -> None:
    from desktop_app.audio.difference import BLOCK_S

    results = results_window.results
    strip = results.panel.lane_widgets[results.comparison.lanes[1].key].strip
    timeline = results_window.editor.timeline
    rng = np.random.default_rng(4)
    for width, zoom in ((400, 0.5), (1300, 1.0), (900, 7.0)):
        timeline.set_width(width)
        timeline.zoom(zoom)
        strip.levels = rng.uniform(-90, 0, size=len(strip.levels))
        x_times = np.linspace(timeline.x_to_time(0), timeline.x_to_time(width), width + 1) / BLOCK_S
        expected = np.full(width, np.nan)
        for x in range(width):  # the plain reading of "the loudest block under the column"
            lo = int(np.clip(np.floor(x_times[x]), 0, len(strip.levels)))
            hi = int(np.clip(np.ceil(x_times[x + 1]), 0, len(strip.levels)))
            if hi > lo:
                expected[x] = strip.levels[lo:hi].max()
        assert np.array_equal(strip.column_levels(width), expected, equal_nan=True)
