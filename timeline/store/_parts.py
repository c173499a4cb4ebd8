"""After some files of a folder store change, read only those again: the store's last cache
entry (stale, but signed by this code) serves the files whose keys still match.

The entry records each file's key, its events' ids (in file order) and its ``companies:``
text. The changed files are validated (``load_part``) together with the unchanged files'
companies and ids. The result is used only if the registry is still the one the entry's rows
were resolved against and related links still hold across files; otherwise (and on any error)
the whole store is loaded as usual, so messages are validate's own. The new entry keeps the
bytes of every chunk of rows the change did not touch.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter, not_
from pathlib import Path

from timeline.errors import StoreError
from timeline.model import Event
from timeline.store._entry import FileKey, pack_companies, pack_rows, unpack_payload
from timeline.store._lazy import events_from_columns
from timeline.store._load import Store, load_part
from timeline.store._rows import PackedRows

_COMPANIES = re.compile(rb"^companies[ \t]*:", re.M)
_NEXT_TOP = re.compile(rb"\n[^ \t\r\n#-]")
_SORT_KEY = attrgetter("sort_key")


def companies_text(data: bytes) -> str:
    """The file's top-level ``companies:`` section as written (empty when it has none)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    match = _COMPANIES.search(data)
    if match is None:
        return ""
    end = _NEXT_TOP.search(data, match.end())
    return data[match.start() : end.start() + 1 if end else len(data)].decode("utf-8")


def company_texts(contents: list[bytes]) -> tuple[str, ...]:
    """Each file's ``companies:`` text, for the entry of a folder store (none for one file)."""
    return tuple(map(companies_text, contents)) if len(contents) > 1 else ()


@dataclass
class Partial:
    store: Store
    reparsed: set[int]  # the files read again
    rows: PackedRows  # the store's events packed, in store order
    texts: tuple[str, ...]  # each file's companies text


def load_changed(
    data: object, old_keys: tuple[FileKey, ...], current: list[tuple[Path, bytes, FileKey]]
) -> Partial | None:
    """The store from a stale entry's payload and the files that changed, or None (then load
    it all). ValueError and the like when the payload is odd."""
    companies, joined, lengths, blobs, order, texts, days, linked = unpack_payload(data)
    if type(old_keys) is not tuple or len(order) != len(old_keys) or len(texts) != len(old_keys):
        return None
    old_files = {key: number for number, key in enumerate(old_keys)}
    kept = {n: old_files[key] for n, (_, _, key) in enumerate(current) if key in old_files}
    if not kept:
        return None
    sources: list[tuple[Path, str]] = []
    place: dict[int, int] = {}  # file number -> its text's place among those validated
    outside: set[str] = set()
    for number, (path, raw, _) in enumerate(current):
        if number in kept:
            outside.update(order[kept[number]])
            own = texts[kept[number]]
            if not own.strip():
                continue
            text = f"version: 1\n{own}\nevents: []\n"
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                return None  # the full load reports it
        place[number] = len(sources)
        sources.append((path, text))
    try:
        fresh = load_part(sources, frozenset(outside))
    except StoreError:
        return None  # the full load reports it, with validate's messages
    if pack_companies(fresh.registry) != companies:
        return None  # a file's companies changed: every file must be resolved again

    rows = PackedRows.from_entry(blobs, lengths, joined.split("\n") if joined else [], days, linked)
    every = rows.all_rows(keep=True)
    old_events = events_from_columns(tuple(zip(*every, strict=True))) if every else ()
    del every
    dropped = set(rows.ids) - outside  # the events of the files read again (or removed)
    kept_events = tuple(compress(old_events, map(not_, map(dropped.__contains__, rows.ids))))
    new_events = fresh.events  # sorted
    inserts = [bisect_left(kept_events, e.sort_key, key=_SORT_KEY) for e in new_events]
    events: list[Event] = []
    start = 0
    for at, event in zip(inserts, new_events, strict=True):
        events.extend(kept_events[start:at])
        events.append(event)
        start = at
    events.extend(kept_events[start:])
    ids = outside.union(e.id for e in new_events)
    if any(r not in ids for e in kept_events if e.related for r in e.related):
        return None  # a link into a file read again names an id it no longer has
    new_order: list[tuple[str, ...]] = []
    new_texts: list[str] = []
    for number, (_, raw, _) in enumerate(current):
        if number in kept:
            new_order.append(order[kept[number]])
            new_texts.append(texts[kept[number]])
        else:
            new_order.append(fresh.order[place[number]])
            new_texts.append(companies_text(raw))
    packed = rows.merged(dropped, list(zip(inserts, pack_rows(new_events), strict=True)))
    store = Store(tuple(events), fresh.registry, tuple(p for p, _, _ in current), (), tuple(new_order))
    return Partial(store, set(range(len(current))) - set(kept), packed, tuple(new_texts))
