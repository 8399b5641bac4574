"""Request models for the six operations, with the services' own rules checked before sending.

Each request is a frozen dataclass. ``problems(duration=...)`` lists every rule it breaks (so a
form can mark all fields at once); ``check()`` raises :class:`InvalidRequestError` with them.
``form_fields()`` gives the exact MusicGPT multipart fields (numbers as strings, as the docs
send them); :meth:`AddVocalsRequest.json_body` gives the sunoapi.org JSON body.
``to_params()`` / :func:`request_from_params` round-trip a request through the job store.

Rules (docs unless noted): either a file or a URL; prompt required (not for Cover); lyrics at most
2000 characters; sing-over needs lyrics; gender male/female/neutral; inpaint region inside the
track with start < end; inpaint and extend ask for 1 or 2 outputs (``num_outputs``); extend starts
inside the track (``extend_after``) and takes the lyrics to add in ``lyrics_section_to_extend`` (at
most 3000); remix and sing-over take an optional ``title``; Cover pitch an integer in −12..12 and
a voice id; add vocals: title ≤ 80
(the rendered docs page; the .md copy says 100, we keep the stricter), style ≤ 1000 and negative
tags ≤ 200 (a client's limits), gender m/f, three weights 0–1 in steps of 0.01.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop_app.api.errors import FieldProblem, InvalidRequestError
from desktop_app.api.operations import Operation

MAX_LYRICS = 2000
MAX_SECTION_LYRICS = 3000  # lyrics_section_to_extend (docs); lyrics_section_to_replace is held to MAX_LYRICS
NUM_OUTPUTS = (1, 2)
DEFAULT_NUM_OUTPUTS = 2  # the compare view's two takes; the service's own default is 1
MAX_ADD_VOCALS_TITLE = 80
MAX_ADD_VOCALS_STYLE = 1000
MAX_ADD_VOCALS_NEGATIVE_TAGS = 200
MAX_ADD_VOCALS_PROMPT = 3000  # not documented; sunoapi answers 413 "prompt too long" beyond some size
PITCH_RANGE = (-12, 12)
GENDERS = ("male", "female", "neutral")
VOCAL_GENDERS = ("m", "f")
# The add-vocals ``model`` enum of sunoapi.org's OpenAPI (the service refuses anything else with code 400).
ADD_VOCALS_MODELS = ("V4_5PLUS", "V5")
DEFAULT_ADD_VOCALS_MODEL = "V4_5PLUS"
# sunoapi.org lists callBackUrl as required; the app always polls. With no webhook from the user we
# send an address under "example.invalid": ``.invalid`` is reserved never to resolve (RFC 6761 §6.4),
# so the callback (which carries the audio links) can reach nobody, and ``example`` says plainly that
# the address is a placeholder, not one the app owns. Whether an undeliverable callback makes the
# record say CALLBACK_EXCEPTION is unverified; a record that does and still holds audio is delivered.
NO_CALLBACK_URL = "https://callback.example.invalid/retake-polls"


def format_number(value: float) -> str:
    """Seconds as the docs write them in form fields: "12.5", "20", at most millisecond precision."""
    text = f"{float(value):.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@dataclass(frozen=True)
class _Base:
    audio_file: Path | None = None
    audio_url: str | None = None
    webhook_url: str | None = None

    operation = Operation.REMIX  # overridden

    def source_problems(self) -> list[FieldProblem]:
        out: list[FieldProblem] = []
        has_file, has_url = self.audio_file is not None, bool(self.audio_url and self.audio_url.strip())
        if has_file == has_url:
            out.append(FieldProblem("audio", "Choose either an audio file or an audio URL (one of them, not both)."))
        if self.audio_file is not None and not Path(self.audio_file).is_file():
            what = "is a folder, not an audio file" if Path(self.audio_file).is_dir() else "does not exist"
            out.append(FieldProblem("audio_file", f"The audio file “{Path(self.audio_file).name}” {what}."))
        if has_url and not _is_http_url(self.audio_url or ""):
            out.append(FieldProblem("audio_url", "The audio URL must start with https:// (or http://)."))
        if self.webhook_url and not _is_http_url(self.webhook_url):
            out.append(FieldProblem("webhook_url", "The webhook URL must start with https:// (or http://)."))
        return out

    def problems(self, duration: float | None = None) -> list[FieldProblem]:
        return self.source_problems()

    def check(self, duration: float | None = None) -> None:
        """Raise :class:`InvalidRequestError` listing every broken rule; ``duration`` is the track's length."""
        found = self.problems(duration)
        if found:
            raise InvalidRequestError(found)

    def to_params(self) -> dict[str, Any]:
        """JSON-safe parameters for the job store (no secrets live in a request)."""
        data = asdict(self)
        data["audio_file"] = str(self.audio_file) if self.audio_file is not None else None
        return data

    def _common_form(self) -> dict[str, str]:
        form: dict[str, str] = {}
        if self.audio_url:
            form["audio_url"] = self.audio_url.strip()
        if self.webhook_url:
            form["webhook_url"] = self.webhook_url.strip()
        return form


def _prompt_problems(prompt: str) -> list[FieldProblem]:
    return [] if prompt.strip() else [FieldProblem("prompt", "Describe how it should sound (the prompt is required).")]


def _lyrics_problems(lyrics: str | None, field: str = "lyrics", *, required: bool = False) -> list[FieldProblem]:
    if required and not (lyrics and lyrics.strip()):
        return [FieldProblem(field, "Lyrics are required for this operation.")]
    if lyrics and len(lyrics) > MAX_LYRICS:
        return [FieldProblem(field, f"Lyrics are {len(lyrics)} characters; the service takes at most {MAX_LYRICS}.")]
    return []


def _num_outputs_problems(value: int) -> list[FieldProblem]:
    if isinstance(value, bool) or value not in NUM_OUTPUTS:
        return [FieldProblem("num_outputs", "The number of takes is 1 or 2.")]
    return []


def _title_form(form: dict[str, str], title: str | None) -> None:
    if title and title.strip():
        form["title"] = title.strip()


def _gender_problems(gender: str | None) -> list[FieldProblem]:
    if gender is None or gender in GENDERS:
        return []
    return [FieldProblem("gender", f"Gender must be one of {', '.join(GENDERS)}.")]


@dataclass(frozen=True)
class InpaintRequest(_Base):
    prompt: str = ""
    replace_start_at: float = 0.0
    replace_end_at: float = 0.0
    lyrics: str | None = None
    lyrics_section_to_replace: str | None = None
    gender: str | None = None
    num_outputs: int = DEFAULT_NUM_OUTPUTS

    operation = Operation.INPAINT

    def problems(self, duration: float | None = None) -> list[FieldProblem]:
        out = self.source_problems() + _prompt_problems(self.prompt)
        start, end = self.replace_start_at, self.replace_end_at
        if not all(isinstance(t, int | float) and not isinstance(t, bool) and math.isfinite(t) for t in (start, end)):
            out.append(FieldProblem("region", "The region's start and end must be numbers of seconds."))
        else:
            if start < 0:
                out.append(FieldProblem("replace_start_at", "The region cannot start before the track."))
            if start >= end:
                out.append(FieldProblem("region", "The region must end after it starts."))
            if duration is not None and end > duration + 1e-6:
                out.append(
                    FieldProblem(
                        "replace_end_at", f"The region ends at {end:.2f} s, after the track ends ({duration:.2f} s)."
                    )
                )
        out += _lyrics_problems(self.lyrics)
        out += _lyrics_problems(self.lyrics_section_to_replace, "lyrics_section_to_replace")
        return out + _gender_problems(self.gender) + _num_outputs_problems(self.num_outputs)

    def form_fields(self) -> dict[str, str]:
        form = self._common_form()
        form["prompt"] = self.prompt.strip()
        form["replace_start_at"] = format_number(self.replace_start_at)
        form["replace_end_at"] = format_number(self.replace_end_at)
        if self.lyrics:
            form["lyrics"] = self.lyrics
        if self.lyrics_section_to_replace:
            form["lyrics_section_to_replace"] = self.lyrics_section_to_replace
        if self.gender:
            form["gender"] = self.gender
        form["num_outputs"] = str(int(self.num_outputs))
        return form


@dataclass(frozen=True)
class ExtendRequest(_Base):
    """Continue the song after ``extend_after`` seconds (the part before it is kept)."""

    prompt: str = ""
    extend_after: float = 0.0
    lyrics: str | None = None
    lyrics_section_to_extend: str | None = None
    gender: str | None = None
    num_outputs: int = DEFAULT_NUM_OUTPUTS

    operation = Operation.EXTEND

    def problems(self, duration: float | None = None) -> list[FieldProblem]:
        out = self.source_problems() + _prompt_problems(self.prompt)
        after = self.extend_after
        if isinstance(after, bool) or not isinstance(after, int | float) or not math.isfinite(after):
            out.append(FieldProblem("extend_after", "Where to extend from must be a number of seconds."))
        elif after <= 0:
            out.append(FieldProblem("extend_after", "Extend from a point after the start of the track."))
        elif duration is not None and after > duration + 1e-6:
            out.append(
                FieldProblem("extend_after", f"Extend from {after:.2f} s is after the track ends ({duration:.2f} s).")
            )
        out += _lyrics_problems(self.lyrics)
        section = self.lyrics_section_to_extend
        if section and len(section) > MAX_SECTION_LYRICS:
            out.append(
                FieldProblem(
                    "lyrics_section_to_extend",
                    f"The new lyrics are {len(section)} characters; the service takes at most {MAX_SECTION_LYRICS}.",
                )
            )
        return out + _gender_problems(self.gender) + _num_outputs_problems(self.num_outputs)

    def form_fields(self) -> dict[str, str]:
        form = self._common_form()
        form["prompt"] = self.prompt.strip()
        form["extend_after"] = format_number(self.extend_after)
        if self.lyrics:
            form["lyrics"] = self.lyrics
        if self.lyrics_section_to_extend:
            form["lyrics_section_to_extend"] = self.lyrics_section_to_extend
        if self.gender:
            form["gender"] = self.gender
        form["num_outputs"] = str(int(self.num_outputs))
        return form


@dataclass(frozen=True)
class RemixRequest(_Base):
    prompt: str = ""
    lyrics: str | None = None
    gender: str | None = None
    title: str | None = None

    operation = Operation.REMIX

    def problems(self, duration: float | None = None) -> list[FieldProblem]:
        return (
            self.source_problems()
            + _prompt_problems(self.prompt)
            + _lyrics_problems(self.lyrics)
            + _gender_problems(self.gender)
        )

    def form_fields(self) -> dict[str, str]:
        form = self._common_form()
        form["prompt"] = self.prompt.strip()
        if self.lyrics:
            form["lyrics"] = self.lyrics
        if self.gender:
            form["gender"] = self.gender
        _title_form(form, self.title)
        return form


@dataclass(frozen=True)
class SingOverRequest(_Base):
    prompt: str = ""
    lyrics: str = ""
    gender: str | None = None
    title: str | None = None

    operation = Operation.SING_OVER

    def problems(self, duration: float | None = None) -> list[FieldProblem]:
        return (
            self.source_problems()
            + _prompt_problems(self.prompt)
            + _lyrics_problems(self.lyrics, required=True)
            + _gender_problems(self.gender)
        )

    def form_fields(self) -> dict[str, str]:
        form = self._common_form()
        form["prompt"] = self.prompt.strip()
        form["lyrics"] = self.lyrics
        if self.gender:
            form["gender"] = self.gender
        _title_form(form, self.title)
        return form


@dataclass(frozen=True)
class CoverRequest(_Base):
    voice_id: str = ""
    pitch: int = 0

    operation = Operation.COVER

    def problems(self, duration: float | None = None) -> list[FieldProblem]:
        out = self.source_problems()
        if not self.voice_id.strip():
            out.append(FieldProblem("voice_id", "Pick a voice for the cover."))
        if isinstance(self.pitch, bool) or not isinstance(self.pitch, int):
            out.append(FieldProblem("pitch", "Pitch must be a whole number of semitones."))
        elif not PITCH_RANGE[0] <= self.pitch <= PITCH_RANGE[1]:
            out.append(FieldProblem("pitch", f"Pitch must be between {PITCH_RANGE[0]} and {PITCH_RANGE[1]} semitones."))
        return out

    def form_fields(self) -> dict[str, str]:
        form = self._common_form()
        form["voice_id"] = self.voice_id.strip()
        form["pitch"] = str(int(self.pitch))
        return form


_WEIGHT_LABELS = {"style_weight": "Style weight", "weirdness_constraint": "Weirdness", "audio_weight": "Audio weight"}


def _weight_problem(name: str, value: float | None) -> FieldProblem | None:
    if value is None:
        return None
    label = _WEIGHT_LABELS.get(name, name)  # the form's words, not the attribute's
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return FieldProblem(name, f"{label} must be a number between 0 and 1.")
    if not 0.0 <= value <= 1.0:
        return FieldProblem(name, f"{label} must be between 0 and 1 (it is {value:g}).")
    if abs(value * 100 - round(value * 100)) > 1e-6:
        return FieldProblem(name, f"{label} must be in steps of 0.01 (it is {value:g}).")
    return None


@dataclass(frozen=True)
class AddVocalsRequest(_Base):
    prompt: str = ""
    title: str = ""
    style: str = ""
    negative_tags: str = ""
    vocal_gender: str | None = None
    style_weight: float | None = None
    weirdness_constraint: float | None = None
    audio_weight: float | None = None
    model: str | None = None

    operation = Operation.ADD_VOCALS

    def problems(self, duration: float | None = None) -> list[FieldProblem]:
        out = self.source_problems() + _prompt_problems(self.prompt)
        if len(self.prompt) > MAX_ADD_VOCALS_PROMPT:
            out.append(FieldProblem("prompt", f"The prompt may be at most {MAX_ADD_VOCALS_PROMPT} characters."))
        for name, value, limit in (
            ("title", self.title, MAX_ADD_VOCALS_TITLE),
            ("style", self.style, MAX_ADD_VOCALS_STYLE),
            ("negative_tags", self.negative_tags, MAX_ADD_VOCALS_NEGATIVE_TAGS),
        ):
            label = name.replace("_", " ")
            verb = "are" if label.endswith("tags") else "is"  # "the negative tags are", "the title is"
            if not value.strip():
                out.append(FieldProblem(name, f"The {label} {verb} required for add vocals."))
            elif len(value) > limit:
                out.append(
                    FieldProblem(name, f"The {label} {verb} {len(value)} characters; at most {limit} are allowed.")
                )
        if self.vocal_gender is not None and self.vocal_gender not in VOCAL_GENDERS:
            out.append(FieldProblem("vocal_gender", "Vocal gender for add vocals is m (male) or f (female)."))
        for name in ("style_weight", "weirdness_constraint", "audio_weight"):
            problem = _weight_problem(name, getattr(self, name))
            if problem:
                out.append(problem)
        if self.model is not None and self.model not in ADD_VOCALS_MODELS:
            out.append(FieldProblem("model", f"Model must be one of {', '.join(ADD_VOCALS_MODELS)}."))
        return out

    def json_body(self, upload_url: str) -> dict[str, Any]:
        """The exact add-vocals JSON: camelCase keys, weights rounded to two decimals."""
        body: dict[str, Any] = {
            "uploadUrl": upload_url,
            "prompt": self.prompt.strip(),
            "title": self.title.strip(),
            "style": self.style.strip(),
            "negativeTags": self.negative_tags.strip(),
            "callBackUrl": (self.webhook_url or NO_CALLBACK_URL).strip(),
        }
        if self.vocal_gender:
            body["vocalGender"] = self.vocal_gender
        for name, key in (
            ("style_weight", "styleWeight"),
            ("weirdness_constraint", "weirdnessConstraint"),
            ("audio_weight", "audioWeight"),
        ):
            value = getattr(self, name)
            if value is not None:
                body[key] = round(float(value), 2)
        if self.model:  # none: the service's default, DEFAULT_ADD_VOCALS_MODEL
            body["model"] = self.model
        return body


ServiceRequest = InpaintRequest | RemixRequest | SingOverRequest | CoverRequest | AddVocalsRequest | ExtendRequest

REQUEST_TYPES: dict[Operation, type] = {
    Operation.INPAINT: InpaintRequest,
    Operation.REMIX: RemixRequest,
    Operation.SING_OVER: SingOverRequest,
    Operation.COVER: CoverRequest,
    Operation.ADD_VOCALS: AddVocalsRequest,
    Operation.EXTEND: ExtendRequest,
}


def request_from_params(operation: Operation | str, params: dict[str, Any]) -> ServiceRequest:
    """Rebuild a request from :meth:`to_params` output (unknown keys are ignored)."""
    cls = REQUEST_TYPES[Operation(operation)]
    known = {f.name for f in fields(cls)}
    values = {k: v for k, v in params.items() if k in known}
    if values.get("audio_file") is not None:
        values["audio_file"] = Path(values["audio_file"])
    return cls(**values)
