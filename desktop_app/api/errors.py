"""Typed service errors: each carries a sentence a producer can act on and its retry policy.

Every failure that can reach the user is a :class:`ServiceError`. ``str(err)`` is the user-facing
message; ``err.retryable`` says whether the retry loop may try again and ``err.retry_after`` how
long the service asked us to wait. ``error_for_status`` maps an HTTP status (MusicGPT) or a body
``code`` (sunoapi.org) to the right class, so the two services' different numbering is decided
here once:

- bad key (401/403): :class:`AuthError`, never retried;
- no credits (402; sunoapi.org 429): :class:`InsufficientCreditsError`, never retried;
- validation (400/413/422): :class:`ServiceValidationError`, shows the service's own message;
- rate limits (429; sunoapi.org 405/430): :class:`RateLimitError`, retried after Retry-After or backoff;
- 5xx, 455 (maintenance), network trouble: :class:`ServerError` / :class:`NetworkError`, retried a few times;
- an answer we cannot read: :class:`MalformedResponseError`, not a crash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MUSICGPT = "MusicGPT"
SUNOAPI = "sunoapi.org"


class ServiceError(Exception):
    """Base of every engine failure. ``kind`` is a stable name for the store and the UI."""

    kind = "service"
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        service: str | None = None,
        retry_after: float | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.service = service
        self.retry_after = retry_after
        self.detail = detail  # the service's own text, when it sent one


class AuthError(ServiceError):
    kind = "auth"


class InsufficientCreditsError(ServiceError):
    kind = "credits"


class ServiceValidationError(ServiceError):
    kind = "validation"


class NotFoundError(ServiceError):
    kind = "not_found"


class RateLimitError(ServiceError):
    kind = "rate_limit"
    retryable = True


class ServerError(ServiceError):
    kind = "server"
    retryable = True


class NetworkError(ServiceError):
    kind = "network"
    retryable = True

    def __init__(self, message: str, *, request_sent: bool = True, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.request_sent = request_sent  # False: the connection never opened, so nothing was received


class MalformedResponseError(ServiceError):
    kind = "malformed"


class JobFailedError(ServiceError):
    """The service accepted the job and then reported it failed (FAILED, ERROR, *_FAILED...)."""

    kind = "job_failed"


class DownloadError(ServiceError):
    kind = "download"
    retryable = True


class ExpiredFileError(ServiceError):
    """A file host answered 403/404/410: the link expired or the file is gone (never a key problem)."""

    kind = "expired"


class DownloadTooLargeError(ServiceError):
    kind = "download_too_large"


class NotAudioError(ServiceError):
    kind = "not_audio"


class InsecureEngineError(ServiceError):
    kind = "insecure_engine"


class MissingKeyError(ServiceError):
    kind = "missing_key"


class EngineMismatchError(ServiceError):
    """The chosen engine does not offer the operation (e.g. add vocals on MusicGPT)."""

    kind = "engine_mismatch"


class InterruptedSubmitError(ServiceError):
    """The app stopped while a submit was in flight, before the service answered with ids."""

    kind = "interrupted_submit"


class CancelledError(Exception):
    """The user cancelled; not a failure and never shown as one."""


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class InvalidRequestError(ServiceError):
    """The request breaks the service's rules; found before anything was sent."""

    kind = "invalid_request"

    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(" ".join(p.message for p in self.problems) or "The request is not valid.")


def error_for_status(
    status: int,
    service: str,
    service_message: str | None = None,
    *,
    retry_after: float | None = None,
    suno_code: bool = False,
) -> ServiceError:
    """The typed error for an HTTP status, or for a sunoapi.org body ``code`` when ``suno_code``."""
    said = f" The service said: “{service_message}”." if service_message else ""
    kw: dict[str, Any] = {"status": status, "service": service, "retry_after": retry_after, "detail": service_message}
    if status in (401, 403):
        return AuthError(
            f"{service} did not accept the API key ({status}). Check the key in Settings → Engines, "
            f"or paste a new one from your {service} account.",
            **kw,
        )
    if status == 402 or (suno_code and status == 429):
        return InsufficientCreditsError(
            f"Your {service} account has run out of credits. Top up your balance, or use the local engine.{said}",
            **kw,
        )
    if status == 429 or (suno_code and status in (405, 430)):
        # No "will be retried" here: the same message is the job's final word once the retries run out.
        return RateLimitError(f"{service} is receiving too many requests and asked Retake to slow down.{said}", **kw)
    if status in (400, 413, 422, 451) or (suno_code and status == 409):
        text = service_message or "the request was refused as invalid"
        return ServiceValidationError(f"{service} refused the request: {text}", **kw)
    if status == 404:
        return NotFoundError(f"{service} does not know this job or path (404).{said}", **kw)
    if status == 455 or status >= 500:
        what = "is under maintenance" if status == 455 else f"had an internal error ({status})"
        return ServerError(f"{service} {what}.{said}", **kw)
    return ServiceError(f"{service} answered with an unexpected status {status}.{said}", **kw)
