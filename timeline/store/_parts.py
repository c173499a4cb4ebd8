"""One cache entry per file of a folder store, so an edit to one file re-reads only that file.

Each part entry holds one file's events (resolved against the registry the whole store had),
their sort keys, the file's ``companies:`` text and that registry. When the whole-store entry
misses, the files whose part entries still match are taken from them; the others are validated
(``load_part``) together with the unchanged files' companies and ids. The merge is used only if
the registry is still the one every part was resolved against and ids and related links hold
across files; otherwise (and on any error) the whole store is loaded as usual, so messages are
validate's own.
"""

from __future__ import annotations

import contextlib
import gc
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.errors import StoreError
from timeline.model import Event
from timeline.store._entry import _TAG, FileKey, pack_companies, pack_rows, read_blob, unpack_rows, write_blob
from timeline.store._load import Store, load_part
from timeline.store._yaml import gc_paused

_COMPANIES = re.compile(r"^companies[ \t]*:", re.M)
_NEXT_TOP = re.compile(r"\n[^ \t\r\n#-]")


def part_entry(folder: Path, key: FileKey) -> Path:
    name = key[0].encode("utf-8", "surrogateescape")
    return folder / f"{zlib.crc32(name):08x}{zlib.adler32(name):08x}.part"


def companies_text(text: str) -> str:
    """The file's top-level ``companies:`` section as written (empty when it has none)."""
    match = _COMPANIES.search(text)
    if match is None:
        return ""
    end = _NEXT_TOP.search(text, match.end())
    return text[match.start() : end.start() + 1 if end else len(text)]


@dataclass
class Partial:
    store: Store
    reparsed: set[int]  # the files read again
    rows: list[Any]  # the store's events packed, in store order: the whole-store entry's payload


def load_parts(folder: Path, contents: list[tuple[Path, bytes]], keys: tuple[FileKey, ...]) -> Partial | None:
    """The store from part entries and the changed files, or None (then load it all)."""
    parts: dict[int, tuple[Any, ...]] = {}
    for number, key in enumerate(keys):
        with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
            tag, entry_key, *rest = read_blob(part_entry(folder, key))
            if tag == _TAG and entry_key == key and _well_formed(rest):
                parts[number] = tuple(rest)
    if not parts:
        return None
    try:
        return _merge(contents, parts)
    except (StoreError, ValueError, TypeError, IndexError, UnicodeDecodeError):
        return None


def _well_formed(rest: list[Any]) -> bool:
    """A part entry's fields have the types written (the rows themselves are checked when
    unpacked): anything else is a miss, never an AttributeError."""
    if len(rest) != 5:
        return False
    registry, rows, sort_keys, ids, text = rest
    if type(registry) is not tuple or type(rows) is not tuple or type(text) is not str:
        return False
    if type(sort_keys) is not tuple or type(ids) is not tuple or not len(rows) == len(sort_keys) == len(ids):
        return False
    if not rows:
        return True
    if set(map(type, ids)) != {str} or set(map(type, sort_keys)) != {tuple} or set(map(len, sort_keys)) != {7}:
        return False
    columns = tuple(zip(*sort_keys, strict=True))
    if columns[6] != ids or any(set(map(type, column)) != {int} for column in columns[:6]):
        return False
    return set(map(type, rows)) == {tuple} and tuple(row[0] if row else None for row in rows) == ids


def _merge(contents: list[tuple[Path, bytes]], parts: dict[int, tuple[Any, ...]]) -> Partial | None:
    texts: list[tuple[Path, str]] = []
    position: dict[int, int] = {}  # file number -> its text's place (files without companies: none)
    outside: set[str] = set()
    for number, (path, data) in enumerate(contents):
        if number in parts:
            _, _, _, ids, company_text = parts[number]
            outside.update(ids)
            if not company_text.strip():
                continue
            text = f"version: 1\n{company_text}\nevents: []\n"
        else:
            text = data.decode("utf-8-sig")
        position[number] = len(texts)
        texts.append((path, text))
    with gc_paused():
        fresh = load_part(texts, frozenset(outside))
        registry = pack_companies(fresh.registry)
        if any(part[0] != registry for part in parts.values()):
            return None  # a file's companies changed: every file must be resolved again
        events: list[Event] = []
        rows: list[Any] = []
        sort_keys: list[Any] = []
        order: list[tuple[str, ...]] = []
        by_id = {e.id: e for e in fresh.events}
        for number in range(len(contents)):
            if number in parts:
                _, part_rows, keys, ids, _ = parts[number]
                events.extend(unpack_rows(part_rows))
                rows.extend(part_rows)
                sort_keys.extend(keys)
                order.append(ids)
            else:
                own_ids = fresh.order[position[number]]
                own = [by_id[i] for i in own_ids]
                events.extend(own)
                rows.extend(pack_rows(own))
                sort_keys.extend(e.sort_key for e in own)
                order.append(own_ids)
        ids = {e.id for e in events}
        if len(ids) != len(events) or any(r not in ids for e in events for r in e.related):
            return None
        ranked = sorted(range(len(events)), key=sort_keys.__getitem__)
        store = Store(tuple(events[i] for i in ranked), fresh.registry, tuple(p for p, _ in contents), (), tuple(order))
        gc.freeze()  # kept until the process ends: no collector walk over it (see _cache.read)
    return Partial(store, set(range(len(contents))) - set(parts), [rows[i] for i in ranked])


def write_parts(
    folder: Path,
    store: Store,
    contents: list[tuple[Path, bytes]],
    keys: tuple[FileKey, ...],
    only: set[int] | None = None,
) -> None:
    """Save one part entry per file (or only for the files in ``only``); failures are ignored."""
    registry = pack_companies(store.registry)
    by_id = {e.id: e for e in store.events}
    with contextlib.suppress(UnicodeDecodeError, KeyError):
        for number, ((_, data), key) in enumerate(zip(contents, keys, strict=True)):
            if only is not None and number not in only:
                continue
            ids = store.order[number]
            own = [by_id[i] for i in ids]
            text = companies_text(data.decode("utf-8-sig"))
            sort_keys: tuple[Any, ...] = tuple(e.sort_key for e in own)
            write_blob(
                folder, part_entry(folder, key), (_TAG, key, registry, pack_rows(own), sort_keys, ids, text), key[0]
            )
