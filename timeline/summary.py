"""Counting over events: company rows, tag and kind counts, stats buckets.

The terminal panels and the JSON output both print these; nothing here formats or prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TypedDict

from timeline.model import Event, Registry


class CompanyRow(TypedDict):
    """One line of `timeline companies` (also its JSON shape)."""

    name: str
    aliases: list[str]
    parent: str | None
    events: int
    first: str | None
    last: str | None


def company_rows(events: Sequence[Event], registry: Registry) -> list[CompanyRow]:
    """Each registered company with the events that name it directly (events in date order)."""
    rows: list[CompanyRow] = []
    for entry in registry.companies:
        own = [e for e in events if entry.name in e.companies]
        rows.append(
            {
                "name": entry.name,
                "aliases": list(entry.aliases),
                "parent": entry.parent,
                "events": len(own),
                "first": str(own[0].date) if own else None,
                "last": str(own[-1].date) if own else None,
            }
        )
    return rows


def tag_counts(events: Sequence[Event]) -> Counter[str]:
    return Counter(t for e in events for t in e.tags)


def kind_counts(events: Sequence[Event]) -> Counter[str]:
    return Counter(e.kind for e in events)


def busiest_first(counts: Counter[str]) -> list[tuple[str, int]]:
    """Counts in the order every report shows them: most first, then by name."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def period_of(day: date, by: str) -> str:
    """The label of the year, quarter or month that holds ``day``."""
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


class Stats:
    """Event counts per company per period, busiest companies first."""

    __slots__ = ("order", "per_company", "period_totals", "periods", "total", "totals")

    def __init__(self, events: Sequence[Event], by: str) -> None:
        labels = [period_of(e.date.first_day, by) for e in events]
        self.period_totals = Counter(labels)
        self.periods = sorted(self.period_totals)
        self.per_company: dict[str, Counter[str]] = {}
        for event, period in zip(events, labels, strict=True):
            for company in event.companies:
                self.per_company.setdefault(company, Counter())[period] += 1
        self.totals = {name: sum(c.values()) for name, c in self.per_company.items()}
        self.order = sorted(self.per_company, key=lambda name: (-self.totals[name], name.casefold()))
        self.total = len(events)
