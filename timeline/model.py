"""The value types of a store (Event, Source, Company, Registry) and the facts about them.

Each fact is defined here once: the kinds, the event and source field lists, the chronological
sort key, the "exact date" rule and the messages for an unknown kind or company. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from timeline.dates import EventDate
from timeline.text import did_you_mean, fold_name, visible

KINDS: tuple[str, ...] = (
    "partnership",
    "investment",
    "acquisition",
    "funding",
    "model-release",
    "product-launch",
    "conference",
    "leadership",
    "legal",
    "policy",
    "research",
    "infrastructure",
    "other",
)

# Event, PartialDate, EventDate and Source are NamedTuples because a store holds many of them:
# a tuple is the cheapest object to build, compare and rebuild from the cache. Every other value
# type is a plain class.


class Source(NamedTuple):
    """Where a fact comes from."""

    url: str
    title: str | None = None
    publisher: str | None = None
    # Why this source is weaker than a primary one, e.g. "secondary" (an aggregator).
    note: str | None = None


class Imported(NamedTuple):
    """Where an imported event came from, so a second import of the same data finds it again.

    ``origin`` is the format or data set (the store key is ``from``), ``file`` the imported
    file's name, ``id`` the record's own id in that data (if it has one), ``row`` its row as a
    spreadsheet shows it (or its item number), ``at`` the day of the import (YYYY-MM-DD).
    """

    origin: str
    file: str | None = None
    id: str | None = None
    row: int | None = None
    at: str | None = None

    @property
    def key(self) -> tuple[str, ...]:
        """What identifies the record across imports: its own id, else its file and row."""
        if self.id is not None:
            return (self.origin, "id", self.id)
        return (self.origin, "row", self.file or "", str(self.row))


class Event(NamedTuple):
    """One dated thing that happened. Companies are canonical names."""

    id: str
    date: EventDate
    title: str
    companies: tuple[str, ...]
    kind: str
    tags: tuple[str, ...] = ()
    summary: str | None = None
    sources: tuple[Source, ...] = ()
    related: tuple[str, ...] = ()
    imported: Imported | None = None

    @property
    def sort_key(self) -> tuple[int, int, int, int, int, int, str]:
        return sort_key(self.date, self.id)


# The store's keys are the value types' fields, in the order a new event is written.
EVENT_FIELDS: tuple[str, ...] = Event._fields
REQUIRED_FIELDS: tuple[str, ...] = ("id", "date", "title", "companies", "kind")
SOURCE_FIELDS: tuple[str, ...] = Source._fields
COMPANY_FIELDS: tuple[str, ...] = ("name", "aliases", "parent")
# The store keys of ``imported``, in Imported's field order (``from`` is a Python keyword).
IMPORTED_FIELDS: tuple[str, ...] = ("from", *Imported._fields[1:])


def imported_record(imported: Imported) -> dict[str, object]:
    """The store and JSON shape of a provenance record: only the keys that are known."""
    return {k: v for k, v in zip(IMPORTED_FIELDS, imported, strict=True) if v is not None}


def sort_key(date: EventDate, event_id: str) -> tuple[int, int, int, int, int, int, str]:
    """Chronological order: earliest day, then latest day, then id (deterministic).

    The days as (year, month, day) integers rather than ``date`` objects: the same order,
    several times cheaper, and every load sorts every event.
    """
    end = date.end or date.start
    return (*date.start.first_ymd, *end.last_ymd, event_id)


def is_exact(date: EventDate) -> bool:
    """A date known to the day with no ``~`` or ``?``: drawn as a filled dot, exported as a day."""
    return date.precision == "day" and not (date.approximate or date.uncertain)


class Company:
    """A registered organisation; ``parent`` is the canonical name of its owner, if any."""

    __slots__ = ("aliases", "name", "parent")

    def __init__(self, name: str, aliases: tuple[str, ...] = (), parent: str | None = None) -> None:
        self.name = name
        self.aliases = aliases
        self.parent = parent

    def _key(self) -> tuple[str, tuple[str, ...], str | None]:
        return (self.name, self.aliases, self.parent)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Company) and other._key() == self._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Company({self.name!r}, {self.aliases!r}, {self.parent!r})"


class Registry:
    """The companies of a store, resolvable by name or alias after normalisation."""

    __slots__ = ("_all_names", "_by_key", "_children", "companies")

    def __init__(self, companies: tuple[Company, ...]) -> None:
        self.companies = companies
        self._by_key: dict[str, str] = {}
        children: dict[str, list[str]] = {}
        for company in companies:
            for name in (company.name, *company.aliases):
                self._by_key.setdefault(fold_name(name), company.name)
            if company.parent is not None:
                children.setdefault(company.parent, []).append(company.name)
        self._children = {k: tuple(v) for k, v in children.items()}
        self._all_names: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        return f"Registry({self.companies!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Registry) and other.companies == self.companies

    def __hash__(self) -> int:
        return hash(self.companies)

    def resolve(self, name: str) -> str | None:
        """The canonical name for ``name`` or one of its aliases, or None."""
        return self._by_key.get(fold_name(name))

    def names(self) -> list[str]:
        return [c.name for c in self.companies]

    def all_names(self) -> tuple[str, ...]:
        """Canonical names and aliases, for did-you-mean suggestions (built once: a store with
        thousands of unknown names asks for them once per error)."""
        if self._all_names is None:
            self._all_names = tuple(n for c in self.companies for n in (c.name, *c.aliases))
        return self._all_names

    def with_subsidiaries(self, name: str) -> frozenset[str]:
        """``name`` and every company owned by it, transitively."""
        found = {name}
        stack = [name]
        while stack:
            for child in self._children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)


def with_ancestors(names: Iterable[str], parents: Mapping[str, str | None]) -> set[str]:
    """``names`` and every company that owns one of them, transitively (``parents``: company ->
    its parent). Stops at a name already seen, so a cycle cannot loop."""
    found: set[str] = set()
    for name in names:
        current: str | None = name
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    return found


def unknown_kind(value: str) -> str:
    """The message for a kind that does not exist, wherever it was given."""
    return f"unknown kind {visible(value)!r}{did_you_mean(value, KINDS)}; kinds are: {', '.join(KINDS)}"


def unknown_company(name: str, registry: Registry, *, hint: str | None = None) -> str:
    """The message for a company name the registry does not know, wherever it was given.

    ``hint`` replaces the did-you-mean (a scan of every name): the store validator passes its
    own, from an index and only for its first errors, so that validation stays linear.
    """
    if hint is None:
        hint = did_you_mean(name, registry.all_names())
    return f"unknown company {visible(name)!r}{hint}"


def event_record(event: Event) -> dict[str, object]:
    """The JSON shape of an event, shared by ``list --json`` and the JSON exporter."""
    return {
        "id": event.id,
        "date": str(event.date),
        "start": event.date.first_day.isoformat(),
        "end": event.date.last_day.isoformat(),
        "precision": event.date.precision,
        "approximate": event.date.approximate,
        "uncertain": event.date.uncertain,
        "title": event.title,
        "companies": list(event.companies),
        "kind": event.kind,
        "tags": list(event.tags),
        "summary": event.summary,
        "sources": [s._asdict() for s in event.sources],
        "related": list(event.related),
        # only on imported events: every other record keeps the shape it always had
        **({"imported": imported_record(event.imported)} if event.imported is not None else {}),
    }
