"""Checking a cache entry's values before any becomes an Event: nothing read from the cache is
trusted. Every field's type is checked, and every value a valid store could not hold (a 13th
month, a ``javascript:`` source, a company the registry lacks, a related id no event has) makes
the entry a miss. The checks run by column and over distinct values (set and regex work in C),
so they cost a fraction of building the events, not a Python loop over every field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import chain, compress
from typing import Any

from timeline.dates import PartialDate
from timeline.model import EVENT_FIELDS, KINDS, SOURCE_FIELDS, Company, Imported, Registry
from timeline.store._parse import ID_MAX

_ARITY = len(EVENT_FIELDS)
# A row follows EVENT_FIELDS with the date as two parts (start, end): the related ids are here.
RELATED_COLUMN = EVENT_FIELDS.index("related") + 1
_NONE = type(None)
_IDS = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{ID_MAX - 1}}}(?:\n[a-z0-9][a-z0-9-]{{0,{ID_MAX - 1}}})*")
_BAD_URL_START = re.compile(r"\n(?!https?://[^\s/?#])")  # a line that does not start as a URL
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


Columns = tuple[tuple[Any, ...], ...]


def check_ids(joined: object) -> set[str]:
    """The ids of an entry's rows, stored as one text with an id a line; ValueError unless
    they are unique and well formed (what an edit needs before it looks events up by id)."""
    if type(joined) is not str or (joined and _IDS.fullmatch(joined) is None):
        raise ValueError("cache ids are not ids")
    ids = joined.split("\n") if joined else []
    id_set = set(ids)
    if len(id_set) != len(ids):
        raise ValueError("cache ids repeat")
    return id_set


def check_rows(rows: Sequence[Any], registry: Registry, known_ids: Iterable[str] = ()) -> tuple[set[str], Columns]:
    """The rows' ids and columns; ValueError unless every row holds values a valid store can
    hold. Checked by column and over distinct values (C-level set and regex work), not a Python
    loop over every field of every event. ``known_ids``: ids outside these rows that related
    links may name (the other files of a folder store)."""
    if not _types(rows, {tuple}) or set(map(len, rows)) - {_ARITY + 1}:
        raise ValueError("cache rows do not match this version's event fields")
    if not rows:
        return set(), ((),) * (_ARITY + 1)
    columns: Columns = tuple(zip(*rows, strict=True))
    ids, starts, ends, titles, companies, kinds, tags, summaries, sources, related, imported = columns
    if not _types(ids, {str}):
        raise ValueError("cache ids are not ids")
    id_set = check_ids("\n".join(ids))
    if len(id_set) != len(ids):  # one empty id joins to "", which check_ids reads as none
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
    known = known_ids if isinstance(known_ids, (set, frozenset)) else set(known_ids)  # no copy of a set
    if not every <= id_set and not (every - id_set) <= known:
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
    return id_set, columns
