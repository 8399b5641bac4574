"""``retake comp FILE --take PATH:START-END [--take ...] [--crossfade MS] --out OUT``: write a comp.

Each take plays over its range, the original everywhere else (to the bit), every boundary joined
by the one crossfade law (audio/comp.py). A JSON sidecar beside OUT lists the segments. Bad
input (overlapping ranges, a range outside the song, a take of another length, an existing OUT)
ends in a sentence, exit code 2, and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

COMMANDS = ("comp",)
EXIT_INVALID, EXIT_FAILED = 2, 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("comp", help="play each take over its own range, the original elsewhere")
    parser.add_argument("file", metavar="FILE", help="the original song")
    parser.add_argument("--take", action="append", required=True, metavar="PATH:START-END", dest="takes",
                        help="a take and the range it plays, in seconds (repeat for more takes)")  # fmt: skip
    parser.add_argument("--crossfade", type=float, default=20.0, metavar="MS", help="crossfade length (default 20)")
    parser.add_argument("--out", type=Path, required=True, help="the comp to write (.wav, .flac or .mp3)")
    parser.add_argument("--overwrite", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--fix-seams", action="store_true",
                        help="move each poor seam (within a beat) to where both sides agree best")  # fmt: skip
    parser.set_defaults(handler=run)


def parse_take(spec: str) -> tuple[str, float, float]:
    """``"take.wav:12.5-20"`` → ("take.wav", 12.5, 20.0); ValueError with a sentence otherwise."""
    path, sep, span = spec.rpartition(":")
    start_text, dash, end_text = span.partition("-")
    try:
        if not (sep and path and dash):
            raise ValueError
        return path, float(start_text), float(end_text)
    except ValueError:
        raise ValueError(f"“{spec}” is not PATH:START-END (seconds), e.g. take1.wav:12.5-20.") from None


def output_format(out: Path, float_source: bool) -> str:
    suffix = out.suffix.lower()
    if suffix == ".wav":
        return "wav32f" if float_source else "wav24"  # 24-bit holds 16- and 24-bit sources to the bit
    if suffix in (".flac", ".mp3"):
        return suffix[1:]
    raise ValueError(f"“{out.name}”: the comp is written as .wav, .flac or .mp3.")


def run(args: argparse.Namespace) -> int:
    from desktop_app.audio import AudioError, load
    from desktop_app.audio.comp import CompError, Segment, align_take, fix_seams, render, validate
    from desktop_app.audio.export import Provenance, export

    try:
        song = load(args.file)
        rate = song.sample_rate
        if not 0 <= args.crossfade <= 1000:
            raise ValueError("The crossfade must be between 0 and 1000 ms.")
        segments, floats = [], song.info.subtype in ("FLOAT", "DOUBLE")
        inputs = [Path(args.file)]
        for spec in args.takes:
            path, start_s, end_s = parse_take(spec)
            inputs.append(Path(path))
            clip = load(path)
            floats = floats or clip.info.subtype in ("FLOAT", "DOUBLE")
            start, end = round(start_s * rate), round(end_s * rate)
            if not 0 <= start < end <= song.frames:
                raise CompError(f"The range {start_s:g}–{end_s:g} s of “{Path(path).name}” must lie inside the song "
                                f"(0–{song.duration:.2f} s), start first.")  # fmt: skip
            aligned, _ = align_take(song.samples, rate, clip.samples, clip.sample_rate, start, end, Path(path).name)
            segments.append(Segment(aligned, start, end, Path(path).name))
        fmt = output_format(args.out, floats)
        if any(_same_file(args.out, used) for used in inputs):
            raise ValueError(f"“{args.out.name}” is one of the comp's own sources; write the comp to a new file.")
        validate(song.samples, rate, segments)  # the ranges together: overlaps
        moves, ctx = [], _context(song.samples, rate, segments)
        if args.fix_seams:
            segments, moves = fix_seams(song.samples, rate, segments, ctx)
        comp = render(song.samples, rate, segments, args.crossfade / 1000)
        provenance = Provenance(
            title=args.out.stem,
            operation="comp",
            source_file=Path(args.file).name,
            parameters={
                "crossfade_ms": args.crossfade,
                "segments": [{"take": s.name, "start": s.start / rate, "end": s.end / rate} for s in segments],
                "seams_moved": [{"from": a.at_s, "to": b.at_s, "verdict": b.verdict} for a, b in moves],
            },
        )
        written = export(comp, rate, args.out, fmt, provenance, overwrite=args.overwrite)
    except FileExistsError:
        print(f"error: “{args.out.name}” already exists; pass --overwrite to replace it.", file=sys.stderr)
        return EXIT_INVALID
    except (AudioError, CompError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return EXIT_INVALID
    print(written, flush=True)
    for before, after in moves:
        print(f"moved the seam at {before.at_s:.3f} s ({before.reason}) to {after.at_s:.3f} s: {after.verdict}",
              file=sys.stderr, flush=True)  # fmt: skip
    _report_seams(song.samples, rate, segments, ctx)
    return 0


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and a.samefile(b)
    except OSError:
        return False


def _context(original, rate: int, segments):
    from desktop_app.audio.seams import SongContext

    if not segments:
        return SongContext(original, rate)
    return SongContext.around(original, rate, min(s.start for s in segments), max(s.end for s in segments))


def _report_seams(original, rate: int, segments, ctx) -> None:
    """The seam meter's verdict on every boundary of the comp, on stderr (stdout is the path)."""
    from desktop_app.audio.comp import comp_seams
    from desktop_app.audio.seams import measure_seam

    for seam in comp_seams(original, rate, segments):
        report = measure_seam(ctx, seam)
        print(f"seam at {report.at_s:.3f} s: {report.verdict} ({report.reason})", file=sys.stderr, flush=True)
