"""Event and Company value types, and the company registry that resolves names. No I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from timeline.dates import EventDate
from timeline.text import fold_name

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


class Source(NamedTuple):
    """Where a fact comes from."""

    url: str
    title: str | None = None
    publisher: str | None = None
    # Why this source is weaker than a primary one, e.g. "secondary" (an aggregator).
    note: str | None = None


class Company(NamedTuple):
    """A registered organisation; ``parent`` is the canonical name of its owner, if any."""

    name: str
    aliases: tuple[str, ...] = ()
    parent: str | None = None


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

    @property
    def sort_key(self) -> tuple[object, ...]:
        """Chronological order: earliest day, then latest day, then id (deterministic).

        The days as (year, month, day) integers rather than ``date`` objects: the same order,
        several times cheaper, and every load sorts every event.
        """
        end = self.date.end or self.date.start
        return (*self.date.start.first_ymd, *end.last_ymd, self.id)


class Registry:
    """The companies of a store, resolvable by name or alias after normalisation."""

    __slots__ = ("_by_key", "_children", "companies")

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

    def all_names(self) -> list[str]:
        """Canonical names and aliases, for did-you-mean suggestions."""
        return [n for c in self.companies for n in (c.name, *c.aliases)]

    def get(self, name: str) -> Company:
        return next(c for c in self.companies if c.name == name)

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

    def by_name(self) -> Mapping[str, Company]:
        return {c.name: c for c in self.companies}


def events_by_id(events: Iterable[Event]) -> dict[str, Event]:
    return {e.id: e for e in events}


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
        "sources": [{"url": s.url, "title": s.title, "publisher": s.publisher, "note": s.note} for s in event.sources],
        "related": list(event.related),
    }
