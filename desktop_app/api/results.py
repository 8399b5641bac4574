"""Read the services' answers into plain objects; anything unreadable is a MalformedResponseError.

MusicGPT submits: two-output ``{task_id, conversion_id_1, conversion_id_2, eta, credit_estimate}``
or single-output ``{task_id, conversion_id, eta}``. ``conversion_id_2 ==
"single_song_generation_request"`` means no second output (seen with ``num_outputs=1``).

MusicGPT ``byId``: ``{"success", "conversion": {...}}``. Two-output jobs return one object holding
both versions; each tracked id is matched to ``conversion_id_1``/``_2`` and the same suffix is read
(``conversion_path_N`` MP3, ``conversion_path_wav_N`` WAV, ``title_N``, ``lyrics_N``,
``lyrics_timestamped_N`` – a JSON string of ``[{index, text, start, end}]`` in ms –,
``conversion_duration_N``). Single-output answers (Cover) use ``audio_url`` then ``conversion_path``
/ ``conversion_path_wav`` (and the webhook's ``audio_url_wav``). The generic documented shape (one
``conversion_id`` + ``audio_url``) is accepted for two-output jobs too, for the id it names.
Success only on ``COMPLETED`` with a usable URL per take; ``ERROR``/``FAILED`` are terminal; any other
status (IN_QUEUE, PENDING, PROCESSING, IN_PROGRESS, PARTIAL_COMPLETED, ...) means keep polling.

sunoapi.org: envelope ``{code, msg, data}``; ``record-info`` ``data.status`` (SUCCESS terminal once
every track has its audio, *_FAILED / SENSITIVE_WORD_ERROR failed, CALLBACK_EXCEPTION failed only
when no audio came with it), tracks in ``data.response.sunoData[]``
with ``audioUrl`` (camelCase; snake_case and ``source*`` variants accepted).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from desktop_app.api.errors import MUSICGPT, SUNOAPI, MalformedResponseError, ServiceValidationError

NO_SECOND_OUTPUT = "single_song_generation_request"
PLACEHOLDER_URLS = frozenset({"https://lalals.s3.amazonaws.com", "https://lalals.s3.amazonaws.com/"})
MUSICGPT_FAILED = frozenset({"ERROR", "FAILED"})
SUNO_FAILED = frozenset({"CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED", "SENSITIVE_WORD_ERROR", "CALLBACK_EXCEPTION"})


class Progress(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class SubmitReceipt:
    task_id: str
    conversion_ids: tuple[str, ...]
    eta_seconds: float | None = None
    credit_estimate: float | None = None
    message: str | None = None


@dataclass(frozen=True)
class LyricLine:
    index: int
    text: str
    start: float  # seconds
    end: float


@dataclass(frozen=True)
class TakeResult:
    """One output of a finished job, before download."""

    conversion_id: str
    index: int  # 1-based, as the service numbers them
    mp3_url: str | None = None
    wav_url: str | None = None
    title: str | None = None
    lyrics: str | None = None
    lyrics_timestamped: tuple[LyricLine, ...] | None = None
    duration: float | None = None
    image_url: str | None = None

    @property
    def best_url(self) -> str | None:
        """WAV when offered (lossless for splicing), else MP3."""
        return self.wav_url or self.mp3_url


@dataclass(frozen=True)
class JobStatus:
    progress: Progress
    raw_status: str
    message: str | None = None
    takes: tuple[TakeResult, ...] = ()
    cost: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def _bad(service: str, what: str) -> MalformedResponseError:
    return MalformedResponseError(f"{service} sent an answer Retake cannot read ({what}).", service=service)


def _object(payload: Any, service: str, what: str) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise _bad(service, f"{what} is not a JSON object")
    return payload


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _number(value: Any) -> float | None:
    """Numbers arrive as numbers or strings ("0.88"); anything else is treated as missing."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a JSON integer of 400 digits
        return None
    return number if math.isfinite(number) else None


def _url(value: Any) -> str | None:
    text = _text(value)
    if not text or text in PLACEHOLDER_URLS or not text.lower().startswith(("https://", "http://")):
        return None
    return text


def parse_timestamped_lyrics(value: Any) -> tuple[LyricLine, ...] | None:
    """``lyrics_timestamped`` (a JSON string, or already a list) in seconds; None when absent or unreadable."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    if not isinstance(value, list):
        return None
    lines: list[LyricLine] = []
    for position, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        start, end = _number(item.get("start")), _number(item.get("end"))
        text = item.get("text")
        if start is None or not isinstance(text, str):
            continue
        index = item.get("index")
        lines.append(
            LyricLine(
                index=index if isinstance(index, int) and not isinstance(index, bool) else position,
                text=text,
                start=start / 1000.0,
                end=(end if end is not None else start) / 1000.0,
            )
        )
    return tuple(lines)


# --------------------------------------------------------------------------------------------- MusicGPT


def parse_musicgpt_submit(payload: Any) -> SubmitReceipt:
    data = _object(payload, MUSICGPT, "the submit answer")
    if data.get("success") is False:
        # An answer that says no: the service did not take the job (status 200 marks it as answered).
        said = _text(data.get("message")) or _text(data.get("detail")) or "no reason given"
        raise ServiceValidationError(f"{MUSICGPT} refused the request. The service said: “{said}”.", status=200,
                                     service=MUSICGPT, detail=said)  # fmt: skip
    task_id = _text(data.get("task_id"))
    ids = [_text(data.get("conversion_id_1")), _text(data.get("conversion_id_2"))]
    ids = [i for i in ids if i and i != NO_SECOND_OUTPUT]
    if not ids and _text(data.get("conversion_id")):
        ids = [_text(data["conversion_id"])]
    if not task_id or not ids:
        raise _bad(MUSICGPT, "no task_id or conversion id in the submit answer")
    return SubmitReceipt(
        task_id=task_id,
        conversion_ids=tuple(ids),  # type: ignore[arg-type]
        eta_seconds=_number(data.get("eta")),
        credit_estimate=_number(data.get("credit_estimate")),
        message=_text(data.get("message")),
    )


def _musicgpt_take(conv: dict[str, Any], conversion_id: str, position: int) -> TakeResult:
    """The take for ``conversion_id``: the ``_N`` fields whose conversion_id_N matches, else the plain ones."""
    for n in (1, 2):
        if _text(conv.get(f"conversion_id_{n}")) == conversion_id:
            return TakeResult(
                conversion_id=conversion_id,
                index=n,
                mp3_url=_url(conv.get(f"conversion_path_{n}")),
                wav_url=_url(conv.get(f"conversion_path_wav_{n}")),
                title=_text(conv.get(f"title_{n}")) or _text(conv.get("title")),
                lyrics=_text(conv.get(f"lyrics_{n}")),
                lyrics_timestamped=parse_timestamped_lyrics(conv.get(f"lyrics_timestamped_{n}")),
                duration=_number(conv.get(f"conversion_duration_{n}")),
                image_url=_url(conv.get("album_cover_path")),
            )
    own_id = _text(conv.get("conversion_id"))
    if own_id is not None and own_id != conversion_id:
        return TakeResult(conversion_id=conversion_id, index=position)  # this answer is about another take
    return TakeResult(
        conversion_id=conversion_id,
        index=position,
        mp3_url=_url(conv.get("audio_url")) or _url(conv.get("conversion_path")),
        wav_url=_url(conv.get("conversion_path_wav")) or _url(conv.get("audio_url_wav")),
        title=_text(conv.get("title")),
        lyrics=_text(conv.get("lyrics")),
        lyrics_timestamped=parse_timestamped_lyrics(conv.get("lyrics_timestamped")),
        duration=_number(conv.get("conversion_duration")),
        image_url=_url(conv.get("album_cover_path")),
    )


def parse_musicgpt_status(payload: Any, conversion_ids: tuple[str, ...]) -> JobStatus:
    """A ``byId`` answer for the job whose tracked ids are ``conversion_ids`` (in submit order)."""
    data = _object(payload, MUSICGPT, "the status answer")
    if data.get("success") is False and not isinstance(data.get("conversion"), dict):
        raise _bad(MUSICGPT, f"status refused: {_text(data.get('message')) or 'no reason given'}")
    conv = _object(data.get("conversion"), MUSICGPT, "“conversion”")
    status = _text(conv.get("status"))
    if not status:
        raise _bad(MUSICGPT, "no status in the status answer")
    status = status.upper()
    message = _text(conv.get("status_msg")) or _text(conv.get("message")) or _text(conv.get("reason"))
    cost = _number(conv.get("conversion_cost"))
    if status in MUSICGPT_FAILED:
        return JobStatus(Progress.FAILED, status, message, cost=cost)
    takes = tuple(_musicgpt_take(conv, cid, pos) for pos, cid in enumerate(conversion_ids, start=1))
    if status == "COMPLETED" and takes and all(t.best_url for t in takes):
        return JobStatus(Progress.COMPLETED, status, message, takes, cost)
    return JobStatus(Progress.PENDING, status, message, takes, cost)


def parse_voices(payload: Any) -> tuple[list[dict[str, Any]], int | None]:
    """``getAllVoices`` / ``searchVoices``: the voice items (with a ``voice_id``) and ``total``."""
    data = _object(payload, MUSICGPT, "the voice list")
    voices = data.get("voices")
    if not isinstance(voices, list):
        raise _bad(MUSICGPT, "no voice list")
    items = []
    for item in voices:
        if isinstance(item, dict) and _text(item.get("voice_id")):
            items.append(
                {
                    "voice_id": _text(item.get("voice_id")),
                    "voice_name": _text(item.get("voice_name")) or _text(item.get("voice_id")),
                    "tts_only": bool(item.get("tts_only", False)),
                }
            )
    total = data.get("total")
    return items, total if isinstance(total, int) and not isinstance(total, bool) else None


# ------------------------------------------------------------------------------------------ sunoapi.org


def suno_envelope(payload: Any) -> tuple[int, str | None, Any]:
    """``(code, msg, data)`` of a sunoapi.org answer."""
    data = _object(payload, SUNOAPI, "the answer")
    code = data.get("code")
    if isinstance(code, str) and code.isascii() and code.isdigit():  # "²" is a digit to isdigit(), not to int()
        code = int(code)
    if not isinstance(code, int) or isinstance(code, bool):
        raise _bad(SUNOAPI, "no “code” in the answer")
    return code, _text(data.get("msg")), data.get("data")


def parse_suno_upload(data: Any) -> str:
    body = _object(data, SUNOAPI, "the upload answer")
    url = _url(body.get("downloadUrl")) or _url(body.get("fileUrl"))
    if not url:
        raise _bad(SUNOAPI, "no downloadUrl in the upload answer")
    return url


def parse_suno_submit(data: Any) -> SubmitReceipt:
    body = _object(data, SUNOAPI, "the add-vocals answer")
    task_id = _text(body.get("taskId")) or _text(body.get("task_id"))
    if not task_id:
        raise _bad(SUNOAPI, "no taskId in the add-vocals answer")
    return SubmitReceipt(task_id=task_id, conversion_ids=())


def _suno_take(item: dict[str, Any], position: int) -> TakeResult:
    def first(*keys: str) -> Any:
        for key in keys:
            if item.get(key) not in (None, ""):
                return item[key]
        return None

    url = _url(first("audioUrl", "audio_url", "sourceAudioUrl", "source_audio_url"))
    return TakeResult(
        conversion_id=_text(item.get("id")) or f"take-{position}",
        index=position,
        mp3_url=url,
        wav_url=None,
        title=_text(item.get("title")),
        lyrics=_text(item.get("prompt")),
        duration=_number(item.get("duration")),
        image_url=_url(first("imageUrl", "image_url", "sourceImageUrl", "source_image_url")),
    )


def parse_suno_status(data: Any) -> JobStatus:
    """record-info's ``data``. A finished record whose tracks lack an ``audioUrl`` is still pending
    (``extra["audio_missing"]``; the runner bounds how long it waits); CALLBACK_EXCEPTION only says the
    callback failed, so when every track has its audio the job is delivered."""
    body = _object(data, SUNOAPI, "the record-info answer")
    status = (_text(body.get("status")) or "").upper()
    if not status:
        raise _bad(SUNOAPI, "no status in the record-info answer")
    message = _text(body.get("errorMessage")) or _text(body.get("errorCode"))
    response = body.get("response")
    items = response.get("sunoData") if isinstance(response, dict) else None
    if items is None and isinstance(response, dict):
        items = response.get("data")
    takes = tuple(
        _suno_take(item, pos)
        for pos, item in enumerate(items if isinstance(items, list) else [], 1)
        if isinstance(item, dict)
    )
    complete = bool(takes) and all(t.mp3_url for t in takes)
    if status == "CALLBACK_EXCEPTION" and complete:
        return JobStatus(Progress.COMPLETED, status, message, takes)
    if status in SUNO_FAILED:
        return JobStatus(Progress.FAILED, status, message)
    if status == "SUCCESS":
        if complete:
            return JobStatus(Progress.COMPLETED, status, message, takes)
        return JobStatus(Progress.PENDING, status, message, takes, extra={"audio_missing": True})
    return JobStatus(Progress.PENDING, status, message, takes)


def parse_suno_credit(data: Any) -> float:
    """``GET /api/v1/generate/credit``: ``data`` is the balance (an integer; a number string is accepted)."""
    balance = _number(data)
    if balance is None:
        raise _bad(SUNOAPI, "no balance in the credit answer")
    return balance


# ------------------------------------------------------------------------------------ MusicGPT history


@dataclass(frozen=True)
class HistoryEntry:
    """One job of ``GET /byUser`` (its conversions grouped by ``task_id``)."""

    task_id: str
    conversion_type: str
    conversion_ids: tuple[str, ...]
    created_at: float | None  # epoch seconds
    prompt: str | None


def _epoch(value: Any) -> float | None:
    number = _number(value)
    if number is not None:
        return number / 1000.0 if number > 1e11 else number  # milliseconds or seconds
    text = _text(value)
    if not text:
        return None
    from datetime import UTC, datetime

    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def parse_musicgpt_history(payload: Any) -> tuple[list[HistoryEntry], str | None]:
    """``byUser``: ``{success, conversions: [...], LastEvaluatedKey}`` → jobs and the next cursor.

    The item shape is not documented; each item is read like a ``byId`` conversion (``task_id``,
    ``conversion_id`` or ``conversion_id_1``/``_2``, ``conversionType``, ``createdAt``, ``prompt``)."""
    data = _object(payload, MUSICGPT, "the history answer")
    items = data.get("conversions")
    if not isinstance(items, list):
        raise _bad(MUSICGPT, "no conversion list in the history answer")
    jobs: dict[str, HistoryEntry] = {}
    for item in items:
        if not isinstance(item, dict) or not _text(item.get("task_id")):
            continue
        task_id = str(_text(item.get("task_id")))
        ids = [_text(item.get(k)) for k in ("conversion_id_1", "conversion_id_2", "conversion_id")]
        found = tuple(i for i in ids if i and i != NO_SECOND_OUTPUT)
        earlier = jobs.get(task_id)
        merged = tuple(dict.fromkeys((*(earlier.conversion_ids if earlier else ()), *found)))
        kind = _text(item.get("conversionType")) or _text(item.get("conversion_type")) or ""
        created = _epoch(item.get("createdAt") if item.get("createdAt") is not None else item.get("created_at"))
        prompt = _text(item.get("prompt")) or _text(item.get("music_style"))
        jobs[task_id] = HistoryEntry(task_id, kind.upper(), merged, created, prompt)
    cursor = data.get("LastEvaluatedKey")
    if isinstance(cursor, dict | list):
        cursor = json.dumps(cursor)
    return list(jobs.values()), _text(cursor)
