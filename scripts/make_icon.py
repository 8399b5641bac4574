"""Draw Retake's app icon: ``resources/icons/retake.svg`` and ``retake.png`` (256×256).

The picture is the app's idea in one glance: a waveform with a selected region whose bars are
redone in the accent colour. Both files come from one list of shapes, so the SVG (for Linux
desktops and the README) and the PNG (window icon, .desktop entry) always match.

Run: ``.venv/bin/python scripts/make_icon.py [OUT_DIR]``; ``--platform-icons DIR`` also writes the
``retake.ico`` (Windows) and ``retake.icns`` (macOS) the packaging build needs, through Qt's own
image writers, so no extra tool is required.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

SIZE = 256
BACKGROUND_TOP, BACKGROUND_BOTTOM = "#2b3245", "#151924"
WAVE, ACCENT, SELECTION = "#8fb8d8", "#ff9f43", "#ff9f43"
BAR_COUNT, BAR_WIDTH, GAP = 15, 10, 4
SELECTED = range(6, 11)  # the region the service redid


def bar_heights() -> list[float]:
    """A song-like envelope: louder in the middle, with some variation bar to bar."""
    heights = []
    for i in range(BAR_COUNT):
        envelope = 0.35 + 0.55 * math.sin(math.pi * (i + 0.5) / BAR_COUNT)
        wobble = 0.75 + 0.25 * math.sin(i * 2.3 + 0.7)
        heights.append(150 * envelope * wobble)
    return heights


def bars() -> list[tuple[float, float, float, float, str]]:
    """(x, y, width, height, colour) for each waveform bar, centred on the icon."""
    total = BAR_COUNT * BAR_WIDTH + (BAR_COUNT - 1) * GAP
    left = (SIZE - total) / 2
    out = []
    for i, h in enumerate(bar_heights()):
        x = left + i * (BAR_WIDTH + GAP)
        out.append((x, SIZE / 2 - h / 2, BAR_WIDTH, h, ACCENT if i in SELECTED else WAVE))
    return out


def selection_rect() -> tuple[float, float, float, float]:
    first, last = bars()[SELECTED.start], bars()[SELECTED.stop - 1]
    x0, x1 = first[0] - GAP / 2, last[0] + last[2] + GAP / 2
    return x0, 40, x1 - x0, SIZE - 80


def svg() -> str:
    sx, sy, sw, sh = selection_rect()
    rects = "\n".join(
        f'  <rect x="{x:.1f}" y="{y:.1f}" width="{w}" height="{h:.1f}" rx="{w / 2}" fill="{c}"/>'
        for x, y, w, h, c in bars()
    )
    return f"""<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="{BACKGROUND_TOP}"/>
      <stop offset="1" stop-color="{BACKGROUND_BOTTOM}"/>
    </linearGradient>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="52" fill="url(#bg)"/>
  <rect x="{sx:.1f}" y="{sy}" width="{sw:.1f}" height="{sh}" rx="8" fill="{SELECTION}" fill-opacity="0.18"
        stroke="{SELECTION}" stroke-opacity="0.9" stroke-width="3"/>
{rects}
</svg>
"""


def render(size: int = SIZE):
    """The icon as a QImage of ``size`` pixels (drawn at 256 and scaled smoothly)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication([])
    image = QImage(SIZE, SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    gradient = QLinearGradient(0, 8, 0, 248)
    gradient.setColorAt(0, QColor(BACKGROUND_TOP))
    gradient.setColorAt(1, QColor(BACKGROUND_BOTTOM))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)

    fill = QColor(SELECTION)
    fill.setAlphaF(0.18)
    outline = QColor(SELECTION)
    outline.setAlphaF(0.9)
    painter.setBrush(fill)
    painter.setPen(QPen(outline, 3))
    painter.drawRoundedRect(QRectF(*selection_rect()), 8, 8)

    painter.setPen(Qt.PenStyle.NoPen)
    for x, y, w, h, colour in bars():
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(QRectF(x, y, w, h), w / 2, w / 2)
    painter.end()
    if size == SIZE:
        return image
    return image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def save(image, path: Path, fmt: str | None = None) -> None:
    if not image.save(str(path), fmt):
        raise OSError(f"could not write {path}")


def write_platform_icons(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    save(render(256), out / "retake.ico", "ICO")  # Qt's ICO writer stores one 256 px image; Windows scales it
    save(render(256), out / "retake.icns", "ICNS")
    print(f"wrote {out / 'retake.ico'} and {out / 'retake.icns'}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--platform-icons"] and len(argv) == 2:
        write_platform_icons(Path(argv[1]))
        return 0
    out = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    (out / "retake.svg").write_text(svg(), encoding="utf-8")
    save(render(), out / "retake.png")
    print(f"wrote {out / 'retake.svg'} and {out / 'retake.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
