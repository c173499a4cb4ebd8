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
    with_subsidiaries: int
    first: str | None
    last: str | None


def company_rows(events: Sequence[Event], registry: Registry) -> list[CompanyRow]:
    """Each registered company with the events that name it directly (events in date order),
    and the number that name it or a subsidiary (what ``-c NAME`` selects)."""
    rows: list[CompanyRow] = []
    for entry in registry.companies:
        own = [e for e in events if entry.name in e.companies]
        group = registry.with_subsidiaries(entry.name)
        rows.append(
            {
                "name": entry.name,
                "aliases": list(entry.aliases),
                "parent": entry.parent,
                "events": len(own),
                "with_subsidiaries": sum(1 for e in events if not group.isdisjoint(e.companies)),
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


BUCKET_RULE = (
    "an event counts in every period its dates overlap (one dated only to 2025 counts in each "
    "quarter of 2025); totals count each event once"
)


def period_of(day: date, by: str) -> str:
    """The label of the year, quarter or month that holds ``day``."""
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def _ordinal(day: date, by: str) -> int:
    """A running number of the period that holds ``day``: consecutive periods differ by one."""
    if by == "year":
        return day.year
    if by == "quarter":
        return day.year * 4 + (day.month - 1) // 3
    return day.year * 12 + day.month - 1


def _period_bounds(ordinal: int, by: str) -> tuple[date, date]:
    from timeline.dates import days_in_month

    if by == "year":
        return date(ordinal, 1, 1), date(ordinal, 12, 31)
    if by == "quarter":
        year, quarter = divmod(ordinal, 4)
        last_month = 3 * quarter + 3
        return date(year, 3 * quarter + 1, 1), date(year, last_month, days_in_month(year, last_month))
    year, month = divmod(ordinal, 12)
    return date(year, month + 1, 1), date(year, month + 1, days_in_month(year, month + 1))


class Stats:
    """Event counts per period and per company, busiest companies first.

    Every period from the first to the last day of the range is a bucket, empty or not. An
    event counts in every bucket its span overlaps (see ``BUCKET_RULE``): a year-precision event
    is not a January event, and ``--on 2025-Q2`` counts the events that filter selects there.
    """

    __slots__ = ("by", "first", "last", "order", "per_company", "period_totals", "periods", "spread", "total", "totals")

    def __init__(self, events: Sequence[Event], by: str, since: date | None = None, until: date | None = None) -> None:
        self.by = by
        self.first = since or min((e.date.first_day for e in events), default=date(2000, 1, 1))
        self.last = until or max((e.date.last_day for e in events), default=self.first)
        start, end = _ordinal(self.first, by), _ordinal(self.last, by)
        self.periods = [period_of(_period_bounds(n, by)[0], by) for n in range(start, end + 1)]
        totals = [0] * len(self.periods)
        self.per_company: dict[str, Counter[str]] = {}
        self.totals: dict[str, int] = {}
        self.spread = 0  # events counted in more than one period
        for event in events:
            first = max(_ordinal(event.date.first_day, by), start)
            last = min(_ordinal(event.date.last_day, by), end)
            if last > first:
                self.spread += 1
            for company in event.companies:
                self.totals[company] = self.totals.get(company, 0) + 1
            for ordinal in range(first, last + 1):
                totals[ordinal - start] += 1
                label = self.periods[ordinal - start]
                for company in event.companies:
                    self.per_company.setdefault(company, Counter())[label] += 1
        self.period_totals = dict(zip(self.periods, totals, strict=True))
        self.order = sorted(self.totals, key=lambda name: (-self.totals[name], name.casefold()))
        self.total = len(events)

    def bounds(self, label: str) -> tuple[date, date]:
        """The first and last day of the period ``label`` (clipped to the range)."""
        first, last = _period_bounds(_ordinal(self.first, self.by) + self.periods.index(label), self.by)
        return max(first, self.first), min(last, self.last)

    def record(self) -> dict[str, object]:
        """The JSON shape of ``stats --json``."""
        return {
            "by": self.by,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "rule": BUCKET_RULE,
            "total": self.total,
            "periods": [
                {
                    "period": label,
                    "first": self.bounds(label)[0].isoformat(),
                    "last": self.bounds(label)[1].isoformat(),
                    "events": self.period_totals[label],
                    "companies": dict(
                        busiest_first(Counter({n: c[label] for n, c in self.per_company.items() if c[label]}))
                    ),
                }
                for label in self.periods
            ],
            "companies": [{"name": name, "events": self.totals[name]} for name in self.order],
        }
