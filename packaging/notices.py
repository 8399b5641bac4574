"""Third-party notices for the packaged app, generated from what the bundle really holds (issue 18).

    python packaging/notices.py dist/retake [--workpath build/pyinstaller/retake] [--ffmpeg PATH]

Every file under the bundle is mapped to the component it comes from, using PyInstaller's record of
where it copied each file from (COLLECT-00.toc) and of the pure modules it archived (PYZ-00.toc):
a Python distribution of the build environment (owner found through importlib.metadata's RECORD),
CPython itself, a Debian package of the build machine (dpkg -S; its /usr/share/doc copyright), or one
of the native pieces in NATIVE below (Qt, ICU, libsndfile, OpenBLAS, the GCC runtime, pedalboard's
libraries, ffmpeg). A file that maps to nothing, or a component with no licence text, fails the build.

Writes THIRD_PARTY_NOTICES.txt, licenses/<component>/… and licenses/components.json into the bundle.
Standard library only: it runs with the build's Python but imports nothing from the venv.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import hashlib
import importlib.metadata as metadata
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

import licence_check
from notice_components import (
    BINARY_LICENCE,
    DEBIAN_LICENCES,
    DEBIAN_NAMES,
    DIST_LICENCE_OVERRIDE,
    DIST_TEXT_FALLBACK,
    NATIVE,
    RELINK_NOTE,
    Native,
)

ROOT = Path(__file__).resolve().parent.parent
LICENSES = ROOT / "packaging" / "licenses"
NOTICES_FILE = "THIRD_PARTY_NOTICES.txt"
LICENSES_DIR = "licenses"
BUILD_INFO = "_internal/resources/build_info.json"  # written by packaging/build; read by desktop_app.about
GENERATED = (NOTICES_FILE, LICENSES_DIR + "/", BUILD_INFO)
_LICENCE_FILE = re.compile(r"(licen[cs]e|copying|notice|authors|license_notes)", re.IGNORECASE)


@dataclass
class Component:
    name: str
    version: str
    licence: str
    kind: str
    source: str
    texts: list[Path] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    note: str = ""


class NoticeError(Exception):
    pass


def read_toc(path: Path) -> list[tuple[str, str, str]]:
    """Entries (name, source, kind) of a PyInstaller TOC file (a Python literal)."""
    data = ast.literal_eval(path.read_text(encoding="utf-8"))
    entries = data[1] if isinstance(data, tuple) and len(data) == 2 and isinstance(data[1], list) else data[0]
    return [tuple(e) for e in entries if isinstance(e, tuple) and len(e) == 3]


def dist_key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class Owners:
    """Which distribution of the build environment owns a file, by its absolute path."""

    def __init__(self) -> None:
        self.by_path: dict[str, metadata.Distribution] = {}
        self.by_name: dict[str, metadata.Distribution] = {}
        for dist in metadata.distributions():
            self.by_name.setdefault(dist_key(dist.metadata["Name"]), dist)
            for f in dist.files or ():
                self.by_path[os.path.realpath(dist.locate_file(f))] = dist

    def owner(self, path: str) -> metadata.Distribution | None:
        return self.by_path.get(os.path.realpath(path))


def dist_licence(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    if dist_key(meta["Name"]) in DIST_LICENCE_OVERRIDE:
        return DIST_LICENCE_OVERRIDE[dist_key(meta["Name"])]
    expression = meta.get("License-Expression") or ""
    free_text = (meta.get("License") or "").strip()
    if not expression and free_text and "\n" not in free_text and len(free_text) < 60:
        expression = free_text  # a short name; a multi-line field is a whole licence text
    if not expression:
        classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or () if c.startswith("License ::")]
        expression = ", ".join(classifiers)
    return expression or "see licence text"


def dist_texts(dist: metadata.Distribution) -> list[Path]:
    found = []
    for f in dist.files or ():
        if _LICENCE_FILE.search(f.name) and not f.name.endswith((".py", ".pyc", ".so")):
            path = Path(dist.locate_file(f))
            if path.is_file():
                found.append(path)
    if not found:
        found = [LICENSES / name for name in DIST_TEXT_FALLBACK.get(dist_key(dist.metadata["Name"]), ())]
    return found


def debian_packages(paths: list[str]) -> dict[str, str]:
    """Map each path to the Debian package that installed it (trying the /lib <-> /usr/lib spellings)."""
    if not paths or shutil.which("dpkg") is None:
        return {}
    variants: dict[str, str] = {}
    for path in paths:
        for candidate in {path, os.path.realpath(path)}:
            variants[candidate] = path
            if candidate.startswith("/usr/lib/"):
                variants[candidate[4:]] = path
            elif candidate.startswith("/lib/"):
                variants["/usr" + candidate] = path
    out = subprocess.run(["dpkg", "-S", *variants], capture_output=True, text=True).stdout
    found = {}
    for line in out.splitlines():
        package, _, path = line.partition(": ")
        if path in variants:
            found[variants[path]] = package.split(":")[0].split(",")[0]
    return found


def debian_component(package: str) -> Component:
    query = ["dpkg-query", "-W", "-f", "${Version}\t${source:Package}\t${source:Version}", package]
    version, source_package, source_version = subprocess.run(query, capture_output=True, text=True).stdout.split("\t")
    copyright_file = Path("/usr/share/doc") / package / "copyright"
    texts = [copyright_file] if copyright_file.is_file() else []
    if texts:  # Debian's copyright files refer to the long licences instead of quoting them
        for name in sorted(
            set(re.findall(r"/usr/share/common-licenses/([\w.+-]+)", copyright_file.read_text("utf-8")))
        ):
            common = Path("/usr/share/common-licenses") / name
            if common.is_file():
                texts.append(common)
    reviewed = next((v for pattern, v in DEBIAN_LICENCES.items() if fnmatch.fnmatch(package, pattern)), None)
    licences = (
        sorted(set(re.findall(r"^License: *(\S[^\n]*)$", texts[0].read_text("utf-8"), re.MULTILINE))) if texts else []
    )
    name = DEBIAN_NAMES.get(package, package)
    return Component(
        name=f"{name} (Debian {package})" if name != package else f"{package} (Debian)",
        version=version,
        licence=reviewed or "not reviewed: " + (", ".join(licences) or "see the Debian copyright file"),
        kind="native library from the build machine, loaded in-process",
        source=f"Debian source package {source_package} {source_version}: "
        f"https://snapshot.debian.org/package/{source_package}/{source_version}/",
        texts=texts,
    )


def ffmpeg_facts(binary: Path | None, bundle_internal: Path) -> dict[str, str]:
    """Version line, revision and build configuration of the bundled ffmpeg (checked against the pack's hash)."""
    if binary is None or not binary.is_file():
        return {"ffmpeg_revision": "the release named in the version line", "ffmpeg_buildconf": "(not available)"}
    manifest = bundle_internal / "resources" / "ffmpeg" / "ffmpeg.json"
    if manifest.is_file():
        expected = json.loads(manifest.read_text(encoding="utf-8"))["sha256"]
        if hashlib.sha256(binary.read_bytes()).hexdigest() != expected:
            raise NoticeError(f"{binary} is not the ffmpeg packed into the bundle (SHA-256 differs)")
    version = subprocess.run([str(binary), "-hide_banner", "-version"], capture_output=True, text=True).stdout
    buildconf = subprocess.run([str(binary), "-hide_banner", "-buildconf"], capture_output=True, text=True).stdout
    first = version.splitlines()[0] if version else "ffmpeg (unknown version)"
    revision = first.split()[2] if len(first.split()) > 2 else "unknown"
    return {"ffmpeg_version": first, "ffmpeg_revision": revision, "ffmpeg_buildconf": buildconf.strip()}


def collect(bundle: Path, workpath: Path, ffmpeg: Path | None = None) -> tuple[list[Component], list[str]]:
    """The components behind every file of ``bundle``, and the files nothing accounts for."""
    internal = bundle / "_internal" if (bundle / "_internal").is_dir() else bundle
    sources = {os.path.normpath(dest): src for dest, src, _kind in read_toc(workpath / "COLLECT-00.toc")}
    modules = read_toc(workpath / "PYZ-00.toc") if (workpath / "PYZ-00.toc").is_file() else []
    owners = Owners()
    stdlib = os.path.realpath(sysconfig.get_paths()["stdlib"])
    base = os.path.realpath(sys.base_prefix)
    components: dict[str, Component] = {}
    unknown: list[str] = []
    for_debian: dict[str, str] = {}

    def add(key: str, make, rel: str) -> None:
        if key not in components:
            components[key] = make()
        components[key].files.append(rel)

    def by_source(rel: str, src: str | None) -> bool:
        if not src:
            return False
        real = os.path.realpath(src)
        dist = owners.owner(src)
        if dist is not None:
            name = dist.metadata["Name"]
            if dist_key(name) != "retake":
                add("dist:" + dist_key(name), lambda: dist_component(dist), rel)
            return True
        if real.startswith(str(ROOT) + os.sep) and not real.startswith(str(ROOT / ".venv")):
            return True  # Retake's own files (desktop_app, resources, packed ffmpeg handled by NATIVE)
        if real.startswith(stdlib + os.sep) or real.startswith(base + os.sep):
            add("python", python_component, rel)
            return True
        if real.startswith(("/usr/", "/lib")):
            for_debian[rel] = src
            return True
        return False

    for path in sorted(bundle.rglob("*")):
        rel_bundle = path.relative_to(bundle).as_posix()
        if path.is_symlink() or not path.is_file() or rel_bundle.startswith(GENERATED):
            continue
        rel = path.relative_to(internal).as_posix() if internal in path.parents else rel_bundle
        native = next((n for n in NATIVE if any(fnmatch.fnmatch(rel, p) for p in n.patterns)), None)
        if native is not None:
            add("native:" + native.name, lambda n=native: native_component(n, owners, ffmpeg, internal), rel)
        elif rel in ("retake", "retake.exe", "retake-cli.exe"):  # PyInstaller's bootloader (+ the PYZ archive)
            add("dist:pyinstaller", lambda: dist_component(owners.by_name["pyinstaller"]), rel)
        elif rel == "base_library.zip":
            add("python", python_component, rel)
        elif not by_source(rel, sources.get(os.path.normpath(rel))):
            unknown.append(rel_bundle)
    for name, src, _kind in modules:
        by_source("PYZ:" + name, src)
    packages = debian_packages(sorted(set(for_debian.values())))
    for rel, src in for_debian.items():
        if src in packages:
            add("deb:" + packages[src], lambda p=packages[src]: debian_component(p), rel)
        else:
            unknown.append(rel)
    return sorted(components.values(), key=lambda c: c.name.lower()), sorted(unknown)


def dist_component(dist: metadata.Distribution) -> Component:
    name = dist.metadata["Name"]
    note = "PyInstaller's bootloader: GPL-2.0-or-later with an exception that allows any licence for programs built " \
        "with it." if dist_key(name) == "pyinstaller" else ""  # fmt: skip
    return Component(
        name=name,
        version=dist.version,
        licence=dist_licence(dist),
        kind="Python distribution"
        + (" (GPL-3.0, in-process: makes the binary GPL-3.0)" if name == "pedalboard" else ""),
        source=f"https://pypi.org/project/{name}/{dist.version}/#files (sdist)",
        texts=dist_texts(dist),
        note=note,
    )


def python_component() -> Component:
    version = ".".join(map(str, sys.version_info[:3]))
    licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    return Component("Python", version, "PSF-2.0", "interpreter and standard library, in-process",
                     f"https://www.python.org/downloads/release/python-{version.replace('.', '')}/",
                     texts=[licence] if licence.is_file() else [])  # fmt: skip


def native_component(native: Native, owners: Owners, ffmpeg: Path | None, internal: Path) -> Component:
    versions = {key: (dist.version if dist else "?") for key, dist in
                ((k, owners.by_name.get(k)) for k in ("pyside6-essentials", "soundfile", "numpy", "scipy",
                                                       "pedalboard", "imageio-ffmpeg"))}  # fmt: skip
    versions["qt"] = versions.pop("pyside6-essentials")
    versions["qt_minor"] = ".".join(versions["qt"].split(".")[:2])
    icu = sorted(p.name.rsplit(".", 1)[-1] for p in internal.glob("PySide6/Qt/lib/libicuuc.so.*"))
    versions["icu"] = icu[0] if icu else "?"
    facts = ffmpeg_facts(ffmpeg, internal) if native.name == "ffmpeg" else {"ffmpeg_revision": ""}
    versions.update(facts)
    texts: list[Path] = []
    for text in native.texts:
        if text.startswith("dist:"):
            dist = owners.by_name.get(text[5:])
            texts += dist_texts(dist) if dist else []
        else:
            texts.append(LICENSES / text)
    version = {"Qt": versions["qt"], "ffmpeg": facts.get("ffmpeg_revision", "?")}.get(native.name, "as bundled")
    if native.version_pattern:  # the version string the library carries (libsndfile-1.2.2, OpenBLAS 0.3.30, 73.2)
        found = _version_in(internal, native, versions)
        version = found or version
    note = native.note
    if native.name == "ffmpeg":
        note = (
            f"{facts.get('ffmpeg_version', '')}\nBuild configuration (ffmpeg -buildconf):\n{facts['ffmpeg_buildconf']}"
        )
    return Component(native.name, version, native.licence, native.kind,
                     native.source.format_map(versions), texts=texts, note=note)  # fmt: skip


def _version_in(internal: Path, native: Native, versions: dict[str, str]) -> str | None:
    pattern = re.compile(native.version_pattern.replace(b"{icu}", versions["icu"].encode()))
    for path in sorted(internal.glob("**/*")):
        rel = path.relative_to(internal).as_posix()
        if path.is_file() and any(fnmatch.fnmatch(rel, p) for p in native.patterns):
            match = pattern.search(path.read_bytes())
            if match:
                return match.group(1).decode("ascii", "replace")
    return None


def common_texts() -> dict[str, str]:
    """SHA-256 -> a canonical file name, for the licences many components share (written once, at licenses/)."""
    named: dict[str, str] = {}
    sources = sorted(LICENSES.glob("*GPL-*.txt")) + sorted(Path("/usr/share/common-licenses").glob("*"))
    for path in sources:
        if path.is_file():
            name = path.name if path.suffix == ".txt" else path.resolve().name + ".txt"
            named.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), name)
    return named


def text_name(path: Path) -> str:
    """Where a licence text goes below its component's folder: its path inside the wheel's licences, if any."""
    parts = path.parts
    for i, part in enumerate(parts):
        if part.endswith(".dist-info"):
            rest = parts[i + 1 :]
            return "/".join(rest[1:] if rest[:1] == ("licenses",) and len(rest) > 1 else rest)
    if "site-packages" in parts:
        return "/".join(parts[parts.index("site-packages") + 1 :])
    return path.name


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9.+-]+", "-", name).strip("-")


def write(bundle: Path, components: list[Component]) -> Path:
    """THIRD_PARTY_NOTICES.txt, licenses/<component>/ and licenses/components.json in ``bundle``."""
    missing = [c.name for c in components if not c.texts or not all(t.is_file() for t in c.texts)]
    if missing:
        raise NoticeError("no licence text for: " + ", ".join(missing))
    folder = bundle / LICENSES_DIR
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copyfile(ROOT / "LICENSE", folder / "Retake-LICENSE.txt")
    copyleft = ", ".join(licence_check.copyleft_in_process(components)) or "none"
    check = (f"Licence check: every component loaded in-process allows distribution under "
             f"{licence_check.BINARY_LICENCE_ID}; those that require it (GPL, in-process): {copyleft}.")  # fmt: skip
    lines = ["Retake: third-party notices", "=" * 27, "", BINARY_LICENCE, "", check, "", RELINK_NOTE, "",
             f"{len(components)} components:", ""]  # fmt: skip
    lines += [f"  {c.name} {c.version} — {c.licence}" for c in components]
    records = []
    written: dict[str, str] = {}  # SHA-256 of a text -> where it was written (the GPL is needed a dozen times)
    common = common_texts()
    for name in ("GPL-3.0.txt", "LGPL-3.0.txt"):  # the binary's licence and Qt's, named in the opening notes
        shutil.copyfile(LICENSES / name, folder / name)
        written[hashlib.sha256((LICENSES / name).read_bytes()).hexdigest()] = f"{LICENSES_DIR}/{name}"
    for c in components:
        names = []
        for text in c.texts:
            digest = hashlib.sha256(text.read_bytes()).hexdigest()
            if digest not in written:
                relative = common.get(digest) or f"{slug(c.name)}/{text_name(text)}"
                (folder / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(text, folder / relative)
                written[digest] = f"{LICENSES_DIR}/{relative}"
            names.append(written[digest])
        more = " …" if len(c.files) > 6 else ""
        lines += ["", "-" * 78, f"{c.name} {c.version}", f"Licence: {c.licence}", f"How it is shipped: {c.kind}",
                  f"Source: {c.source}", f"Licence texts: {', '.join(names)}",
                  f"Files ({len(c.files)}): {', '.join(sorted(c.files)[:6])}{more}"]  # fmt: skip
        if c.note:
            lines += ["", c.note]
        records.append({"name": c.name, "version": c.version, "licence": c.licence, "kind": c.kind,
                        "source": c.source, "texts": names, "files": sorted(c.files)})  # fmt: skip
    (folder / "components.json").write_text(json.dumps(records, indent=1) + "\n", encoding="utf-8")
    notices = bundle / NOTICES_FILE
    notices.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return notices


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path, help="dist/retake")
    parser.add_argument("--workpath", type=Path, default=ROOT / "build" / "pyinstaller" / "retake")
    parser.add_argument(
        "--ffmpeg", type=Path, help="the unpacked ffmpeg the bundle ships (for its build configuration)"
    )
    args = parser.parse_args(argv)
    try:
        components, unknown = collect(args.bundle, args.workpath, args.ffmpeg)
        if unknown:
            raise NoticeError(f"{len(unknown)} bundled files belong to no known component: " + ", ".join(unknown[:20]))
        incompatible = licence_check.problems(components)
        if incompatible:
            raise NoticeError("licence check failed:\n  " + "\n  ".join(incompatible))
        notices = write(args.bundle, components)
    except (NoticeError, OSError, KeyError) as exc:
        print(f"notices: {exc}", file=sys.stderr)
        return 1
    print(f"notices: {len(components)} components -> {notices}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
