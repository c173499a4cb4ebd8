"""The format of a cache entry: its header and checksum, the key of a store file, and events
and companies packed into plain tuples (marshal-friendly) and back. Shared by the whole-store
cache (``_cache``) and the per-file entries of folder stores (``_parts``).

Nothing read from an entry is trusted: before any value becomes an Event, ``_checks`` checks
every field's type and value. Odd entries are misses.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from timeline import __version__
from timeline.dates import PartialDate
from timeline.errors import WriteError
from timeline.fileio import atomic_write
from timeline.model import Event, Registry
from timeline.store._checks import check_ids, check_rows, registry_of
from timeline.store._lazy import LazyEvents, events_from_columns
from timeline.store._load import Store
from timeline.store._rows import PackedRows

# 3: events carry `imported`; 4: packed rows kept for edits; 5: rows in chunks, checked on read;
# 6: the rows' ids beside the chunks, which edits decode only as they read them
CACHE_FORMAT = 6
# The code's version is part of the key: a release with stricter validation must not keep
# serving events that an older one accepted.
_TAG = (CACHE_FORMAT, __version__, sys.version_info[:2])
FileKey = tuple[str, int, int, int]


_MAGIC = b"TLC6"
# magic, payload length (8 bytes), CRC-32 of the payload (4 bytes), length of the source (2
# bytes), then the source: the path of the store or file the entry is for, readable without the
# payload so that pruning can find entries of stores that no longer exist.
_HEADER = len(_MAGIC) + 14
MAX_ENTRY_BYTES = 1 << 30
MAX_SOURCE_BYTES = 4096  # more than any path the system accepts (PATH_MAX)


def owned_folder(folder: Path, *, create: bool) -> bool:
    """Whether ``folder`` is a real folder of this user that nobody else can write to (made
    0700 when created): an entry planted by someone else must never be served."""
    try:
        if create:
            folder.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):
                folder.mkdir(mode=0o700)
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _open_entry(path: Path) -> int:
    """A descriptor of ``path`` if it is a regular file of this user within the size bound
    (opened without following a link and without blocking on a FIFO); else ValueError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_size > MAX_ENTRY_BYTES:
        os.close(fd)
        raise ValueError("not a cache entry")
    return fd


def read_blob(path: Path) -> Any:
    """An entry's object: a regular file of this user, bounded, checksummed; OSError or
    ValueError when it is anything else (a FIFO, a device, a link, damaged, foreign)."""
    if not owned_folder(path.parent, create=False):
        raise ValueError("cache folder not trusted")
    fd = _open_entry(path)
    with os.fdopen(fd, "rb") as handle:
        blob = handle.read(MAX_ENTRY_BYTES + 1)
    if len(blob) < _HEADER or not blob.startswith(_MAGIC):
        raise ValueError("not a cache entry")
    length = int.from_bytes(blob[4:12], "little")
    start = _HEADER + int.from_bytes(blob[16:18], "little")
    payload = memoryview(blob)[start:]
    if length != len(payload) or zlib.crc32(payload) != int.from_bytes(blob[12:16], "little"):
        raise ValueError("damaged cache entry")
    return marshal.loads(payload)  # noqa: S302 - our own file: owned, private folder, checksummed


def read_source(path: Path) -> str | None:
    """The path an entry is for, read from its header alone; None when it is not an entry."""
    try:
        fd = _open_entry(path)
    except (OSError, ValueError):
        return None
    with os.fdopen(fd, "rb") as handle:
        head = handle.read(_HEADER + MAX_SOURCE_BYTES)
    if len(head) < _HEADER or not head.startswith(_MAGIC):
        return None
    size = int.from_bytes(head[16:18], "little")
    if size > MAX_SOURCE_BYTES or len(head) < _HEADER + size:
        return None
    return head[_HEADER : _HEADER + size].decode("utf-8", "surrogateescape")


def write_blob(folder: Path, path: Path, value: Any, source: str = "") -> None:
    """Save an entry (private, atomic, not fsynced) for ``source``, the path it is for;
    failures are ignored (no cache)."""
    with contextlib.suppress(OSError, WriteError):
        if not owned_folder(folder, create=True):
            return
        payload = marshal.dumps(value)
        raw = source.encode("utf-8", "surrogateescape")[:MAX_SOURCE_BYTES]
        header = (
            _MAGIC
            + len(payload).to_bytes(8, "little")
            + zlib.crc32(payload).to_bytes(4, "little")
            + len(raw).to_bytes(2, "little")
            + raw
        )
        atomic_write(path, header + payload, durable=False)


def discard(path: Path) -> None:
    """Remove an odd entry from our own folder (it would be a miss every time)."""
    if owned_folder(path.parent, create=False):
        with contextlib.suppress(OSError):
            os.unlink(path)


def _file_key(path: Path, data: bytes) -> FileKey:
    stat = path.stat()  # taken after reading: a later edit changes size, mtime or CRC
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns, zlib.crc32(data))


def _part(p: PartialDate) -> tuple[int, int | None, int | None, bool, bool]:
    return (p.year, p.month, p.day, p.approximate, p.uncertain)


def pack_rows(events: Iterable[Event]) -> tuple[Any, ...]:
    """Rows follow EVENT_FIELDS, with the date as two packed parts and sources as plain tuples."""
    part = _part
    return tuple(
        (
            e.id,
            part(e.date.start),
            part(e.date.end) if e.date.end is not None else None,
            *e[2:7],
            tuple(tuple(s) for s in e.sources),
            e.related,
            tuple(e.imported) if e.imported is not None else None,
        )
        for e in events
    )


def pack_companies(registry: Registry) -> tuple[Any, ...]:
    return tuple((c.name, c.aliases, c.parent) for c in registry.companies)


def payload(registry: Registry, rows: PackedRows, order: tuple[tuple[str, ...], ...]) -> bytes:
    """A whole store as an entry's payload: companies, the rows' ids (one text, a line each),
    the chunks' lengths and the chunks, and each file's ids in file order."""
    ids = "\n".join(rows.ids)
    return marshal.dumps((pack_companies(registry), ids, rows.lengths(), rows.blobs(), order))


def _pack(store: Store) -> bytes:
    return payload(store.registry, PackedRows.from_rows(pack_rows(store.events)), store.order)


def read_payload(data: object, files: tuple[Path, ...], *, lazy: bool = False) -> tuple[Store, PackedRows]:
    """The store in a payload, every value checked (ValueError/TypeError when anything is odd).
    ``lazy``: its events are decoded, checked and built only when read (``LazyEvents``; for
    edits), after the ids are checked."""
    if type(data) is not bytes:
        raise ValueError("not a cache payload")
    companies, joined, lengths, blobs, order = marshal.loads(data)  # noqa: S302 - our own file; values checked
    registry = registry_of(companies)
    ids = check_ids(joined)
    rows = PackedRows.from_entry(blobs, lengths, joined.split("\n") if joined else [])
    if type(order) is not tuple or not all(type(file_ids) is tuple for file_ids in order):
        raise ValueError("cache order is not ids")
    if sum(map(len, order)) != len(rows) or set(chain.from_iterable(order)) != ids:
        raise ValueError("cache order does not list the events")
    events: Sequence[Event]
    if lazy:
        events = LazyEvents(rows, registry, ids)
    else:
        _, columns = check_rows(tuple(rows), registry)
        events = events_from_columns(columns)
    return Store(events, registry, files, (), order), rows


def unpack_rows(
    rows: tuple[tuple[Any, ...], ...], registry: Registry, known_ids: Iterable[str] = ()
) -> tuple[Event, ...]:
    """Events from packed rows, checked first (``check_rows``)."""
    return events_from_columns(check_rows(rows, registry, known_ids)[1])


def _unpack(data: object, files: tuple[Path, ...]) -> Store:
    return read_payload(data, files)[0]
