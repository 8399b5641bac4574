"""Which fields each operation's form shows, in the services' own terms."""

from __future__ import annotations

from desktop_app.api.models import (
    ADD_VOCALS_MODELS,
    DEFAULT_ADD_VOCALS_MODEL,
    MAX_ADD_VOCALS_TITLE,
    MAX_LYRICS,
    MAX_SECTION_LYRICS,
)
from desktop_app.api.operations import Operation
from desktop_app.ui.jobs.fields import FieldSpec

GENDER = FieldSpec(
    "gender", "Voice", "choice", choices=(("Any", None), ("Male", "male"), ("Female", "female"), ("Neutral", "neutral"))
)
LYRICS = FieldSpec("lyrics", "Full lyrics", "text", "The whole song's lyrics (optional)", limit=MAX_LYRICS)
# Each take is paid for: the producer chooses one or two (the compare view wants two).
TAKES = FieldSpec("num_outputs", "Takes (each is charged)", "choice", choices=(("2 takes", 2), ("1 take", 1)))
TITLE = FieldSpec("title", "Title", "line", "Name of the new track (optional)")
WEBHOOK = FieldSpec(
    "webhook_url", "Webhook URL (advanced)", "line", "https://… (optional; Retake polls anyway)", advanced=True
)

FIELDS: dict[Operation, tuple[FieldSpec, ...]] = {
    Operation.INPAINT: (
        FieldSpec("prompt", "How should the selection sound?", "line", "e.g. a soft guitar solo", required=True),
        FieldSpec(
            "lyrics_section_to_replace",
            "Lyrics for the selection",
            "text",
            "The new words sung in the selected bars (optional)",
            limit=MAX_LYRICS,
        ),
        LYRICS,
        GENDER,
        TAKES,
        WEBHOOK,
    ),
    Operation.EXTEND: (
        FieldSpec("prompt", "How should the song go on?", "line", "e.g. a big final chorus", required=True),
        FieldSpec(
            "lyrics_section_to_extend",
            "Lyrics for the new part",
            "text",
            "The words sung after the extension point (optional)",
            limit=MAX_SECTION_LYRICS,
        ),
        LYRICS,
        GENDER,
        TAKES,
        WEBHOOK,
    ),
    Operation.REMIX: (
        FieldSpec("prompt", "Remix prompt", "line", "e.g. lo-fi with chill beats", required=True),
        TITLE,
        LYRICS,
        GENDER,
        WEBHOOK,
    ),
    Operation.SING_OVER: (
        FieldSpec("prompt", "Singing style", "line", "e.g. soulful, like a torch song", required=True),
        FieldSpec(
            "lyrics",
            "Lyrics to sing",
            "text",
            "The words to sing over the instrumental",
            limit=MAX_LYRICS,
            required=True,
        ),
        TITLE,
        GENDER,
        WEBHOOK,
    ),
    Operation.COVER: (
        FieldSpec("pitch", "Pitch (semitones)", "int", minimum=-12, maximum=12),
        WEBHOOK,
    ),
    Operation.ADD_VOCALS: (
        FieldSpec("prompt", "Vocal content and style", "text", "Lyrics or a description of the vocals", required=True),
        FieldSpec("title", "Title", "line", "Name of the new track", limit=MAX_ADD_VOCALS_TITLE, required=True),
        FieldSpec("style", "Style", "line", "e.g. Jazz, Pop", required=True),
        FieldSpec("negative_tags", "Avoid", "line", "Styles or traits to exclude", required=True),
        FieldSpec(
            "vocal_gender", "Vocal gender", "choice", choices=(("Any", None), ("Male (m)", "m"), ("Female (f)", "f"))
        ),
        FieldSpec("style_weight", "Style weight", "weight"),
        FieldSpec("weirdness_constraint", "Weirdness", "weight"),
        FieldSpec("audio_weight", "Audio weight", "weight"),
        FieldSpec(
            "model",
            "Model",
            "choice",
            choices=((f"Default ({DEFAULT_ADD_VOCALS_MODEL})", None), *((m, m) for m in ADD_VOCALS_MODELS)),
        ),
        WEBHOOK,
    ),
}

OPERATION_ORDER = (
    Operation.INPAINT,
    Operation.EXTEND,
    Operation.REMIX,
    Operation.SING_OVER,
    Operation.COVER,
    Operation.ADD_VOCALS,
)
SUBMIT_LABELS = {
    Operation.INPAINT: "Redo the selection",
    Operation.REMIX: "Remix the track",
    Operation.SING_OVER: "Sing over the track",
    Operation.COVER: "Make the cover",
    Operation.ADD_VOCALS: "Add vocals",
    Operation.EXTEND: "Extend from here",
}


def extend_point(region_bounds: tuple[float, float] | None) -> float | None:
    """Where an extension starts: the end of the selection (None without one)."""
    return round(region_bounds[1], 3) if region_bounds else None
