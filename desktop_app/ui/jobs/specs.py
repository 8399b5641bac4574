"""Which fields each operation's form shows, in the services' own terms."""

from __future__ import annotations

from desktop_app.api.models import ADD_VOCALS_MODELS, MAX_ADD_VOCALS_TITLE, MAX_LYRICS, Operation
from desktop_app.ui.jobs.fields import FieldSpec

GENDER = FieldSpec(
    "gender", "Voice", "choice", choices=(("Any", None), ("Male", "male"), ("Female", "female"), ("Neutral", "neutral"))
)
LYRICS = FieldSpec("lyrics", "Full lyrics", "text", "The whole song's lyrics (optional)", limit=MAX_LYRICS)
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
        WEBHOOK,
    ),
    Operation.REMIX: (
        FieldSpec("prompt", "Remix prompt", "line", "e.g. lo-fi with chill beats", required=True),
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
        FieldSpec("model", "Model", "choice", choices=(("Default", None), *((m, m) for m in ADD_VOCALS_MODELS))),
        WEBHOOK,
    ),
}

OPERATION_ORDER = (Operation.INPAINT, Operation.REMIX, Operation.SING_OVER, Operation.COVER, Operation.ADD_VOCALS)
SUBMIT_LABELS = {
    Operation.INPAINT: "Redo the selection",
    Operation.REMIX: "Remix the track",
    Operation.SING_OVER: "Sing over the track",
    Operation.COVER: "Make the cover",
    Operation.ADD_VOCALS: "Add vocals",
}
