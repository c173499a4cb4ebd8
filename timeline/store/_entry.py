"""The format of a cache entry: its header and checksum, the key of a store file, and events
and companies packed into plain tuples (marshal-friendly) and back. Shared by the whole-store
cache (``_cache``) and the re-reading of a folder store's changed files (``_parts``).

An entry is used only when its MAC, keyed with a secret only this user can read, verifies:
so it was written by this code, and a crafted, planted or damaged entry is a miss whatever it
holds. Edits read entries lazily and also check each value they read (``_checks``).
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
from timeline.fileio import atomic_write, create_temp
from timeline.model import Event, Registry
from timeline.store._checks import check_ids, registry_of
from timeline.store._lazy import LazyEvents, events_from_columns
from timeline.store._load import Store
from timeline.store._rows import PackedRows

try:  # the C module hashlib itself uses: hashlib's import costs more than a warm start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - a Python built without it
    from hashlib import blake2b

# 3: events carry `imported`; 4: packed rows kept for edits; 5: rows in chunks, checked on read;
# 6: the rows' ids beside the chunks, which edits decode only as they read them; 7: signed;
# 8: each file's companies text, so that a stale entry of a folder store serves its unchanged
# files, and each row's first and last day; 9: the chunks after the marshalled head, read as
# views, and the ids that related links name
CACHE_FORMAT = 9
# The code's version is part of the key: a release with stricter validation must not keep
# serving events that an older one accepted.
_TAG = (CACHE_FORMAT, __version__, sys.version_info[:2])
FileKey = tuple[str, int, int, int]


_MAGIC = b"TLC9"
# magic, payload length (8 bytes), MAC of the payload (16 bytes: keyed BLAKE2b), length of the
# source (2 bytes), then the source: the path of the store or file the entry is for, readable
# without the payload so that pruning can find entries of stores that no longer exist.
_HEADER = len(_MAGIC) + 26
MAX_ENTRY_BYTES = 1 << 30
MAX_SOURCE_BYTES = 4096  # more than any path the system accepts (PATH_MAX)
KEY_NAME = "key"  # the cache folder's secret: entries are signed with it
_KEY_BYTES = 32


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


def _key(folder: Path, *, create: bool) -> bytes | None:
    """The folder's secret key (made, owner-only, when ``create``), or None. Only this user can
    read it, so an entry whose MAC verifies was written by this code for this user: a crafted,
    planted or damaged entry is a miss, whatever it holds."""
    path = folder / KEY_NAME
    try:
        fd = _open_entry(path)
        with os.fdopen(fd, "rb") as handle:
            key = handle.read(_KEY_BYTES + 1)
    except FileNotFoundError:
        if not create:
            return None
        fd, temp = create_temp(path)  # written whole, then linked: never seen half made
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(_KEY_BYTES))
            with contextlib.suppress(FileExistsError):  # another process made it first: use that one
                os.link(temp, path)
        finally:
            os.unlink(temp)
        return _key(folder, create=False)
    except (OSError, ValueError):
        return None
    return key if len(key) == _KEY_BYTES else None


# From this size, HMAC-SHA256 (OpenSSL, with the CPU's SHA instructions) costs less, its import
# included: 27 ms against 60 for keyed BLAKE2b over the 47 MB entry of 100,000 events; importing
# ``_hashlib`` costs about 3.5 ms, more than BLAKE2b over a small store's entry.
LARGE_PAYLOAD = 8 << 20


def _mac(key: bytes, payload: bytes | memoryview) -> bytes:
    """The payload's MAC: keyed BLAKE2b-128, or HMAC-SHA256 cut to 128 bits for a large one
    (chosen by the length, which the header also records)."""
    if len(payload) >= LARGE_PAYLOAD:
        try:
            from _hashlib import hmac_digest
        except ImportError:  # pragma: no cover - a Python built without OpenSSL
            import hmac

            return hmac.digest(key, payload, "sha256")[:16]
        return hmac_digest(key, payload, "sha256")[:16]
    return blake2b(payload, key=key, digest_size=16).digest()


def read_blob(path: Path) -> tuple[Any, list[memoryview]]:
    """An entry's head (its marshalled object) and chunks (views of the bytes read, not
    copies: at 100,000 events, copying them cost 25 ms a read): a regular file of this user,
    bounded, signed with the folder's key; OSError or ValueError when it is anything else (a
    FIFO, a device, a link, damaged, foreign, crafted)."""
    if not owned_folder(path.parent, create=False):
        raise ValueError("cache folder not trusted")
    key = _key(path.parent, create=False)
    if key is None:
        raise ValueError("no cache key")
    fd = _open_entry(path)
    with os.fdopen(fd, "rb") as handle:
        blob = handle.read(MAX_ENTRY_BYTES + 1)
    length, mac, source = _header(blob)
    payload = memoryview(blob)[source.stop :]
    if length != len(payload) or _mac(key, payload) != mac:
        raise ValueError("damaged or foreign cache entry")
    size = int.from_bytes(payload[:8], "little")
    head, sizes = marshal.loads(payload[8 : 8 + size])  # noqa: S302 - signed with this user's own key
    if type(sizes) is not tuple or not all(type(n) is int and n >= 0 for n in sizes):
        raise ValueError("odd cache entry")
    chunks, at = [], 8 + size
    for n in sizes:
        chunks.append(payload[at : at + n])
        at += n
    if at != len(payload):
        raise ValueError("odd cache entry")
    return head, chunks


def read_source(path: Path) -> str | None:
    """The path an entry is for, read from its header alone; None when it is not an entry."""
    try:
        fd = _open_entry(path)
    except (OSError, ValueError):
        return None
    with os.fdopen(fd, "rb") as handle:
        head = handle.read(_HEADER + MAX_SOURCE_BYTES)
    try:
        _, _, source = _header(head)
    except ValueError:
        return None
    return head[source].decode("utf-8", "surrogateescape")


def _header(blob: bytes) -> tuple[int, bytes, slice]:
    """An entry's payload length, MAC and where its source is; ValueError when it has none."""
    if len(blob) < _HEADER or not blob.startswith(_MAGIC):
        raise ValueError("not a cache entry")
    size = int.from_bytes(blob[28:30], "little")
    if size > MAX_SOURCE_BYTES or len(blob) < _HEADER + size:
        raise ValueError("not a cache entry")
    return int.from_bytes(blob[4:12], "little"), blob[12:28], slice(_HEADER, _HEADER + size)


def entry_bytes(key: bytes, head: Any, chunks: Sequence[bytes | memoryview], source: str) -> list[bytes]:
    """An entry's bytes, signed with ``key``: the header, then the payload (the marshalled
    head, with the chunks' sizes, then the chunks as they are)."""
    meta = marshal.dumps((head, tuple(map(len, chunks))))
    payload = b"".join([len(meta).to_bytes(8, "little"), meta, *chunks])
    raw = source.encode("utf-8", "surrogateescape")[:MAX_SOURCE_BYTES]
    header = _MAGIC + len(payload).to_bytes(8, "little") + _mac(key, payload) + len(raw).to_bytes(2, "little") + raw
    return [header, payload]


def signed_blob(
    folder: Path, head: Any, chunks: Sequence[bytes | memoryview] = (), source: str = ""
) -> list[bytes] | None:
    """An entry's bytes (see ``entry_bytes``) signed with the folder's key, for ``source``, the
    path it is for; None when the folder cannot be used (no cache)."""
    with contextlib.suppress(OSError, WriteError):
        if owned_folder(folder, create=True):
            key = _key(folder, create=True)
            if key is not None:
                return entry_bytes(key, head, chunks, source)
    return None


def save_blob(path: Path, blob: list[bytes]) -> None:
    """Save an entry's bytes (private, atomic, not fsynced); failures are ignored (no cache)."""
    with contextlib.suppress(OSError, WriteError):
        atomic_write(path, blob, durable=False)


def write_blob(
    folder: Path, path: Path, head: Any, chunks: Sequence[bytes | memoryview] = (), source: str = ""
) -> None:
    """Save a signed entry for ``source``; failures are ignored (no cache)."""
    blob = signed_blob(folder, head, chunks, source)
    if blob is not None:
        save_blob(path, blob)


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


Payload = tuple[tuple[Any, ...], Sequence[bytes | memoryview]]  # (fields, chunks)


def payload(
    registry: Registry, rows: PackedRows, order: tuple[tuple[str, ...], ...], texts: tuple[str, ...] = ()
) -> Payload:
    """A whole store as an entry's fields and chunks: companies, the rows' ids (one text, a
    line each), the chunks' lengths, each file's ids in file order, (for a folder store) each
    file's ``companies:`` text, which re-validating a changed file next to it needs, and the
    rows' first and last days (``_rows.compact``); the chunks are the marshalled rows."""
    ids = "\n".join(rows.ids)
    fields = (pack_companies(registry), ids, rows.lengths(), order, texts, rows.days(), rows.links())
    return fields, rows.blobs()


def unpack_payload(data: object) -> tuple[Any, ...]:
    """A payload's fields and its chunks as the eight values ``payload`` packed (ValueError
    when it is odd)."""
    if type(data) is not tuple or len(data) != 2:
        raise ValueError("not a cache payload")
    fields, chunks = data
    if type(fields) is not tuple or len(fields) != 7:
        raise ValueError("not a cache payload")
    companies, ids, lengths, order, texts, days, linked = fields
    return companies, ids, lengths, tuple(chunks), order, texts, days, linked


def _pack(store: Store) -> Payload:
    return payload(store.registry, PackedRows.from_rows(pack_rows(store.events)), store.order)


def read_payload(data: object, files: tuple[Path, ...], *, lazy: bool = False) -> tuple[Store, PackedRows]:
    """The store in a payload whose entry's MAC verified (written by this code). ``lazy``: for
    an edit, whose events are decoded, checked value by value (``_checks``, as a second line of
    defence) and built only when read."""
    companies, joined, lengths, blobs, order, _, days, linked = unpack_payload(data)
    registry = registry_of(companies)
    rows = PackedRows.from_entry(blobs, lengths, joined.split("\n") if joined else [], days, linked)
    events: Sequence[Event]
    if lazy:
        ids = check_ids(joined)
        if sum(map(len, order)) != len(rows) or set(chain.from_iterable(order)) != ids:
            raise ValueError("cache order does not list the events")
        events = LazyEvents(rows, registry, ids)
    else:
        every = rows.all_rows()
        events = events_from_columns(tuple(zip(*every, strict=True))) if every else ()
    return Store(events, registry, files, (), order), rows


def unpack_rows(rows: tuple[tuple[Any, ...], ...]) -> tuple[Event, ...]:
    """Events from the packed rows of a signed entry."""
    return events_from_columns(tuple(zip(*rows, strict=True))) if rows else ()


def _unpack(data: object, files: tuple[Path, ...]) -> Store:
    return read_payload(data, files)[0]
