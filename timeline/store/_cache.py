"""A cache of validated stores that is never stale.

An entry is keyed by the store's resolved path and is used only while every file's size,
modification time (ns) and CRC-32 of its bytes match, so an edit that keeps size and mtime is
still seen. Entries are written atomically into a private folder (0700, this user's, not
writable by others), signed with the folder's key (see ``_entry``); an entry that is not a
regular file of this user, too large, unsigned, damaged or of another version is a miss and is
removed, and a cache folder that cannot be written (or trusted) just means no cache. After a
write the folder is pruned (``_prune``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from timeline.errors import Finding
from timeline.store._entry import (
    _TAG,
    FileKey,
    _file_key,
    _pack,
    _unpack,
    discard,
    payload,
    read_blob,
    read_payload,
    write_blob,
)
from timeline.store._find import store_files
from timeline.store._load import Store, load, load_bytes, read_files
from timeline.store._prune import prune
from timeline.store._rows import PackedRows
from timeline.store._yaml import gc_paused


def cache_dir(environ: Mapping[str, str]) -> Path | None:
    """``$XDG_CACHE_HOME/timeline`` (default ``~/.cache/timeline``), or None when turned off.
    A relative ``XDG_CACHE_HOME`` is ignored, as the XDG spec says."""
    if environ.get("TIMELINE_NO_CACHE", "") not in ("", "0"):
        return None
    base = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline"


def _entry(folder: Path, store_path: Path) -> Path:
    """The entry's file name comes from two checksums of the resolved path, not hashlib (whose
    import costs more than a warm start's whole query): the entry itself records the resolved
    paths it is for, so two stores whose names collide can only evict each other, never mix."""
    key = str(store_path.resolve()).encode("utf-8", "surrogateescape")
    return folder / f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}.store"


def _read_all(files: list[Path]) -> list[tuple[Path, bytes, FileKey]] | None:
    """Each store file's bytes and key, read as the store's reader reads them (regular files
    only, bounded: a FIFO swapped in after discovery cannot hang the cache), or None."""
    from timeline.errors import ReadError
    from timeline.fileio import read_regular
    from timeline.store._yaml import MAX_STORE_BYTES

    try:
        return [(f, data, _file_key(f, data)) for f in files for data in (read_regular(f, MAX_STORE_BYTES),)]
    except (OSError, ReadError):
        return None


_ODD = (OSError, EOFError, ValueError, TypeError, IndexError, KeyError)  # what reading odd bytes raises
T = TypeVar("T")


def _use_entry(entry: Path, fresh: Callable[[Any], bool], build: Callable[[Any], T]) -> T | None:
    """What ``build`` makes of an entry's payload when ``fresh`` accepts its key, or None:
    missing or stale (a miss), or odd (a miss, and the entry is removed). What is built lives
    until the process ends, so the collector is kept from walking it (a tenth of a warm start
    at 100,000 events); a used entry is marked recently used, so pruning takes it last."""
    try:
        fields = read_blob(entry)
        if type(fields) is not tuple or len(fields) != 3 or fields[0] != _TAG:
            raise ValueError("not an entry of this version")
        if not fresh(fields[1]):
            return None  # stale: the next write replaces it
        with gc_paused():
            value = build(fields[2])
            gc.freeze()
    except FileNotFoundError:
        return None
    except _ODD:
        discard(entry)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)
    return value


def read(folder: Path, store_path: Path) -> Store | None:
    """The cached store, or None if there is no valid entry for the store as it is now."""
    files: list[Path] = []

    def fresh(keys: Any) -> bool:
        files.extend(store_files(store_path))
        current = _read_all(files)
        return current is not None and keys == tuple(key for _, _, key in current)

    return _use_entry(_entry(folder, store_path), fresh, lambda data: _unpack(data, tuple(files)))


def forget(folder: Path, store_path: Path) -> None:
    """Remove the store's entry (an edit found it does not describe the file)."""
    discard(_entry(folder, store_path))


def read_matching(
    folder: Path, store_path: Path, keys: tuple[FileKey, ...], files: tuple[Path, ...]
) -> tuple[Store, PackedRows] | None:
    """The cached store (and its packed rows, so an edit can write the next entry without
    packing every event again) if its entry was made for exactly these file keys (an edit has
    just read the files and computed them), else None."""
    return _use_entry(_entry(folder, store_path), keys.__eq__, lambda data: read_payload(data, files, lazy=True))


def write(
    folder: Path,
    store_path: Path,
    store: Store,
    keys: tuple[FileKey, ...],
    rows: PackedRows | list[Any] | None = None,
) -> None:
    """Save ``store`` for the files described by ``keys``; failures are ignored (no cache).
    ``rows``: the store's events already packed (an edit's fast path keeps them)."""
    if rows is None:
        data = _pack(store)
    else:
        packed = rows if isinstance(rows, PackedRows) else PackedRows.from_rows(rows)
        data = payload(store.registry, packed, store.order)
    entry = _entry(folder, store_path)
    write_blob(folder, entry, (_TAG, keys, data), str(store_path.resolve()))
    in_use = {entry.name}
    if len(keys) > 1:  # a folder store: its files' part entries are in use too
        from timeline.store._parts import part_entry

        in_use.update(part_entry(folder, key).name for key in keys)
    prune(folder, in_use)


def load_cached(store_path: Path, folder: Path | None) -> Store:
    """``store.load`` through the cache in ``folder`` (no cache when ``folder`` is None)."""
    if folder is None:
        return load(store_path)
    cached = read(folder, store_path)
    if cached is not None:
        return cached
    findings: list[Finding] = []
    read_ok = read_files(store_path, findings)
    keys = None
    with contextlib.suppress(OSError):
        keys = tuple(_file_key(f, data) for f, data in read_ok)
    folder_store = len(read_ok) > 1 and keys is not None and not findings
    if folder_store and keys is not None:
        from timeline.store._parts import load_parts, write_parts

        partial = load_parts(folder, read_ok, keys)
        if partial is not None:
            write(folder, store_path, partial.store, keys, partial.rows)
            write_parts(folder, partial.store, read_ok, keys, only=partial.reparsed)
            return partial.store
    store = load_bytes(read_ok, findings)
    if keys is not None:
        write(folder, store_path, store, keys)
        if folder_store:
            from timeline.store._parts import write_parts

            write_parts(folder, store, read_ok, keys)
    return store


# --- content-addressed entries: a store known by the ids of its bytes (e.g. git blob ids) ----
# Such a key names the bytes themselves, so an entry can never be stale; pruning keeps only
# the newest few (``_prune.CONTENT_ENTRIES_KEPT``), since every old revision read adds one.


def _content_entry(folder: Path, key: str) -> Path:
    raw = key.encode("utf-8", "surrogateescape")
    return folder / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.content"


def read_content(folder: Path, key: str, files: tuple[Path, ...] = ()) -> Store | None:
    """The store cached under ``key``, or None (no entry, or a damaged or foreign one)."""
    return _use_entry(_content_entry(folder, key), key.__eq__, lambda data: _unpack(data, files))


def write_content(folder: Path, key: str, store: Store) -> None:
    """Save ``store`` under ``key`` and drop all but the newest few such entries."""
    entry = _content_entry(folder, key)
    write_blob(folder, entry, (_TAG, key, _pack(store)))
    prune(folder, {entry.name})
