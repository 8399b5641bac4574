"""Scripted failures, so the local engine can misbehave exactly the way the real services do.

Grammar (documented in the README, "Local engine faults")::

    SPEC   := RULE { (";" | "," | whitespace) RULE }
    RULE   := ROUTE ":" EFFECT [ "x" COUNT ]
    ROUTE  := inpaint | remix | sing_over_instrumental | cover | byid | getallvoices | searchvoices
            | upload | add-vocals | record-info | credit | files
            | musicgpt | sunoapi | *                      (groups; names are case-insensitive)
    EFFECT := STATUS [ "@" SECONDS ]     answer with this status (Retry-After: SECONDS); on sunoapi
                                         routes STATUS is the envelope ``code`` (HTTP 200)
            | slow=SECONDS               answer after SECONDS
            | fail [ "=" JOB_STATUS ]    the job this submit creates ends FAILED (sunoapi:
                                         GENERATE_AUDIO_FAILED) or the named status; CALLBACK_EXCEPTION
                                         comes after the audio is made, so its record lists the tracks
            | error                      the job ends ERROR (sunoapi: CREATE_TASK_FAILED)
            | stuck                      the job stays in processing forever
            | lost                       (submit routes) the job is created and runs, but its answer never
                                         arrives: the connection drops after the headers
            | late-audio [ "=" N ]       (add-vocals) the finished record lists its last track without an
                                         audioUrl for N more record-info calls (default 1)
            | cut=FRACTION               (files) the download stops after FRACTION of the bytes and the
                                         connection drops (Content-Length promised the whole file)
            | short=FRACTION             (files) a complete-looking response holding only FRACTION of the file
            | expired [ "=" wav | mp3 ]  (files) the link has expired: 403 AccessDenied, as storage answers;
                                         only WAV (or MP3) links when named, COUNT counts refused downloads
            | expired                    (upload) the file is accepted, then deleted at once, as if its three
                                         days had passed: the add-vocals call cannot fetch it (code 451)
    COUNT  := N | "*"                    how many matching calls it applies to (default 1; * = every call)

Examples: ``inpaint:429@5x2``, ``byid:slow=1.5x*``, ``add-vocals:455``, ``cover:fail``, ``files:cut=0.5``,
``files:expired=wavx*``, ``upload:expired``, ``inpaint:lost``, ``add-vocals:late-audio=2``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

MUSICGPT_ROUTES = (
    "inpaint", "remix", "sing_over_instrumental", "cover", "extend", "byid", "byuser", "getallvoices", "searchvoices",
)  # fmt: skip
SUNOAPI_ROUTES = ("upload", "add-vocals", "record-info", "credit")
FILE_ROUTES = ("files",)
SUBMIT_ROUTES = ("inpaint", "remix", "sing_over_instrumental", "cover", "extend", "add-vocals")
GROUPS = {
    "musicgpt": MUSICGPT_ROUTES,
    "sunoapi": SUNOAPI_ROUTES,
    "*": MUSICGPT_ROUTES + SUNOAPI_ROUTES + FILE_ROUTES,
}
ALL_ROUTES = MUSICGPT_ROUTES + SUNOAPI_ROUTES + FILE_ROUTES
MUSICGPT_JOB_FAILURES = ("FAILED", "ERROR")
SUNOAPI_JOB_FAILURES = ("CREATE_TASK_FAILED", "GENERATE_AUDIO_FAILED", "CALLBACK_EXCEPTION", "SENSITIVE_WORD_ERROR")


class FaultSpecError(ValueError):
    """The fault spec does not follow the grammar; the message says which rule and why."""


@dataclass
class Fault:
    routes: tuple[str, ...]
    kind: str  # "status" | "slow" | "job" | "cut" | "short" | "lost" | "late" | "expired"
    status: int = 0
    retry_after: float | None = None
    seconds: float = 0.0
    job_status: str = ""  # "FAILED", "ERROR", "stuck", or a sunoapi status
    fraction: float = 1.0
    count: int = 0  # late-audio: how many record-info calls lack the audio
    what: str = ""  # expired: "wav", "mp3" or "" (any file)
    remaining: int | None = 1  # None = every call
    text: str = ""

    def applies_to(self, route: str) -> bool:
        return route in self.routes and (self.remaining is None or self.remaining > 0)

    def consume(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


@dataclass
class CallFaults:
    """What the faults say about one HTTP call."""

    status: Fault | None = None
    delay: float = 0.0
    download: Fault | None = None
    lost: bool = False
    expired: bool = False
    notes: list[str] = field(default_factory=list)


def parse(spec: str | None) -> list[Fault]:
    if not spec or not spec.strip():
        return []
    faults = []
    for text in re.split(r"[;,\s]+", spec.strip()):
        if text:
            faults.append(_parse_rule(text))
    return faults


def _parse_rule(text: str) -> Fault:
    if ":" not in text:
        raise FaultSpecError(f"fault “{text}”: expected ROUTE:EFFECT, e.g. inpaint:429 or byid:slow=2")
    route_part, _, rest = text.partition(":")
    count_match = re.search(r"x(\d+|\*)$", rest)
    remaining: int | None = 1
    if count_match:
        remaining = None if count_match.group(1) == "*" else int(count_match.group(1))
        rest = rest[: count_match.start()]
        if remaining == 0:
            raise FaultSpecError(f"fault “{text}”: a count must be at least 1 (or * for every call)")
    routes = _routes(route_part.lower(), text)
    fault = _parse_effect(rest, text)
    fault.routes, fault.remaining, fault.text = routes, remaining, text
    _check_effect_fits_routes(fault, text)
    return fault


def _routes(name: str, text: str) -> tuple[str, ...]:
    if name in GROUPS:
        return GROUPS[name]
    if name in ALL_ROUTES:
        return (name,)
    known = ", ".join((*ALL_ROUTES, *GROUPS))
    raise FaultSpecError(f"fault “{text}”: unknown route “{name}” (known: {known})")


def _number(value: str, text: str, what: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise FaultSpecError(f"fault “{text}”: {what} must be a number, not “{value}”") from None
    if number < 0:
        raise FaultSpecError(f"fault “{text}”: {what} cannot be negative")
    return number


def _parse_effect(effect: str, text: str) -> Fault:
    name, _, value = effect.partition("=")
    name_lower = name.lower()
    if re.fullmatch(r"\d{3}(@[\d.]+)?", effect):
        status, _, retry = effect.partition("@")
        code = int(status)
        if not 200 <= code <= 599:
            raise FaultSpecError(f"fault “{text}”: {code} is not an HTTP/envelope status")
        return Fault((), "status", status=code, retry_after=_number(retry, text, "Retry-After") if retry else None)
    if name_lower == "slow":
        return Fault((), "slow", seconds=_number(value, text, "slow"))
    if name_lower == "fail":
        status = value.upper() if value else "FAILED"
        if value and status not in (*MUSICGPT_JOB_FAILURES, *SUNOAPI_JOB_FAILURES):
            allowed = ", ".join((*MUSICGPT_JOB_FAILURES, *SUNOAPI_JOB_FAILURES))
            raise FaultSpecError(f"fault “{text}”: unknown job status “{value}” (one of {allowed})")
        return Fault((), "job", job_status=status)
    if name_lower in ("error", "stuck") and not value:
        return Fault((), "job", job_status="ERROR" if name_lower == "error" else "stuck")
    if name_lower == "lost" and not value:
        return Fault((), "lost")
    if name_lower == "late-audio":
        polls = _number(value, text, "late-audio") if value else 1
        if polls < 1 or polls != int(polls):
            raise FaultSpecError(f"fault “{text}”: late-audio takes a whole number of calls, at least 1")
        return Fault((), "late", count=int(polls))
    if name_lower == "expired":
        if value.lower() not in ("", "wav", "mp3"):
            raise FaultSpecError(f"fault “{text}”: expired takes wav or mp3 (or nothing: every file)")
        return Fault((), "expired", what=value.lower())
    if name_lower in ("cut", "short"):
        fraction = _number(value, text, name_lower)
        if not 0 <= fraction < 1:
            raise FaultSpecError(f"fault “{text}”: {name_lower} takes a fraction from 0 to below 1")
        return Fault((), name_lower, fraction=fraction)
    raise FaultSpecError(
        f"fault “{text}”: unknown effect “{effect}” (STATUS[@SECONDS], slow=S, fail[=STATUS], error, stuck, "
        "lost, late-audio[=N], cut=F, short=F, expired[=wav|mp3])"
    )


def _check_effect_fits_routes(fault: Fault, text: str) -> None:
    if fault.kind == "job":
        fault.routes = tuple(r for r in fault.routes if r in SUBMIT_ROUTES)
        if not fault.routes:
            raise FaultSpecError(f"fault “{text}”: job faults apply to submit routes ({', '.join(SUBMIT_ROUTES)})")
    if fault.kind in ("cut", "short"):
        fault.routes = tuple(r for r in fault.routes if r in FILE_ROUTES)
        if not fault.routes:
            raise FaultSpecError(f"fault “{text}”: {fault.kind} applies to downloads (route “files”)")
    if fault.kind == "lost":
        fault.routes = tuple(r for r in fault.routes if r in SUBMIT_ROUTES)
        if not fault.routes:
            raise FaultSpecError(f"fault “{text}”: lost applies to submit routes ({', '.join(SUBMIT_ROUTES)})")
    if fault.kind == "late":
        fault.routes = tuple(r for r in fault.routes if r == "add-vocals")
        if not fault.routes:
            raise FaultSpecError(f"fault “{text}”: late-audio applies to add-vocals")
    if fault.kind == "expired":
        fault.routes = tuple(r for r in fault.routes if r in ("files", "upload"))
        if not fault.routes or (fault.what and fault.routes != ("files",)):
            raise FaultSpecError(f"fault “{text}”: expired applies to files (expired[=wav|mp3]) or upload")


class FaultPlan:
    """The active faults; thread-safe, consumed call by call."""

    def __init__(self, spec: str | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = parse(spec)
        self.spec = spec or ""

    def replace(self, spec: str | None) -> None:
        faults = parse(spec)  # parse first: a bad spec leaves the old plan in place
        with self._lock:
            self._faults = faults
            self.spec = spec or ""

    def for_call(self, route: str, suffix: str = "") -> CallFaults:
        """Take what applies to one call of ``route`` (a status, a delay, a job or download fault);
        ``suffix`` is the file type a ``files`` call asks for ("wav", "mp3")."""
        result = CallFaults()
        with self._lock:
            for fault in self._faults:
                if not fault.applies_to(route):
                    continue
                if fault.kind == "expired":
                    if result.expired or (fault.what and fault.what != suffix.lower()):
                        continue
                    result.expired = True
                elif fault.kind == "lost":
                    if result.lost:
                        continue
                    result.lost = True
                elif fault.kind == "slow":
                    result.delay += fault.seconds
                elif fault.kind == "status" and result.status is None:
                    result.status = fault
                elif fault.kind in ("cut", "short") and result.download is None:
                    result.download = fault
                else:
                    continue  # job faults are taken only when a job is really created (take_job)
                fault.consume()
                result.notes.append(fault.text)
        return result

    def take_job(self, route: str) -> Fault | None:
        """The job fault (or late-audio) for a job being created by ``route``, consumed only now (a refused
        submit keeps it)."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in ("job", "late") and fault.applies_to(route):
                    fault.consume()
                    return fault
        return None
