"""A cached store's events built only when asked for, each checked first.

An edit of a 100,000-event store reads a handful of its events (the one it changes, the
neighbours that give a new event its place, a date window for duplicates), yet building and
checking all of them from the cache entry cost a third of an ``add``. ``LazyEvents`` holds the
entry's rows and builds (and checks, with ``_checks.check_rows``) an event the first time it
is read; iterating builds the rest. The ids are checked up front, since edits look events up
by id.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain, repeat
from operator import attrgetter, itemgetter
from typing import Any, overload

from timeline.dates import EventDate, PartialDate
from timeline.model import Event, Imported, Registry, Source
from timeline.store._checks import RELATED_COLUMN, Columns, check_rows
from timeline.store._rows import PackedRows, compact, day_number

Row = tuple[Any, ...]


class UntrustedRow(ValueError):
    """A row read lazily holds what a store could not: the caller plans again without the cache."""


class LazyEvents(Sequence[Event]):
    """Events in store order from packed rows; ValueError from the constructor, UntrustedRow
    from any access, when a row holds what a store could not (the caller then does without
    the cache)."""

    __slots__ = ("_all", "_built", "_ids", "_index", "_registry", "_rows")

    def __init__(self, rows: PackedRows, registry: Registry, ids: set[str]) -> None:
        self._rows = rows
        self._registry = registry
        self._ids = ids
        self._built: list[Event | None] = [None] * len(rows)
        self._index: dict[str, int] | None = None
        self._all = False

    @property
    def ids(self) -> set[str]:
        return self._ids

    def _build(self, start: int, stop: int) -> None:
        if all(e is not None for e in self._built[start:stop]):
            return
        try:
            _, columns = check_rows(self._rows.between(start, stop), self._registry, self._ids)
        except (ValueError, TypeError, IndexError, EOFError) as error:
            raise UntrustedRow(str(error)) from None
        self._built[start:stop] = events_from_columns(columns)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...

    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self._rows))
            if step != 1 or start >= stop:
                return tuple(self)[index]
            self._build(start, stop)
            return tuple(e for e in self._built[start:stop] if e is not None)
        if index < 0:
            index += len(self._rows)
        if not 0 <= index < len(self._rows):
            raise IndexError(index)
        event = self._built[index]
        if event is None:
            self._build(index, index + 1)
            event = self._built[index]
            if event is None:  # pragma: no cover - _build fills the range or raises
                raise ValueError("cache row not built")
        return event

    def __iter__(self) -> Iterator[Event]:
        if not self._all:
            self._build(0, len(self._rows))
            self._all = True
        return (e for e in self._built if e is not None)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return tuple(self) == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyEvents({len(self._rows)} events)"

    def position(self, event_id: str) -> int | None:
        """The index of the event with ``event_id`` in store order, or None."""
        if self._index is None:
            self._index = {row_id: n for n, row_id in enumerate(self._rows.ids)}
        return self._index.get(event_id)

    def key_of(self, event_id: str) -> Any:
        """The sort key (``_rows.compact`` form) of the event with ``event_id``, unbuilt."""
        at = self.position(event_id)
        if at is None:
            raise KeyError(event_id)
        return self._rows.key_at(at)

    def find(self, event_id: str) -> Event | None:
        at = self.position(event_id)
        return None if at is None else self[at]

    def linking(self, event_id: str) -> list[Event]:
        """The events whose related links name ``event_id`` (only they are built; none is
        looked at when no row links to it)."""
        if event_id not in self._rows.linked:
            return []
        try:
            column = tuple(map(itemgetter(RELATED_COLUMN), self._rows))
        except (ValueError, TypeError, IndexError, EOFError) as error:
            raise UntrustedRow(str(error)) from None
        if set(map(type, column)) - {tuple} or set(map(type, chain.from_iterable(column))) - {str}:
            raise UntrustedRow("cache related ids are not ids")
        return [self[n] for n, links in enumerate(column) if event_id in links]


def events_from_columns(columns: Columns) -> tuple[Event, ...]:
    """Events from checked columns, built by C-level maps over whole columns (tuple.__new__
    skips the NamedTuples' Python-level __new__), each distinct date part built once: no
    Python code runs per event."""
    ids, starts, ends, titles, companies, kinds, tags, summaries, sources, related, imported = columns
    new = tuple.__new__
    parts: dict[Any, Any] = {p: new(PartialDate, p) for p in set(starts).union(ends) if p is not None}
    parts[None] = None
    part = parts.__getitem__
    dates = map(new, repeat(EventDate), zip(map(part, starts), map(part, ends), strict=True))
    flat = tuple(map(new, repeat(Source), chain.from_iterable(sources)))
    offsets = tuple(accumulate(map(len, sources), initial=0))
    grouped = map(flat.__getitem__, map(slice, offsets, offsets[1:]))
    records: Iterable[Any] = imported
    if any(imported):
        records = [None if r is None else new(Imported, r) for r in imported]
    fields = zip(ids, dates, titles, companies, kinds, tags, summaries, grouped, related, records, strict=True)
    return tuple(map(new, repeat(Event), fields))


def event_ids(events: Sequence[Event]) -> set[str]:
    """The ids of a store's events, without building a lazy store's events."""
    if isinstance(events, LazyEvents):
        return events.ids
    return {e.id for e in events}


def find_event(events: Sequence[Event], event_id: str) -> Event | None:
    if isinstance(events, LazyEvents):
        return events.find(event_id)
    return next((e for e in events if e.id == event_id), None)


def events_linking(events: Iterable[Event], event_id: str) -> list[Event]:
    if isinstance(events, LazyEvents):
        return events.linking(event_id)
    return [e for e in events if event_id in e.related]


SortKey = tuple[int, int, int, int, int, int, str]
_SORT_KEY = attrgetter("sort_key")


def place(events: Sequence[Event], key: SortKey) -> int:
    """Where an event with sort key ``key`` goes in store order (after equal keys); a lazy
    store's events are not built (their day columns answer)."""
    if isinstance(events, LazyEvents):
        return bisect_right(range(len(events)), compact(key), key=events._rows.key_at)
    return bisect_right(events, key, key=_SORT_KEY)


def place_among(events: Sequence[Event], ids: Sequence[str], key: SortKey) -> int:
    """Where an event with sort key ``key`` goes among ``ids`` (a file's events, in file
    order), as ``place`` does."""
    if isinstance(events, LazyEvents):
        return bisect_right(ids, compact(key), key=events.key_of)
    by_id = {e.id: e for e in events}
    return bisect_right(ids, key, key=lambda i: by_id[i].sort_key)


def starting_between(events: Sequence[Event], low: tuple[int, int, int], high: tuple[int, int, int]) -> range:
    """The positions of the events whose first day is from ``low`` to ``high`` (y, m, d)."""
    if isinstance(events, LazyEvents):
        starts = events._rows.starts
        return range(bisect_left(starts, day_number(*low)), bisect_right(starts, day_number(*high)))
    first = attrgetter("date.start.first_ymd")
    return range(bisect_left(events, low, key=first), bisect_right(events, high, key=first))
