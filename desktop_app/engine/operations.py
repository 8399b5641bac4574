"""Run one job's signal processing and write its takes (WAV at the input's rate/channels, and MP3).

Runs in a worker *process* (see worker.py): signal processing holds the GIL in places for hundreds
of milliseconds, which would stall the HTTP thread. :func:`run_job` therefore takes and returns
plain picklable data and never raises: it reports failures as ``("failed" | "error", message)``.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from desktop_app.audio import AudioError, load
from desktop_app.engine import takefiles, voices
from desktop_app.engine.dsp import cover, extend, inpaint, remix, vocals
from desktop_app.engine.dsp.inpaint import NothingToBorrowError
from desktop_app.engine.store import Job, Take

log = logging.getLogger(__name__)

ENGINE_LABEL = "Retake local engine"
# MP3 encoding runs in ffmpeg subprocesses; two at a time encode both takes of a job in parallel.
_ENCODERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="engine-mp3")

KIND_TITLES = {
    "INPAINT": "Inpaint",
    "REMIX": "Remix",
    "SING_OVER_INSTRUMENTAL": "Sing over instrumental",
    "COVER": "Cover",
    "ADD_VOCALS": "Add vocals",
    "EXTEND": "Extend",
}


def wav_subtype(input_info: dict) -> str:
    """Keep the input's PCM depth (so unchanged samples stay bit-exact); float for everything else."""
    subtype = str(input_info.get("subtype", ""))
    return subtype if subtype in ("PCM_16", "PCM_24") else "FLOAT"


def run_job(job: Job, input_path: Path, out_dir: Path) -> tuple[str, object]:
    """("ok", takes) or ("failed", message) for bad audio, ("error", message) for anything unexpected."""
    try:
        return "ok", run(job, input_path, out_dir)
    except (AudioError, NothingToBorrowError, ValueError) as exc:
        return "failed", f"Local engine could not process the audio: {exc}"
    except Exception as exc:
        log.exception("local engine job %s failed", job.task_id)
        return "error", f"Local engine internal error: {type(exc).__name__}: {exc}"


def warm_up() -> bool:
    """Imported modules are the slow part of a fresh worker process; the pool calls this at start."""
    return True


def run(job: Job, input_path: Path, out_dir: Path) -> list[Take]:
    clip = load(input_path)
    samples, rate = clip.samples, clip.sample_rate
    params = job.params
    if job.kind == "INPAINT":
        start = round(float(params["replace_start_at"]) * rate)
        end = min(clip.frames, round(float(params["replace_end_at"]) * rate))
        result = inpaint.inpaint(samples, rate, start, end, count=len(job.takes))
        outputs = result.takes
        details = [{"method": "self-similarity borrow (Perraudin et al. 2018)", "tempo_bpm": _round(result.tempo_bpm),
                    **b.as_dict(rate, end - start)} for b in result.borrows]  # fmt: skip
        stamps = [[_marker(f"[Inpainted: borrowed from {_clock(b.source_start / rate)}]", start / rate, end / rate)]
                  for b in result.borrows]  # fmt: skip
    elif job.kind == "EXTEND":
        after = min(clip.frames, round(float(params["extend_after"]) * rate))
        grown = extend.extend(samples, rate, after, count=len(job.takes))
        outputs = grown.takes
        details = [
            {
                "method": "self-similarity continuation",
                "tempo_bpm": _round(grown.tempo_bpm),
                "extend_after": round(after / rate, 4),
                **c.as_dict(rate),
            }
            for c in grown.continuations
        ]
        stamps = [[_marker(f"[Extended: continues from {_clock(c.source_start / rate)}]", after / rate,
                           len(t) / rate)] for c, t in zip(grown.continuations, outputs, strict=True)]  # fmt: skip
    elif job.kind == "REMIX":
        outputs, details = remix.remix(samples, rate, params.get("prompt", ""), seed=_seed(job))
        stamps = [
            [_marker(f"[Remix: {', '.join(d['styles'])}]", 0, len(t) / rate)]
            for t, d in zip(outputs, details, strict=False)
        ]
    elif job.kind == "COVER":
        voice = voices.find(params["voice_id"])
        assert voice is not None  # checked when the job was submitted
        take, detail = cover.cover(samples, rate, voice, int(params.get("pitch", 0)))
        outputs, details, stamps = [take], [detail], [[]]
    else:  # SING_OVER_INSTRUMENTAL, ADD_VOCALS
        lyrics = params.get("lyrics") or params.get("prompt", "")
        level = -2.0 - 6.0 * float(params.get("audioWeight", 0.0) or 0.0)
        outputs, details = vocals.sing_over(samples, rate, lyrics, params.get("gender") or "neutral",
                                            vocal_level_db=level, seed=_seed(job))  # fmt: skip
        stamps = [d.pop("lines") for d in details]
    return _write_takes(job, out_dir, outputs, rate, details, stamps)


def _write_takes(job: Job, folder: Path, outputs: list[np.ndarray], rate: int, details, stamps) -> list[Take]:
    subtype = wav_subtype(job.input_info)
    mp3_jobs = []
    for index, (take, audio) in enumerate(zip(job.takes, outputs, strict=True)):
        title = f"{KIND_TITLES[job.kind]} take {index + 1} ({ENGINE_LABEL})"
        tags = {"title": title, "software": ENGINE_LABEL, "comment": f"task {job.task_id}"}
        pcm16 = takefiles.to_int16(audio)
        # The MP3 encoders are subprocesses: start them first, write the WAV while they run.
        mp3_jobs.append(_ENCODERS.submit(takefiles.write_mp3, pcm16, rate, folder / f"{take.conversion_id}.mp3", tags))
        data = pcm16 if subtype == "PCM_16" else takefiles.to_pcm(audio, subtype)
        wav = takefiles.write_wav(data, rate, folder / f"{take.conversion_id}.wav", subtype, tags)
        take.wav, take.title, take.duration = wav.name, title, round(audio.shape[0] / rate, 4)
        take.lyrics = _lyrics(job)
        take.lyrics_timestamped = stamps[index]
        take.details = details[index]
    for take, pending in zip(job.takes, mp3_jobs, strict=True):
        take.mp3 = pending.result().name
    return job.takes


def _lyrics(job: Job) -> str:
    params = job.params
    if job.kind == "INPAINT":
        return params.get("lyrics_section_to_replace") or params.get("lyrics", "")
    if job.kind == "EXTEND":
        return params.get("lyrics_section_to_extend") or params.get("lyrics", "")
    if job.kind == "ADD_VOCALS":
        return params.get("prompt", "")
    return params.get("lyrics") or "[Instrumental]"


def _seed(job: Job) -> int:
    return int(job.task_id.replace("-", "")[:8], 16)


def _round(value: float | None) -> float | None:
    return round(value, 2) if value else None


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:06.3f}"


def _marker(text: str, start: float, end: float) -> dict:
    return {"index": 0, "text": text, "start": round(start * 1000), "end": round(end * 1000)}
