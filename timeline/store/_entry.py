"""The format of a cache entry: its header and checksum, the key of a store file, and events
and companies packed into plain tuples (marshal-friendly) and back. Shared by the whole-store
cache (``_cache``) and the per-file entries of folder stores (``_parts``)."""

from __future__ import annotations

import contextlib
import marshal
import os
import stat
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from timeline import __version__
from timeline.dates import EventDate, PartialDate
from timeline.errors import WriteError
from timeline.fileio import atomic_write
from timeline.model import EVENT_FIELDS, Company, Event, Imported, Registry, Source
from timeline.store._load import Store

CACHE_FORMAT = 4  # 3: events carry `imported`; 4: packed rows kept for edits (issue 12)
# The code's version is part of the key: a release with stricter validation must not keep
# serving events that an older one accepted.
_TAG = (CACHE_FORMAT, __version__, sys.version_info[:2])
_ARITY = len(EVENT_FIELDS)
FileKey = tuple[str, int, int, int]


_MAGIC = b"TLC3"
_HEADER = len(_MAGIC) + 12  # magic, payload length (8 bytes), CRC-32 of the payload (4 bytes)
MAX_ENTRY_BYTES = 1 << 30


def _owned_folder(folder: Path, *, create: bool) -> bool:
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


def read_blob(path: Path) -> Any:
    """An entry's object: a regular file of this user, bounded, checksummed; OSError or
    ValueError when it is anything else (a FIFO, a device, a link, damaged, foreign)."""
    if not _owned_folder(path.parent, create=False):
        raise ValueError("cache folder not trusted")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid() or info.st_size > MAX_ENTRY_BYTES:
            raise ValueError("not a cache entry")
        with os.fdopen(os.dup(fd), "rb") as handle:
            blob = handle.read(MAX_ENTRY_BYTES + 1)
    finally:
        os.close(fd)
    if len(blob) < _HEADER or not blob.startswith(_MAGIC):
        raise ValueError("not a cache entry")
    length = int.from_bytes(blob[4:12], "little")
    payload = memoryview(blob)[_HEADER:]
    if length != len(payload) or zlib.crc32(payload) != int.from_bytes(blob[12:16], "little"):
        raise ValueError("damaged cache entry")
    return marshal.loads(payload)  # noqa: S302 - our own file: owned, private folder, checksummed


def write_blob(folder: Path, path: Path, value: Any) -> None:
    """Save an entry (private, atomic, not fsynced); failures are ignored (no cache)."""
    with contextlib.suppress(OSError, WriteError):
        if not _owned_folder(folder, create=True):
            return
        payload = marshal.dumps(value)
        header = _MAGIC + len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little")
        atomic_write(path, header + payload, durable=False)


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


def _pack(store: Store) -> bytes:
    return marshal.dumps((pack_companies(store.registry), pack_rows(store.events), store.order))


def unpack_rows(rows: tuple[tuple[Any, ...], ...]) -> tuple[Event, ...]:
    """Events from packed rows. tuple.__new__ builds each value type in C, skipping the
    NamedTuple's Python-level __new__ (and so its arity check, done here instead): this halves
    the cost of a warm start at 100,000 events."""
    if any(len(row) != _ARITY + 1 for row in rows):
        raise ValueError("cache rows do not match this version's event fields")
    new, part, event_date, source, event, imported = tuple.__new__, PartialDate, EventDate, Source, Event, Imported
    return tuple(
        new(
            event,
            (
                row[0],
                new(event_date, (new(part, row[1]), new(part, row[2]) if row[2] is not None else None)),
                row[3],
                row[4],
                row[5],
                row[6],
                row[7],
                tuple([new(source, s) for s in row[8]]),
                row[9],
                new(imported, row[10]) if row[10] is not None else None,
            ),
        )
        for row in rows
    )


def _unpack(payload: bytes, files: tuple[Path, ...]) -> Store:
    companies, rows, order = marshal.loads(payload)  # noqa: S302 - our own file, checked by key and format
    registry = Registry(tuple(Company(*c) for c in companies))
    return Store(unpack_rows(rows), registry, files, (), order)


