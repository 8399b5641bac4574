"""Remix chains follow the prompt, cover shifts pitch, the guide vocal sings the lyrics in the right register."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from desktop_app.audio.loudness import integrated_lufs
from desktop_app.engine import voices
from desktop_app.engine.dsp import cover, remix, vocals
from desktop_app.engine.dsp.features import describe
from desktop_app.engine.faults import FaultPlan
from tests.support.audio_files import tone
from tests.support.engine_songs import RATE, make_song


@pytest.fixture(scope="module")
def clip():
    samples, _ = make_song((("verse", 4), ("chorus", 4)))
    return samples


@pytest.mark.parametrize(
    ("prompt", "styles"),
    [
        ("Make it sound like Lo-fi with chill beats", ["lo-fi"]),
        ("slowed + reverb", ["slowed + reverb"]),
        ("sped up nightcore", ["sped up"]),
        ("8-bit chiptune", ["8-bit"]),
        ("old radio", ["radio"]),
        ("underwater", ["underwater"]),
        ("dusty vinyl", ["vinyl"]),
        ("make it epic", ["polish"]),
        ("slowed lofi", ["lo-fi", "slowed + reverb"]),
    ],
)
def test_prompt_words_choose_the_chain(prompt, styles):
    assert [s.name for s in remix.styles_for(prompt)] == styles


@pytest.mark.parametrize("prompt", ["lo-fi", "8-bit", "radio", "underwater", "vinyl", "something else"])
def test_remix_takes_differ_and_keep_the_input_loudness(clip, prompt):
    takes, details = remix.remix(clip, RATE, prompt)
    target = integrated_lufs(clip, RATE)
    assert not np.allclose(takes[0], takes[1], atol=1e-3)
    assert not np.allclose(takes[0], clip, atol=1e-3)
    for take in takes:
        assert take.shape == clip.shape and np.abs(take).max() <= 1.0
        assert integrated_lufs(take, RATE) == pytest.approx(target, abs=1.0)
    assert details[0]["variant"] == "A" and details[1]["variant"] == "B"


def test_slowed_is_longer_and_sped_up_is_shorter(clip):
    slowed, _ = remix.remix(clip, RATE, "slowed")
    sped, _ = remix.remix(clip, RATE, "sped up")
    assert all(t.shape[0] > clip.shape[0] * 1.15 for t in slowed)
    assert all(t.shape[0] < clip.shape[0] * 0.85 for t in sped)


def _peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples[:, 0] * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / RATE)[np.argmax(spectrum)])


def test_cover_shifts_pitch_by_semitones():
    source = tone(RATE * 2, 2, RATE, freq=440.0)
    take, detail = cover.cover(source, RATE, voices.find("local-warm-tenor"), 3)
    assert take.shape == source.shape and detail["pitch"] == 3
    assert _peak_hz(take[RATE // 2 : -RATE // 2]) == pytest.approx(440 * 2 ** (3 / 12), rel=0.02)


def test_each_voice_colours_differently(clip):
    first, _ = cover.cover(clip, RATE, voices.VOICES[0], 0)
    second, _ = cover.cover(clip, RATE, voices.VOICES[1], 0)
    assert not np.allclose(first, second, atol=1e-3)


def test_syllables_and_lines():
    assert vocals.syllables("beautiful") == ["beau", "ti", "ful"]
    assert vocals.lyric_lines("[Chorus]\nla la\n\n(ooh)\nhey") == ["la la", "hey"]


def test_guide_vocal_sings_every_line_in_order_and_in_register(clip):
    lyrics = "[Verse]\nNever mind I'll find someone like you\nI wish nothing but the best"
    features = describe(clip, RATE)
    duration = clip.shape[0] / RATE
    male = vocals.plan_notes(lyrics, features, duration, "male", 0)
    female = vocals.plan_notes(lyrics, features, duration, "female", 0)
    assert np.mean([n.midi for n in female]) - np.mean([n.midi for n in male]) >= 7
    takes, details = vocals.sing_over(clip, RATE, lyrics, "female")
    lines = details[0]["lines"]
    assert [line["text"] for line in lines] == vocals.lyric_lines(lyrics)
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(lines))
    assert not np.allclose(takes[0], takes[1], atol=1e-3)


def test_fault_counts_are_consumed_per_call():
    plan = FaultPlan("byid:500x2; byid:slow=0.1")
    first, second, third = (plan.for_call("byid") for _ in range(3))
    assert first.status.status == 500 and first.delay == pytest.approx(0.1)
    assert second.status.status == 500 and second.delay == 0
    assert third.status is None
