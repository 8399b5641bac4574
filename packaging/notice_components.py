"""What packaging/notices.py knows about the bundle's pieces that are not found by their origin alone.

The native libraries recognised by their path in the bundle (with their licence, texts and where their
source is), friendlier names for some Debian packages, and the statements the notices open with.
"""

from __future__ import annotations

from dataclasses import dataclass

QT_SOURCE = "https://download.qt.io/official_releases/qt/"  # + <major.minor>/<version>/submodules/

RELINK_NOTE = (
    "Qt is used under the LGPL-3.0. Retake is a one-folder bundle: Qt's libraries are ordinary shared "
    "libraries in retake/_internal/PySide6/Qt/lib/ (and the PySide6 bindings beside them), loaded at run "
    "time. You may replace them with your own build of the same Qt version (modified or not) and the app "
    "will use it; nothing in the bundle prevents that. Qt's source is at " + QT_SOURCE
)
BINARY_LICENCE = (
    "Retake's own source code is under the MIT licence (LICENSE). This binary also contains pedalboard "
    "(GPL-3.0), loaded into the same process, so the binary as a whole is distributed under the terms of "
    "the GNU General Public License version 3 (licenses/GPL-3.0.txt). The corresponding source of Retake "
    "itself is the retake-<version>-source.tar.gz published beside this binary; the exact versions and "
    "source locations of every third-party component are listed below. ffmpeg (GPL-3.0) is a separate "
    "program that Retake runs, shipped alongside it (an aggregate)."
)


@dataclass(frozen=True)
class Native:
    """A bundled piece that is not a Python distribution, recognised by its path in the bundle."""

    name: str
    patterns: tuple[str, ...]  # fnmatch patterns on the path below _internal/
    licence: str
    texts: tuple[str, ...]  # files in packaging/licenses/, or "dist:NAME" for a distribution's licence files
    source: str
    kind: str = "native library, loaded in-process"
    note: str = ""
    version_pattern: bytes = b""  # a regular expression whose group 1, found in the library, is its version


NATIVE = (
    Native(
        "Qt",
        ("PySide6/Qt/lib/libQt6*", "PySide6/Qt/plugins/*"),
        "LGPL-3.0-only",
        ("LGPL-3.0.txt", "GPL-3.0.txt"),
        QT_SOURCE + "{qt_minor}/{qt}/submodules/ (qtbase, qtsvg, qtwayland)",
        note=RELINK_NOTE,
    ),
    Native(
        "ICU",
        ("PySide6/Qt/lib/libicu*",),
        "Unicode-3.0 (ICU licence)",
        ("ICU.txt",),
        "https://github.com/unicode-org/icu/releases (ICU {icu}, as built into the PySide6 {qt} wheel; "
        "libicudata trimmed by packaging/trim_icu.py)",
        version_pattern=rb"\x00({icu}\.\d+)\x00",
    ),
    Native(
        "libsndfile",
        ("_soundfile_data/libsndfile*",),
        "LGPL-2.1-or-later (with BSD/LGPL codecs)",
        ("LGPL-2.1.txt", "dist:soundfile"),
        "https://github.com/libsndfile/libsndfile (the build in the soundfile {soundfile} wheel; its "
        "codecs' sources are listed in the soundfile licence notes below)",
        version_pattern=rb"libsndfile-(\d+\.\d+\.\d+)",
    ),
    Native(
        "OpenBLAS (numpy)",
        ("numpy.libs/libscipy_openblas*",),
        "BSD-3-Clause",
        ("dist:numpy",),
        "https://github.com/OpenMathLib/OpenBLAS (scipy-openblas64 build pinned by numpy {numpy})",
        version_pattern=rb"OpenBLAS (\d+(?:\.\d+)+)",
    ),
    Native(
        "OpenBLAS (scipy)",
        ("scipy.libs/libscipy_openblas*",),
        "BSD-3-Clause",
        ("dist:scipy",),
        "https://github.com/OpenMathLib/OpenBLAS (scipy-openblas32 build pinned by scipy {scipy})",
        version_pattern=rb"OpenBLAS (\d+(?:\.\d+)+)",
    ),
    Native(
        "GCC runtime libraries (libgfortran, libquadmath)",
        ("numpy.libs/libgfortran*", "numpy.libs/libquadmath*", "scipy.libs/libgfortran*", "scipy.libs/libquadmath*"),
        "GPL-3.0-or-later WITH GCC-exception-3.1",
        ("GCC-runtime-libraries.txt", "GPL-3.0.txt"),
        "https://gcc.gnu.org/ (the GCC release the numpy and scipy wheels were built with)",
    ),
    Native(
        "alsa-lib (in pedalboard)",
        ("pedalboard.libs/libasound*",),
        "LGPL-2.1-or-later",
        ("alsa-lib.txt", "LGPL-2.1.txt"),
        "https://www.alsa-project.org/files/pub/lib/ (libasound.so.2, as in the pedalboard {pedalboard} wheel)",
    ),
    Native(
        "bzip2 (in pedalboard)",
        ("pedalboard.libs/libbz2*",),
        "bzip2-1.0.6",
        ("bzip2.txt",),
        "https://sourceware.org/bzip2/ (1.0.6, as in the pedalboard {pedalboard} wheel)",
    ),
    Native(
        "FreeType (in pedalboard)",
        ("pedalboard.libs/libfreetype*",),
        "FTL OR GPL-2.0-or-later",
        ("FreeType.txt",),
        "https://download.savannah.gnu.org/releases/freetype/ (as in the pedalboard {pedalboard} wheel)",
    ),
    Native(
        "libpng (in pedalboard)",
        ("pedalboard.libs/libpng*",),
        "Libpng",
        ("libpng.txt",),
        "http://www.libpng.org/pub/png/libpng.html (1.6.34, as in the pedalboard {pedalboard} wheel)",
    ),
    Native(
        "ffmpeg",
        ("resources/ffmpeg/*", "imageio_ffmpeg/binaries/*"),
        "GPL-3.0-or-later",
        ("GPL-3.0.txt",),
        "https://git.ffmpeg.org/ffmpeg.git at {ffmpeg_revision}; build scripts: "
        "https://github.com/BtbN/FFmpeg-Builds (the binary of the imageio-ffmpeg {imageio-ffmpeg} wheel)",
        kind="separate executable (aggregate), run as a child process",
    ),
)
# Friendlier names for Debian packages worth recognising in the list.
DEBIAN_NAMES = {"libportaudio2": "PortAudio", "libjack-jackd2-0": "JACK", "libssl3": "OpenSSL"}
# Distributions that carry no licence file of their own (the PySide6 wheels): texts from packaging/licenses.
DIST_TEXT_FALLBACK = {
    "pyside6-essentials": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "shiboken6": ("LGPL-3.0.txt", "GPL-3.0.txt"),
}

# The licence of the library each bundled Debian package installs (its copyright file lists every licence in
# the source package: build scripts, tests, tools), reviewed by hand. fnmatch patterns on the package name.
DEBIAN_LICENCES = {
    "libasound2": "LGPL-2.1-or-later",
    "libatomic1": "GPL-3.0-or-later WITH GCC-exception-3.1",
    "libbrotli1": "MIT",
    "libbsd0": "BSD-3-Clause AND BSD-2-Clause AND ISC",
    "libbz2-1.0": "bzip2-1.0.6",
    "libc6": "LGPL-2.1-or-later",
    "libcap2": "BSD-3-Clause OR GPL-2.0-only",
    "libdb5.3": "Sleepycat",
    "libdbus-1-3": "AFL-2.1 OR GPL-2.0-or-later",
    "libexpat1": "MIT",
    "libffi8": "MIT",
    "libfontconfig1": "HPND-sell-variant",
    "libfreetype6": "FTL OR GPL-2.0-or-later",
    "libgcc-s1": "GPL-3.0-or-later WITH GCC-exception-3.1",
    "libgcrypt20": "LGPL-2.1-or-later",
    "libglib2.0-0": "LGPL-2.1-or-later",
    "libgpg-error0": "LGPL-2.1-or-later",
    "libjack-jackd2-0": "LGPL-2.1-or-later",
    "liblz4-1": "BSD-2-Clause",
    "liblzma5": "public domain (liblzma 5.4)",
    "libmd0": "BSD-3-Clause AND BSD-2-Clause AND ISC",
    "libpcre2-8-0": "BSD-3-Clause",
    "libpng16-16": "Libpng",
    "libportaudio2": "MIT",
    "libsqlite3-0": "blessing (public domain)",
    "libssl3": "Apache-2.0",
    "libstdc++6": "GPL-3.0-or-later WITH GCC-exception-3.1",
    "libsystemd0": "LGPL-2.1-or-later",
    "libuuid1": "BSD-3-Clause",
    "libx11-*": "MIT/X11",
    "libxau6": "MIT",
    "libxcb*": "MIT/X11",
    "libxdmcp6": "MIT",
    "libxkbcommon*": "MIT",
    "libzstd1": "BSD-3-Clause OR GPL-2.0-only",
    "zlib1g": "Zlib",
}
# Distributions whose metadata names a licence that is not the whole story.
DIST_LICENCE_OVERRIDE = {
    "pyinstaller": "GPL-2.0-or-later WITH Bootloader-exception",  # only the bootloader ships; see its COPYING.txt
}
