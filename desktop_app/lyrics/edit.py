"""New words for picked lines → the inpaint request's two lyrics fields and a diff (no Qt).

MusicGPT's inpaint wants ``lyrics`` (the whole song's words as they should be after the edit)
and ``lyrics_section_to_replace`` (exactly the new words). Both come from one edit here so they
cannot disagree.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace

from desktop_app.lyrics.model import LyricLine, Lyrics


@dataclass(frozen=True)
class LyricsEdit:
    lyrics: str  # the full text with the picked lines replaced
    section: str  # exactly the new words
    diff: str  # "- old line" / "+ new line" for the lines that change
    edited: Lyrics  # the lyrics after the edit (the new lines keep the old lines' times where they can)


def edit_lines(lyrics: Lyrics, first: int, last: int, new_words: str) -> LyricsEdit:
    """Replace sung lines ``first``..``last`` (numbers from 1); section tags between them stay."""
    first_index, last_index = lyrics.index_of(first), lyrics.index_of(last)
    old = lyrics.lines[first_index : last_index + 1]
    new_texts = [t.strip() for t in new_words.replace("\r\n", "\n").split("\n")]
    new_texts = [t for t in new_texts if t] or [""]
    sung_count = sum(1 for line in old if line.is_sung)
    block: list[LyricLine] = []
    if len(new_texts) == sung_count:  # line for line: each keeps its time and place
        pending = iter(new_texts)
        block = [LyricLine(next(pending), line.start) if line.is_sung else line for line in old]
    else:  # all new lines where the first picked line was; the first keeps its start, the rest await a tap
        for line in old:
            if not line.is_sung:
                block.append(line)
            elif line is old[0]:
                block += [LyricLine(text, line.start if i == 0 else None) for i, text in enumerate(new_texts)]
    edited = replace(lyrics, lines=lyrics.lines[:first_index] + tuple(block) + lyrics.lines[last_index + 1 :])
    return LyricsEdit(
        lyrics=edited.text(),
        section=new_words,
        diff=lyrics_diff([line.text for line in old], [line.text for line in block]),
        edited=edited,
    )


def lyrics_diff(old: list[str], new: list[str]) -> str:
    """A small line diff: unchanged lines with two spaces, removed with "- ", added with "+ "."""
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [f"  {line}" for line in old[i1:i2]]
            continue
        out += [f"- {line}" for line in old[i1:i2]]
        out += [f"+ {line}" for line in new[j1:j2]]
    return "\n".join(out)
