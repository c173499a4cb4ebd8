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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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


def _read_entry(entry: Path) -> tuple[Any, ...] | None:
    """An entry's fields, or None: missing (a miss) or odd (a miss, and removed)."""
    try:
        fields = read_blob(entry)
        if type(fields) is tuple and len(fields) >= 3 and fields[0] == _TAG:
            return fields
    except FileNotFoundError:
        return None
    except _ODD:
        pass
    discard(entry)
    return None


def read(folder: Path, store_path: Path) -> Store | None:
    """The cached store, or None if there is no valid entry for the store as it is now."""
    entry = _entry(folder, store_path)
    fields = _read_entry(entry)
    if fields is None or len(fields) != 3:
        return None
    try:
        files = store_files(store_path)
        current = _read_all(files)
        if current is None or fields[1] != tuple(key for _, _, key in current):
            return None  # stale: the next write replaces it
        with gc_paused():
            store = _unpack(fields[2], tuple(files))
            # The store lives until the process ends: keep the collector from walking its
            # hundred thousand tuples once it is switched on again (a tenth of a warm start).
            gc.freeze()
    except _ODD:
        discard(entry)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruned last
    return store


def forget(folder: Path, store_path: Path) -> None:
    """Remove the store's entry (an edit found it does not describe the file)."""
    discard(_entry(folder, store_path))


def read_matching(
    folder: Path, store_path: Path, keys: tuple[FileKey, ...], files: tuple[Path, ...]
) -> tuple[Store, PackedRows] | None:
    """The cached store (and its packed rows, so an edit can write the next entry without
    packing every event again) if its entry was made for exactly these file keys (an edit has
    just read the files and computed them), else None."""
    entry = _entry(folder, store_path)
    fields = _read_entry(entry)
    if fields is None or len(fields) != 3 or fields[1] != keys:
        return None
    try:
        with gc_paused():
            store, rows = read_payload(fields[2], files, lazy=True)
            gc.freeze()
            return store, rows
    except _ODD:
        discard(entry)
        return None


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
# Such a key names the bytes themselves, so an entry can never be stale; only the newest few
# are kept, since every old revision read would otherwise add one.
CONTENT_ENTRIES_KEPT = 8


def _content_entry(folder: Path, key: str) -> Path:
    raw = key.encode("utf-8", "surrogateescape")
    return folder / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.content"


def read_content(folder: Path, key: str, files: tuple[Path, ...] = ()) -> Store | None:
    """The store cached under ``key``, or None (no entry, or a damaged or foreign one)."""
    entry = _content_entry(folder, key)
    fields = _read_entry(entry)
    if fields is None or len(fields) != 3 or fields[1] != key:
        return None
    try:
        with gc_paused():
            store = _unpack(fields[2], files)
    except _ODD:
        discard(entry)
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: pruned last
    return store


def write_content(folder: Path, key: str, store: Store) -> None:
    """Save ``store`` under ``key`` and drop all but the newest few such entries."""
    entry = _content_entry(folder, key)
    write_blob(folder, entry, (_TAG, key, _pack(store)))
    with contextlib.suppress(OSError):
        entries = sorted(folder.glob("*.content"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in entries[CONTENT_ENTRIES_KEPT:]:
            stale.unlink(missing_ok=True)
    prune(folder, {entry.name})
