"""The lyrics store's key: the song's content, found without reading an hour-long file whole."""

from __future__ import annotations

from pathlib import Path

from desktop_app.jobs.store import file_sha256
from desktop_app.lyrics.model import LyricLine, Lyrics
from desktop_app.lyrics.store import LyricsStore, song_fingerprint

MIB = 1 << 20


def _write(path: Path, size: int, seed: int = 1) -> Path:
    data = bytearray((i * 31 + seed) % 251 for i in range(size))
    path.write_bytes(bytes(data))
    return path


def test_a_moved_song_keeps_its_key_and_a_changed_one_does_not(tmp_path: Path) -> None:
    song = _write(tmp_path / "song.wav", 40 * MIB)
    moved = tmp_path / "elsewhere.wav"
    moved.write_bytes(song.read_bytes())
    assert song_fingerprint(song) == song_fingerprint(moved)
    longer = tmp_path / "longer.wav"
    longer.write_bytes(song.read_bytes() + b"\0\0")
    assert song_fingerprint(longer) != song_fingerprint(song)
    data = bytearray(song.read_bytes())
    data[0] ^= 1  # the header (the first block is always read)
    changed = tmp_path / "changed.wav"
    changed.write_bytes(bytes(data))
    assert song_fingerprint(changed) != song_fingerprint(song)


def test_a_small_song_is_read_whole(tmp_path: Path) -> None:
    song = _write(tmp_path / "short.wav", 3 * MIB)
    data = bytearray(song.read_bytes())
    data[2 * MIB + 12345] ^= 1  # anywhere in a short file changes the key
    other = tmp_path / "other.wav"
    other.write_bytes(bytes(data))
    assert song_fingerprint(other) != song_fingerprint(song)


def test_lyrics_saved_under_the_whole_file_hash_are_found_and_renamed(tmp_path: Path) -> None:
    song = _write(tmp_path / "song.wav", 2 * MIB)
    store = LyricsStore(tmp_path / "lyrics")
    lyrics = Lyrics(lines=(LyricLine("first line", 1.0), LyricLine("second line", 3.5)))
    store.save(file_sha256(song), lyrics)  # where the first key scheme kept them
    key = store.key_for(song)
    assert store.load(key) is None  # without the song, only the new key is looked at
    assert store.load(key, song=song) == lyrics
    assert store.path_for(key).exists() and not store.path_for(file_sha256(song)).exists()
    assert store.load(key) == lyrics


def test_no_lyrics_anywhere_is_none(tmp_path: Path) -> None:
    song = _write(tmp_path / "song.wav", MIB)
    store = LyricsStore(tmp_path / "lyrics")
    assert store.load(store.key_for(song), song=song) is None
