"""Where a comparison measures the original: region, extend point or whole song, with the roll a loop plays."""

from desktop_app.audio.extension import reference_span
from desktop_app.services.measured_span import MeasuredSpan

RATE = 1000


def span(region=None, extend_after=None, context=(2.0, 1.0), frames=60 * RATE) -> MeasuredSpan:
    return MeasuredSpan(frames, RATE, region, extend_after, context)


def test_a_region_is_measured_in_its_frames_and_heard_with_its_roll():
    s = span(region=(6.0, 10.0))
    assert s.region_frames() == (6000, 10000)
    assert s.heard_frames() == (4000, 11000)
    assert s.words() == "over the region 0:06.0–0:10.0 (true peak with 2 s / 1 s around it)"


def test_the_roll_stops_at_the_song_edges_and_a_region_past_the_end_keeps_a_frame():
    assert span(region=(0.5, 59.8)).heard_frames() == (0, 60000)
    assert span(region=(70.0, 80.0)).region_frames() == (59999, 60000)


def test_a_whole_track_job_is_measured_over_the_whole_song_without_roll():
    s = span()
    assert s.region_frames() == s.heard_frames() == (0, 60000)
    assert s.words() == "over the whole song"


def test_an_extend_job_is_measured_before_its_point_kept_inside_the_song():
    s = span(extend_after=75.0)
    assert s.extend_frame() == 60000
    assert s.region_frames() == reference_span(60000, RATE)
    lo, _ = s.region_frames()
    assert s.words().startswith(f"over the {(60000 - lo) / RATE:.1f} s before 1:00.0, where the takes go on")
    assert span(extend_after=75.0, frames=0).extend_frame() is None
