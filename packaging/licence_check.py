"""Can every bundled component be shipped, as it is linked, inside a binary distributed under GPL-3.0?

Retake's own code is MIT; pedalboard (GPL-3.0) runs in the same process, so the binary is distributed
under GPL-3.0 (BINARY_LICENCE_ID). A component loaded in-process must then allow that: permissive,
LGPL, GPL-3.0 (or GPL-2.0-or-later), or a GPL with a runtime/bootloader exception; one alternative of an
"OR" is enough, every part of an "AND" (or a comma list) must pass. A separate executable shipped beside
the app (ffmpeg) is an aggregate and is not combined. A licence this module cannot read fails the build
until someone reviews it (for a Debian library: an entry in notice_components.DEBIAN_LICENCES).
"""

from __future__ import annotations

import re

BINARY_LICENCE_ID = "GPL-3.0-only"
# Lower-case fragments of licence names that can be combined into a GPL-3.0 work.
_COMPATIBLE = (
    "mit", "bsd", "isc", "apache", "zlib", "psf", "python software", "mpl-2.0", "mpl 2.0", "mozilla public license 2.0",
    "unicode", "icu", "hpnd", "libpng", "ftl", "bzip2", "sleepycat", "lgpl", "gpl-3", "gplv3", "gpl v3",
    "general public license v3", "gpl-2.0-or-later", "exception", "public domain", "blessing", "0bsd", "cc0", "x11",
    "expat",
)  # fmt: skip
_ALTERNATIVES = re.compile(r"\s+or\s+", re.IGNORECASE)
_PARTS = re.compile(r"\s+and\s+|,\s*", re.IGNORECASE)


def _part_ok(part: str) -> bool:
    text = part.lower()
    return any(fragment in text for fragment in _COMPATIBLE)


def compatible(licence: str) -> bool:
    """True when some alternative of ``licence`` has only parts that may be combined into a GPL-3.0 work."""
    return any(all(_part_ok(p) for p in _PARTS.split(alt.strip("() ")) if p) for alt in _ALTERNATIVES.split(licence))


def strong_copyleft(licence: str) -> bool:
    """True when every alternative is a GPL without a linking exception (so the whole binary must be GPL)."""

    def strong(alternative: str) -> bool:
        text = alternative.lower()
        return "gpl" in text and "lgpl" not in text and "exception" not in text

    return all(strong(alt) for alt in _ALTERNATIVES.split(licence))


def problems(components: list) -> list[str]:
    """Sentences naming each component that cannot ship in this binary as it is linked; [] when all can."""
    found = []
    for c in components:
        if c.kind.startswith("separate executable"):
            continue  # an aggregate: shipped beside the app, never linked into it
        if c.licence.startswith("not reviewed"):
            found.append(f"{c.name}: its library's licence is not reviewed; read its texts, then add it to "
                         "DEBIAN_LICENCES in packaging/notice_components.py")  # fmt: skip
        elif not compatible(c.licence):
            found.append(f"{c.name} ({c.licence}) is loaded in-process and cannot be combined into a GPL-3.0 binary")
        elif strong_copyleft(c.licence) and "GPL-3.0" not in BINARY_LICENCE_ID:
            found.append(f"{c.name} ({c.licence}) makes the binary GPL, but it is declared {BINARY_LICENCE_ID}")
    return found


def copyleft_in_process(components: list) -> list[str]:
    return [c.name for c in components if not c.kind.startswith("separate") and strong_copyleft(c.licence)]
