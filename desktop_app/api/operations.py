"""The six operations Retake sends, and which service, endpoint and label each has.

Five are MusicGPT conversions (multipart POSTs whose ``conversion_type`` names them in the answers);
add vocals is sunoapi.org's (a JSON POST after an upload).
"""

from __future__ import annotations

from enum import StrEnum


class Operation(StrEnum):
    INPAINT = "inpaint"
    REMIX = "remix"
    SING_OVER = "sing_over"
    COVER = "cover"
    ADD_VOCALS = "add_vocals"
    EXTEND = "extend"

    @property
    def service(self) -> str:
        """Which contract carries it: "musicgpt" or "sunoapi"."""
        return "sunoapi" if self is Operation.ADD_VOCALS else "musicgpt"

    @property
    def path(self) -> str:
        return _PATHS[self]

    @property
    def conversion_type(self) -> str | None:
        return _CONVERSION_TYPES.get(self)

    @property
    def label(self) -> str:
        return _LABELS[self]


_PATHS = {
    Operation.INPAINT: "/inpaint",
    Operation.REMIX: "/Remix",
    Operation.SING_OVER: "/sing_over_instrumental",
    Operation.COVER: "/Cover",
    Operation.ADD_VOCALS: "/api/v1/generate/add-vocals",
    Operation.EXTEND: "/extend",
}
_CONVERSION_TYPES = {
    Operation.INPAINT: "INPAINT",
    Operation.REMIX: "REMIX",
    Operation.SING_OVER: "SING_OVER_INSTRUMENTAL",
    Operation.COVER: "COVER",
    Operation.EXTEND: "EXTEND",
}
_LABELS = {
    Operation.INPAINT: "Inpaint",
    Operation.REMIX: "Remix",
    Operation.SING_OVER: "Sing over instrumental",
    Operation.COVER: "Cover",
    Operation.ADD_VOCALS: "Add vocals",
    Operation.EXTEND: "Extend",
}
