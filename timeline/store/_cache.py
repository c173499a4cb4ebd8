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
from typing import Any, TypeVar, cast

from timeline.errors import Finding
from timeline.store._entry import (
    _TAG,
    FileKey,
    _file_key,
    _pack,
    _unpack,
    discard,
    pack_rows,
    payload,
    read_blob,
    read_payload,
    save_blob,
    signed_blob,
    write_blob,
)
from timeline.store._find import store_files
from timeline.store._load import Store, load, load_bytes, read_files
from timeline.store._parts import Partial, company_texts, load_changed
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


def _use_entry(entry: Path, build: Callable[[Any, Any], T | None]) -> T | None:
    """What ``build`` makes of an entry's key and payload, or None: missing, or stale (``build``
    gave None: a miss), or odd (a miss, and the entry is removed). What is built lives until
    the process ends, so the collector is kept from walking it (a tenth of a warm start at
    100,000 events); a used entry is marked recently used, so pruning takes it last."""
    try:
        head, chunks = read_blob(entry)
        if type(head) is not tuple or len(head) != 3 or head[0] != _TAG:
            raise ValueError("not an entry of this version")
        with gc_paused():
            value = build(head[1], (head[2], chunks))
            if value is None:
                return None  # stale: the next write replaces it
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
    files = store_files(store_path)
    current = _read_all(files)
    if current is None:
        return None
    keys = tuple(key for _, _, key in current)

    def build(old: Any, data: Any) -> Store | None:
        return _unpack(data, tuple(files)) if old == keys else None

    return _use_entry(_entry(folder, store_path), build)


def forget(folder: Path, store_path: Path) -> None:
    """Remove the store's entry (an edit found it does not describe the file)."""
    discard(_entry(folder, store_path))


def read_matching(
    folder: Path, store_path: Path, keys: tuple[FileKey, ...], files: tuple[Path, ...]
) -> tuple[Store, PackedRows] | None:
    """The cached store (and its packed rows, so an edit can write the next entry without
    packing every event again) if its entry was made for exactly these file keys (an edit has
    just read the files and computed them), else None."""

    def build(old: Any, data: Any) -> tuple[Store, PackedRows] | None:
        return read_payload(data, files, lazy=True) if old == keys else None

    return _use_entry(_entry(folder, store_path), build)


def prepare(
    folder: Path,
    store_path: Path,
    store: Store,
    keys: tuple[FileKey, ...],
    rows: PackedRows | None = None,
    texts: tuple[str, ...] = (),
) -> Callable[[], None]:
    """Save ``store`` for the files described by ``keys``, in two steps: the entry is made
    (packed and signed) now, and saved by the call this returns (an edit makes it while the
    store file is being fsynced, and saves it once the store file is in place); failures are
    ignored (no cache). ``rows``: the store's events already packed (an edit's fast path keeps
    them); ``texts``: each file's companies text, for a folder store (``_parts.company_texts``)."""
    packed = PackedRows.from_rows(pack_rows(store.events)) if rows is None else rows
    entry = _entry(folder, store_path)
    fields, chunks = payload(store.registry, packed, store.order, texts)
    blob = signed_blob(folder, (_TAG, keys, fields), chunks, str(store_path.resolve()))

    def save() -> None:
        if blob is not None:
            save_blob(entry, blob)
        prune(folder, {entry.name})

    return save


def load_cached(store_path: Path, folder: Path | None) -> Store:
    """``store.load`` through the cache in ``folder`` (no cache when ``folder`` is None)."""
    return _load_cached(store_path, folder)[0]


def _load_cached(store_path: Path, folder: Path | None) -> tuple[Store, set[int] | None]:
    """The store and which of its files were parsed: none (warm), some (a folder store whose
    other files were served by the entry) or all (None)."""
    if folder is None:
        return load(store_path), None
    from timeline.store._yaml import MAX_STORE_BYTES, MAX_STORE_FILES

    files = store_files(store_path)
    current = _read_all(files)
    within = current is not None and len(current) <= MAX_STORE_FILES
    within = within and sum(len(data) for _, data, _ in current or ()) <= MAX_STORE_BYTES
    if current is not None:
        keys = tuple(key for _, _, key in current)

        def build(old: Any, data: Any) -> Store | Partial | None:
            if old == keys:
                return _unpack(data, tuple(files))
            if len(current) > 1 and within:
                return load_changed(data, old, current)
            return None

        # (mypy joins the union T | None is matched against to object)
        found = cast("Store | Partial | None", _use_entry(_entry(folder, store_path), build))
        if isinstance(found, Store):
            return found, set()
        if isinstance(found, Partial):
            prepare(folder, store_path, found.store, keys, found.rows, found.texts)()
            return found.store, found.reparsed
    findings: list[Finding] = []
    if current is not None and within:  # every file read above: not read again
        read_ok = [(path, data) for path, data, _ in current]
    else:  # the reader says why a file cannot be read, or which limit the store is over
        read_ok = read_files(store_path, findings)
    store = load_bytes(read_ok, findings)
    with contextlib.suppress(OSError):
        keys = tuple(_file_key(f, data) for f, data in read_ok)
        prepare(folder, store_path, store, keys, texts=company_texts([data for _, data in read_ok]))()
    return store, None


# --- content-addressed entries: a store known by the ids of its bytes (e.g. git blob ids) ----
# Such a key names the bytes themselves, so an entry can never be stale; pruning keeps only
# the newest few (``_prune.CONTENT_ENTRIES_KEPT``), since every old revision read adds one.


def _content_entry(folder: Path, key: str) -> Path:
    raw = key.encode("utf-8", "surrogateescape")
    return folder / f"{zlib.crc32(raw):08x}{zlib.adler32(raw):08x}.content"


def read_content(folder: Path, key: str, files: tuple[Path, ...] = ()) -> Store | None:
    """The store cached under ``key``, or None (no entry, or a damaged or foreign one)."""
    return _use_entry(_content_entry(folder, key), lambda old, data: _unpack(data, files) if old == key else None)


def write_content(folder: Path, key: str, store: Store) -> None:
    """Save ``store`` under ``key`` and drop all but the newest few such entries."""
    entry = _content_entry(folder, key)
    fields, chunks = _pack(store)
    write_blob(folder, entry, (_TAG, key, fields), chunks)
    prune(folder, {entry.name})
