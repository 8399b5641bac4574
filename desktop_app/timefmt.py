"""Time labels: ``m:ss.mmm`` for people, and a parser that accepts seconds or ``m:ss``."""

from __future__ import annotations

import math


def format_time(seconds: float, *, decimals: int = 3) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    minutes = int(seconds // 60)
    rest = seconds - minutes * 60
    if decimals:
        rest = round(rest, decimals)
        if rest >= 60:
            minutes, rest = minutes + 1, rest - 60
        return f"{sign}{minutes}:{rest:0{3 + decimals}.{decimals}f}"
    return f"{sign}{minutes}:{int(rest):02d}"


def parse_time(text: str) -> float:
    """``"9.6"`` → 9.6 s, ``"1:05.25"`` → 65.25 s, ``"1:02:03"`` → 3723 s."""
    cleaned = text.strip().lower().removesuffix("s").strip()
    if not cleaned:
        raise ValueError("Type a time in seconds (9.6) or minutes:seconds (1:05.25).")
    parts = cleaned.split(":")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a time; type seconds (9.6) or minutes:seconds (1:05.25).") from None
    if len(values) > 3 or any(math.isnan(v) or math.isinf(v) for v in values):
        raise ValueError(f"“{text.strip()}” is not a time.")
    if len(values) > 1 and any(v < 0 for v in values[1:]):
        raise ValueError(f"“{text.strip()}”: only the first part may be negative.")
    total = 0.0
    for v in values:
        total = total * 60 + v
    return total


def nice_step(min_seconds: float) -> float:
    """The smallest 'round' label interval (1, 2, 5 × 10^n s; then 10 s, 15 s, 30 s, 1 min, ...)."""
    for step in (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900):
        if step >= min_seconds:
            return float(step)
    return 1800.0
