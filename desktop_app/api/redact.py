"""Keep API keys out of everything that can be printed: logs, reprs, error messages, job records.

Keys are registered with :func:`register_secret` the moment they are read (``keys.py`` does it);
:func:`redact` then replaces every registered secret in any text, and :class:`RedactingFilter`
applies that to every log record. Headers are printed only through :func:`redact_headers`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping

MASK = "«redacted»"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"})
_MIN_SECRET_LENGTH = 4  # shorter strings would mask ordinary words

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(secret: str | None) -> None:
    """Remember ``secret`` so that :func:`redact` masks it wherever it appears."""
    if secret and len(secret) >= _MIN_SECRET_LENGTH:
        with _lock:
            _secrets.add(secret)
            if not secret.startswith("Bearer "):
                _secrets.add(f"Bearer {secret}")


def redact(text: object) -> str:
    """``text`` as a string with every registered secret replaced by a mask."""
    out = str(text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, MASK)
    return out


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A printable copy of ``headers`` with credentials masked."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (MASK if k.lower() in SENSITIVE_HEADERS else redact(v)) for k, v in items}


class RedactingFilter(logging.Filter):
    """Scrub registered secrets from a record's message and arguments before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string is the logger's problem, not ours
            return True
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        # Handlers format the traceback after this filter has run, from exc_info; format it here, redacted,
        # so they reuse this text (logging only formats exc_info when exc_text is empty).
        if record.exc_info and not record.exc_text:
            record.exc_text = _FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FORMATTER = logging.Formatter()


_installed = False


def install_log_redaction() -> None:
    """Redact every log record at creation, whichever logger or handler it goes to (idempotent).

    A record factory is used rather than a filter on the root logger because logger filters do
    not see records that propagate up from child loggers.
    """
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()
    flt = RedactingFilter()

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        flt.filter(record)
        return record

    logging.setLogRecordFactory(factory)
