"""``retake seams FILE TAKE... --region S E [--json]``: how audible each take's joins are, best take first.

Each take is decoded, brought to the song's rate and channels, aligned (audio/align.py) and
measured at the region's two seams by the seam meter (audio/seams.py). Bad input ends in a
sentence on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys

COMMANDS = ("seams",)
EXIT_INVALID = 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("seams", help="how audible each take's joins with the song are, best take first")
    parser.add_argument("file", metavar="FILE", help="the original song")
    parser.add_argument("takes", nargs="+", metavar="TAKE", help="takes of the song (whole-song audio files)")
    parser.add_argument("--region", nargs=2, type=float, required=True, metavar=("S", "E"),
                        help="the region the takes replace, start and end in seconds")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print a JSON list of takes, best first")
    parser.set_defaults(handler=run)


def region_frames(start_s: float, end_s: float, frames: int, rate: int) -> tuple[int, int]:
    """The region in frames; raises ValueError with a sentence when it is not inside the song."""
    song = frames / rate
    if not (0 <= start_s < end_s <= song + 1e-6):
        raise ValueError(f"The region {start_s:g}–{end_s:g} s must lie inside the song (0–{song:.2f} s), start first.")
    start, end = round(start_s * rate), min(frames, round(end_s * rate))
    if end - start < rate // 10:
        raise ValueError("The region must be at least 0.1 s long.")
    return start, end


def run(args: argparse.Namespace) -> int:
    from desktop_app.audio import AudioError, load
    from desktop_app.audio.comp import CompError, align_take
    from desktop_app.audio.seams import SongContext, measure_take, rank

    try:
        song = load(args.file)
        start, end = region_frames(args.region[0], args.region[1], song.frames, song.sample_rate)
        takes = []
        for path in args.takes:
            clip = load(path)
            aligned, alignment = align_take(song.samples, song.sample_rate, clip.samples, clip.sample_rate,
                                            start, end, clip.info.path.name if clip.info.path else path)  # fmt: skip
            takes.append((path, aligned, alignment))
    except (AudioError, CompError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return EXIT_INVALID
    ctx = SongContext.around(song.samples, song.sample_rate, start, end)
    reports, offsets = [], {}
    for path, aligned, alignment in takes:
        reports.append(measure_take(ctx, aligned, start, end, path))
        offsets[path] = alignment
    ranked = rank(reports)
    if args.json:
        out = []
        for report in ranked:
            entry = report.as_dict()
            entry["offset_ms"] = round(1000 * offsets[report.name].offset / song.sample_rate, 2)
            entry["alignment_confidence"] = round(offsets[report.name].confidence, 3)
            out.append(entry)
        print(json.dumps(out, indent=2, ensure_ascii=False), flush=True)
        return 0
    print(f"{song.info.path.name if song.info.path else args.file}: region {args.region[0]:g}–{args.region[1]:g} s, "
          f"beat {ctx.beat_s * 1000:.0f} ms; takes best first")  # fmt: skip
    for place, report in enumerate(ranked, 1):
        alignment = offsets[report.name]
        note = "" if alignment.confidence >= 0.5 else "  (not the same audio around the region: not aligned)"
        print(f"{place}. {report.name}  score {report.score:g}  {report.verdict}{note}")
        for seam in report.seams:
            timing = "—" if seam.timing_ms is None else f"{seam.timing_ms:+.1f} ms"
            print(f"   {seam.label or 'seam'} {seam.at_s:.3f} s  {seam.verdict:<7}  level {seam.level_step_db:+.1f} dB"
                  f"  spectral {seam.spectral_jump:.1f}x  timing {timing}  vocal {seam.vocal_change_db:+.1f} dB"
                  f"  — {seam.reason}")  # fmt: skip
            if seam.proposed_at_s is not None:
                print(f"      move it to {seam.proposed_at_s:.3f} s ({seam.proposed_verdict} there)")
    return 0
