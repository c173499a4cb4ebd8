"""The format of a cache entry: its header and checksum, the key of a store file, and events
and companies packed into plain tuples (marshal-friendly) and back. Shared by the whole-store
cache (``_cache``) and the per-file entries of folder stores (``_parts``).

Nothing read from an entry is trusted: before any value becomes an Event, ``check_rows`` checks
every field's type and every value a store could not hold (a 13th month, a ``javascript:``
source, a company the registry lacks, a related id no event has). Odd entries are misses.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import stat
import sys
import zlib
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import chain, compress
from operator import itemgetter
from pathlib import Path
from typing import Any

from timeline import __version__
from timeline.dates import EventDate, PartialDate
from timeline.errors import WriteError
from timeline.fileio import atomic_write
from timeline.model import EVENT_FIELDS, KINDS, SOURCE_FIELDS, Company, Event, Imported, Registry, Source
from timeline.store._load import Store
from timeline.store._parse import ID_MAX

# 3: events carry `imported`; 4: packed rows kept for edits; 5: rows in chunks, checked on read
CACHE_FORMAT = 5
# The code's version is part of the key: a release with stricter validation must not keep
# serving events that an older one accepted.
_TAG = (CACHE_FORMAT, __version__, sys.version_info[:2])
_ARITY = len(EVENT_FIELDS)
FileKey = tuple[str, int, int, int]


_MAGIC = b"TLC5"
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


# --- rows in chunks ---------------------------------------------------------------------------

CHUNK_ROWS = 1024  # rows per marshalled chunk: an edit re-encodes about this many, not all


class PackedRows:
    """A store's packed rows, in store order, as chunks that stay marshalled until changed:
    writing the entry after an edit re-encodes only the chunks the edit touched (at 100,000
    events, marshalling every row again cost more than the rest of an ``add``)."""

    __slots__ = ("_chunks",)

    def __init__(self, chunks: list[tuple[bytes | None, Sequence[Any]]]) -> None:
        self._chunks = [chunk for chunk in chunks if chunk[1]]

    @classmethod
    def from_rows(cls, rows: Sequence[Any]) -> PackedRows:
        return cls([(None, rows[i : i + CHUNK_ROWS]) for i in range(0, len(rows), CHUNK_ROWS)])

    @classmethod
    def from_blobs(cls, blobs: object) -> PackedRows:
        """Chunks as read from an entry (ValueError/TypeError/EOFError when they are not)."""
        if type(blobs) is not tuple or not all(type(b) is bytes for b in blobs):
            raise ValueError("cache rows are not chunks")
        chunks = [(blob, marshal.loads(blob)) for blob in blobs]  # noqa: S302 - checked by check_rows
        if not all(type(rows) is tuple for _, rows in chunks):
            raise ValueError("cache rows are not chunks")
        return cls(chunks)

    def __len__(self) -> int:
        return sum(len(rows) for _, rows in self._chunks)

    def __iter__(self) -> Any:
        return chain.from_iterable(rows for _, rows in self._chunks)

    def _find(self, index: int) -> tuple[int, int]:
        for number, (_, rows) in enumerate(self._chunks):
            if index < len(rows):
                return number, index
            index -= len(rows)
        return len(self._chunks) - 1, index  # the end: after the last chunk's last row

    def _changed(self, number: int) -> list[Any]:
        rows = self._chunks[number][1]
        mutable = rows if isinstance(rows, list) else list(rows)
        self._chunks[number] = (None, mutable)
        return mutable

    def insert(self, index: int, row: Any) -> None:
        if not self._chunks:
            self._chunks.append((None, [row]))
            return
        number, at = self._find(index)
        rows = self._changed(number)
        rows.insert(at, row)
        if len(rows) > 2 * CHUNK_ROWS:
            self._chunks[number : number + 1] = [(None, rows[:CHUNK_ROWS]), (None, rows[CHUNK_ROWS:])]

    def __delitem__(self, index: int) -> None:
        number, at = self._find(index)
        rows = self._changed(number)
        del rows[at]
        if not rows:
            del self._chunks[number]

    def blobs(self) -> tuple[bytes, ...]:
        return tuple(blob if blob is not None else marshal.dumps(tuple(rows)) for blob, rows in self._chunks)


def payload(registry: Registry, rows: PackedRows, order: tuple[tuple[str, ...], ...]) -> bytes:
    """A whole store as an entry's payload: companies, row chunks and each file's ids."""
    return marshal.dumps((pack_companies(registry), rows.blobs(), order))


def _pack(store: Store) -> bytes:
    return payload(store.registry, PackedRows.from_rows(pack_rows(store.events)), store.order)


def read_payload(data: object, files: tuple[Path, ...]) -> tuple[Store, PackedRows]:
    """The store in a payload, every value checked (ValueError/TypeError when anything is odd)."""
    if type(data) is not bytes:
        raise ValueError("not a cache payload")
    companies, blobs, order = marshal.loads(data)  # noqa: S302 - our own file; every value checked below
    registry = registry_of(companies)
    rows = PackedRows.from_blobs(blobs)
    events = unpack_rows(tuple(rows), registry)
    if type(order) is not tuple or not all(type(ids) is tuple for ids in order):
        raise ValueError("cache order is not ids")
    ids = set(chain.from_iterable(order))
    if sum(map(len, order)) != len(events) or ids != set(map(itemgetter(0), events)):
        raise ValueError("cache order does not list the events")
    return Store(events, registry, files, (), order), rows


# --- checking what was read -------------------------------------------------------------------

_NONE = type(None)
_IDS = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{ID_MAX - 1}}}(?:\n[a-z0-9][a-z0-9-]{{0,{ID_MAX - 1}}})*")
_BAD_URL_START = re.compile(r"\n(?!https?://[^\s/?#])")  # a line that does not start as a URL must
_ASCII_SPACE = (" ", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")  # what str.split() splits on
_TAGS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\n[a-z0-9]+(?:-[a-z0-9]+)*)*")


def _types(values: Iterable[Any], allowed: set[type]) -> bool:
    return set(map(type, values)) <= allowed


def _all_match(pattern: re.Pattern[str], values: Sequence[str]) -> bool:
    """Every value matches (one regex over the values joined by newlines, which none holds)."""
    return not values or pattern.fullmatch("\n".join(values)) is not None


def _part_ok(part: object) -> bool:
    if type(part) is not tuple or len(part) != 5:
        return False
    year, month, day, approximate, uncertain = part
    if type(year) is not int or type(approximate) is not bool or type(uncertain) is not bool:
        return False
    if month is None:
        return day is None and 1 <= year <= 9999
    if type(month) is not int or (day is not None and type(day) is not int):
        return False
    try:
        date(year, month, day or 1)
    except (ValueError, OverflowError):
        return False
    return True


def _urls_ok(urls: Sequence[str]) -> bool:
    """Every URL is what the store accepts: http(s), a host, no whitespace. Checked on the
    URLs joined by newlines with scans that run in C (a regex over each URL cost 4 ms per
    10,000 events)."""
    if not urls:
        return True
    joined = "\n" + "\n".join(urls)
    if joined.count("\n") != len(urls) or _BAD_URL_START.search(joined):
        return False
    if joined.isascii():
        return not any(space in joined for space in _ASCII_SPACE)
    return joined.split() == list(urls)


def registry_of(companies: object) -> Registry:
    """The registry from packed companies, checked (ValueError when odd)."""
    if type(companies) is not tuple or not all(type(c) is tuple and len(c) == 3 for c in companies):
        raise ValueError("cache companies are not companies")
    names = {c[0] for c in companies}
    for name, aliases, parent in companies:
        if type(name) is not str or type(aliases) is not tuple or not _types(aliases, {str}):
            raise ValueError("cache companies are not companies")
        if parent is not None and parent not in names:
            raise ValueError("cache company has an unknown parent")
    if len(names) != len(companies):
        raise ValueError("cache companies repeat a name")
    return Registry(tuple(Company(*c) for c in companies))


def check_rows(rows: Sequence[Any], registry: Registry, known_ids: Iterable[str] = ()) -> None:
    """ValueError unless every row holds values a valid store can hold. Checked by column and
    over distinct values (C-level set and regex work), so it costs a few percent of a warm
    start, not a Python loop over every field of every event. ``known_ids``: ids outside these
    rows that related links may name (the other files of a folder store)."""
    if not _types(rows, {tuple}) or set(map(len, rows)) - {_ARITY + 1}:
        raise ValueError("cache rows do not match this version's event fields")
    if not rows:
        return
    ids, starts, ends, titles, companies, kinds, tags, summaries, sources, related, imported = zip(*rows, strict=True)
    if not _types(ids, {str}) or len(set(ids)) != len(ids) or not _all_match(_IDS, ids):
        raise ValueError("cache ids are not ids")
    bounds = set(ends)
    bounds.discard(None)
    if not all(map(_part_ok, set(starts) | bounds)) or not all(
        PartialDate(*end).last_ymd >= PartialDate(*start).first_ymd
        for start, end in set(compress(zip(starts, ends, strict=True), ends))
    ):
        raise ValueError("cache dates are not dates")
    if not _types(titles, {str}) or not _types(summaries, {str, _NONE}) or not set(kinds) <= set(KINDS):
        raise ValueError("cache text is not text")
    if not _types(companies, {tuple}) or not set(chain.from_iterable(companies)) <= {
        c.name for c in registry.companies
    }:
        raise ValueError("cache companies are not in the registry")
    if not _types(tags, {tuple}) or not _types(related, {tuple}) or not _types(sources, {tuple}):
        raise ValueError("cache lists are not lists")
    all_tags = set(chain.from_iterable(tags))
    if not _types(all_tags, {str}) or not _all_match(_TAGS, sorted(all_tags)):
        raise ValueError("cache tags are not tags")
    every = set(chain.from_iterable(related))
    if every - set(ids) - set(known_ids):
        raise ValueError("cache related ids name no event")
    flat = tuple(chain.from_iterable(sources))
    if not _types(flat, {tuple}) or set(map(len, flat)) - {len(SOURCE_FIELDS)}:
        raise ValueError("cache sources are not sources")
    if flat:
        urls, *rest = zip(*flat, strict=True)
        if not _types(urls, {str}) or not _urls_ok(urls):
            raise ValueError("cache source urls are not urls")
        if not all(_types(column, {str, _NONE}) for column in rest):
            raise ValueError("cache sources are not sources")
    for record in set(imported) - {None}:
        if type(record) is not tuple or len(record) != len(Imported._fields):
            raise ValueError("cache provenance is not provenance")
        origin, file, own_id, row, at = record
        if type(origin) is not str or not _types((file, own_id, at), {str, _NONE}) or type(row) not in (int, _NONE):
            raise ValueError("cache provenance is not provenance")


def unpack_rows(
    rows: tuple[tuple[Any, ...], ...], registry: Registry, known_ids: Iterable[str] = ()
) -> tuple[Event, ...]:
    """Events from packed rows, checked first (``check_rows``). tuple.__new__ builds each value
    type in C, skipping the NamedTuple's Python-level __new__: this halves the cost of a warm
    start at 100,000 events."""
    check_rows(rows, registry, known_ids)
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


def _unpack(data: object, files: tuple[Path, ...]) -> Store:
    return read_payload(data, files)[0]
