"""packaging/trim_icu.py: the trimmed ICU data answers everything Qt asks ICU exactly as the full data does."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_trimmer():
    spec = importlib.util.spec_from_file_location("trim_icu", ROOT / "packaging" / "trim_icu.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


trim_icu = _load_trimmer()

# Every ICU service Qt 6 calls (collation, converters, case mapping, time zones), through PySide6.
_QT_ICU_PROBE = r"""
import functools, json
from PySide6.QtCore import QCollator, QDateTime, QLocale, QStringConverter, QStringDecoder, QTimeZone
out = {"icudata": sorted({l.split()[-1] for l in open("/proc/self/maps") if "libicudata" in l})}
words = ["zebra", "Äpfel", "apfel", "Zürich", "öl", "Ol", "ähnlich", "file10", "file2", "čaj", "cukr", "ch", "h"]
for name in ["en_US", "de_DE", "sv_SE", "cs_CZ", "ja_JP"]:
    collator = QCollator(QLocale(name))
    collator.setNumericMode(True)
    out["sort " + name] = sorted(words, key=functools.cmp_to_key(collator.compare))
for codec in ["Shift_JIS", "windows-1252", "GB18030", "Big5", "KOI8-R", "EUC-KR", "ISO-8859-7"]:
    decoder = QStringDecoder(codec)
    out["codec " + codec] = [decoder.isValid(), decoder.name()]
out["codecs"] = sorted(QStringConverter.availableCodecs())
out["case tr"] = [QLocale("tr_TR").toUpper("istanbul"), QLocale("tr_TR").toLower("ISTANBUL")]
out["case de"] = QLocale("de_DE").toUpper("straße")
zone, summer = QTimeZone(b"Europe/Berlin"), QDateTime.fromString("2026-07-01T12:00:00", "yyyy-MM-ddTHH:mm:ss")
out["zone"] = [zone.isValid(), zone.offsetFromUtc(summer), zone.abbreviation(summer)]
out["zone name en"] = zone.displayName(summer, QTimeZone.NameType.LongName, QLocale("en_US"))
out["zone ids"] = len(QTimeZone.availableTimeZoneIds())
print(json.dumps(out, ensure_ascii=False))
"""


def _probe(library_dir: Path | None) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if library_dir:
        env["LD_LIBRARY_PATH"] = str(library_dir)  # wins over the Qt libraries' RUNPATH=$ORIGIN
    proc = subprocess.run([sys.executable, "-c", _QT_ICU_PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize(
    "item,is_dropped",
    [
        ("coll/de.res", False),
        ("coll/ucadata.icu", False),
        ("ibm-943_P15A-2003.cnv", False),
        ("cnvalias.icu", False),
        ("root.res", False),
        ("pool.res", False),
        ("en_GB.res", False),
        ("zoneinfo64.res", False),
        ("supplementalData.res", False),
        ("zone/en.res", False),
        ("zone/root.res", False),
        ("zone/pool.res", False),
        ("zone/de.res", True),
        ("de_DE.res", True),
        ("lang/fr.res", True),
        ("brkitr/cjdict.dict", True),
        ("translit/root.res", True),
        ("unames.icu", True),
    ],
)
def test_policy_keeps_what_qt_reads(item, is_dropped):
    assert trim_icu.dropped(item) is is_dropped


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or any(shutil.which(tool) is None for tool in trim_icu.TOOLS),
    reason="Linux build step; needs icu-devtools, a C compiler and binutils",
)
def test_trimmed_data_serves_qt_like_the_full_data(tmp_path):
    pyside = Path(importlib.util.find_spec("PySide6").origin).parent
    original = next((pyside / "Qt" / "lib").glob("libicudata.so.*[0-9]"))
    trimmed_dir = tmp_path / "lib"
    trimmed_dir.mkdir()
    copy = trimmed_dir / original.name
    shutil.copy2(original, copy)

    subprocess.run([sys.executable, str(ROOT / "packaging" / "trim_icu.py"), str(copy)], check=True, timeout=300)

    assert copy.stat().st_size < original.stat().st_size / 2
    full, trimmed = _probe(None), _probe(trimmed_dir)
    assert trimmed.pop("icudata") == [str(copy)] and full.pop("icudata") == [str(original)]
    assert trimmed == full
    assert full["sort sv_SE"][-3:] == ["ähnlich", "Äpfel", "öl"]  # Swedish tailoring, not just root order
    assert full["zone name en"] == "Central European Summer Time"
