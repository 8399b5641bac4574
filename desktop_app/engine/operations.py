"""Run one job's signal processing and write its takes (WAV at the input's rate/channels, and MP3).

Called on a worker thread. Returns nothing: it fills the job's takes and lets the caller persist.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from desktop_app.audio import load
from desktop_app.engine import takefiles, voices
from desktop_app.engine.dsp import cover, inpaint, remix, vocals
from desktop_app.engine.store import Job, JobStore

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
}


def wav_subtype(input_info: dict) -> str:
    """Keep the input's PCM depth (so unchanged samples stay bit-exact); float for everything else."""
    subtype = str(input_info.get("subtype", ""))
    return subtype if subtype in ("PCM_16", "PCM_24") else "FLOAT"


def run(job: Job, store: JobStore) -> None:
    clip = load(store.input_path(job))
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
    _write_takes(job, store, outputs, rate, details, stamps)


def _write_takes(job: Job, store: JobStore, outputs: list[np.ndarray], rate: int, details, stamps) -> None:
    subtype = wav_subtype(job.input_info)
    folder = store.conversions_dir
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
        store.save(job)


def _lyrics(job: Job) -> str:
    params = job.params
    if job.kind == "INPAINT":
        return params.get("lyrics_section_to_replace") or params.get("lyrics", "")
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
