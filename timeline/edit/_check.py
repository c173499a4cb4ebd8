"""The fast validation of a change: only the changed blocks, against the cached store.

Used when the store's files still match their cache entry, so everything that did not change is
known to be valid. Each new or replaced block is composed and parsed alone with the store's
registry; ids, companies and related links are checked against the cached store. When anything
is wrong, the full validation runs instead, so error messages are exactly `validate`'s (and a
property test checks that both accept the same changes and build the same store).
"""

from __future__ import annotations

import bisect
from typing import TypeVar

from timeline.edit._commit import validate_full
from timeline.edit._snapshot import Change, Snapshot
from timeline.errors import Finding
from timeline.model import Company, Event, Registry, sort_key
from timeline.store import Store
from timeline.store._entry import pack_rows
from timeline.store._lazy import LazyEvents, place
from timeline.store._parse import Walker, parse_event
from timeline.store._rows import PackedRows
from timeline.store._yaml import compose
from timeline.text import fold_name

R = TypeVar("R")


def validate_fast(snapshot: Snapshot, change: Change[R], texts: dict[int, str]) -> Store:
    store = _fast(snapshot, change)
    return store if store is not None else validate_full(snapshot, texts)


def _fast(snapshot: Snapshot, change: Change[R]) -> Store | None:
    store = snapshot.store
    events = store.events  # a cached snapshot's (LazyEvents: built only as they are read)
    if not isinstance(events, LazyEvents) or snapshot.rows is None or len(snapshot.rows) != len(events):
        return None
    if any(op.action == "text" for op in change.ops) or len(snapshot.files) != len(store.order):
        return None  # a new file: let the full validation read the folder's conventions
    # (that each changed file's lines show the events the cache knows was checked when the new
    # texts were made: ``Snapshot.check_items``)
    order = [list(ids) for ids in store.order]
    new_companies = [op.company for op in change.ops if op.action == "company" and op.company is not None]
    registry: Registry | None = store.registry
    if new_companies:
        registry = _registry_with(store.registry, new_companies)
    if registry is None:
        return None
    removed: set[str] = set()
    added: list[Event] = []
    # operations on one file are applied to its order from the last item up
    for op in sorted((o for o in change.ops if o.action != "company"), key=lambda o: (o.file, o.index), reverse=True):
        ids = order[op.file]
        if op.action in ("replace", "delete"):
            removed.add(ids[op.index])
        if op.action == "delete":
            del ids[op.index]
            continue
        event = _parse_block(op.lines, registry)
        if event is None:
            return None
        added.append(event)
        if op.action == "replace":
            ids[op.index] = event.id
        else:
            ids.insert(op.index, event.id)
    remaining = events.ids - removed
    new_ids = [e.id for e in added]
    if len(set(new_ids)) != len(new_ids) or any(i in remaining for i in new_ids):
        return None
    every = remaining | set(new_ids)
    if any(r not in every for e in added for r in e.related):
        return None
    gone = removed - set(new_ids)
    if gone and any(e.id not in removed for g in gone for e in events.linking(g)):
        return None
    rows = snapshot.rows.copy()
    _apply_to_rows(events, rows, removed, added)
    snapshot.new_rows = rows  # the next cache entry, without packing every event again
    files = tuple(s.path for s in snapshot.files)
    return Store(LazyEvents(rows, registry, every), registry, files, (), tuple(tuple(i) for i in order))


def _apply_to_rows(events: LazyEvents, rows: PackedRows, removed: set[str], added: list[Event]) -> None:
    """The change applied to the packed rows alone, building only the events that bisection
    looks at: each new event goes where it sorts among the others (after equal keys)."""
    gone = sorted(at for at in map(events.position, removed) if at is not None)
    places = []
    for event in added:
        key = sort_key(event.date, event.id)
        at = place(events, key)
        places.append((at - bisect.bisect_left(gone, at), key, event))
    for at in reversed(gone):
        del rows[at]
    for shift, (at, _, event) in enumerate(sorted(places, key=lambda p: (p[0], p[1]))):
        rows.insert(at + shift, pack_rows((event,))[0])


def _registry_with(registry: Registry, companies: list[Company]) -> Registry | None:
    claimed = set()
    for company in companies:
        for name in (company.name, *company.aliases):
            key = fold_name(name)
            if registry.resolve(name) is not None or key in claimed:
                return None
            claimed.add(key)
    merged = Registry((*registry.companies, *companies))
    for company in companies:
        if company.parent is not None and merged.resolve(company.parent) != company.parent:
            return None
    return merged


def _parse_block(lines: list[str], registry: Registry) -> Event | None:
    findings: list[Finding] = []
    root = compose("\n".join(lines) + "\n", "<block>", findings)
    if root is None or findings or not root.tag.endswith(":seq") or len(root.value) != 1:
        return None
    walker = Walker(findings)
    event = parse_event(walker, root.value[0], registry)
    return None if findings else event
