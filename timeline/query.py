"""Query: the shared filters and ordering, as a pure function over events.

``build_query`` turns the filter options (by name, as the CLI's option bundle passes them) into a
Query, so a new filter touches this module and ``timeline.cli._options`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Literal

from timeline.model import KINDS, Event, Registry, unknown_company, unknown_kind
from timeline.text import visible

SortKey = Literal["date", "title", "company"]
SORT_KEYS: tuple[SortKey, ...] = ("date", "title", "company")


class Query:
    """What a user asked for. Company names are canonical; dates are inclusive days.

    An event's date is the span from its earliest to its latest possible day. By default a
    date filter keeps events whose span overlaps the range; ``within`` demands containment.
    """

    __slots__ = (
        "all_companies",
        "companies",
        "kinds",
        "limit",
        "reverse",
        "search",
        "since",
        "sort",
        "tags",
        "until",
        "within",
    )

    def __init__(
        self,
        *,
        companies: tuple[str, ...] = (),
        all_companies: bool = False,
        since: date | None = None,
        until: date | None = None,
        within: bool = False,
        tags: tuple[str, ...] = (),
        kinds: tuple[str, ...] = (),
        search: tuple[str, ...] = (),
        sort: SortKey = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> None:
        self.companies = companies
        self.all_companies = all_companies
        self.since = since
        self.until = until
        self.within = within
        self.tags = tags
        self.kinds = kinds
        self.search = search
        self.sort: SortKey = sort
        self.reverse = reverse
        self.limit = limit

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Query({fields})"


def build_query(
    registry: Registry,
    known_tags: Iterable[str],
    today: date,
    *,
    company: Sequence[str] = (),
    all_companies: bool = False,
    since: str | None = None,
    until: str | None = None,
    on: str | None = None,
    within: bool = False,
    tag: Sequence[str] = (),
    kind: Sequence[str] = (),
    search: Sequence[str] = (),
    sort: str = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> tuple[Query, list[str]]:
    """The Query for these option values, and warnings to show; UsageError for values that
    cannot mean anything (unknown company, kind or sort, an unreadable date)."""
    from timeline.errors import UsageError
    from timeline.periods import resolve_range

    companies: list[str] = []
    for name in company:
        canonical = registry.resolve(name)
        if canonical is None:
            raise UsageError(f"--company: {unknown_company(name, registry)}; see `timeline companies`")
        companies.append(canonical)
    for value in kind:
        if value not in KINDS:
            raise UsageError(f"--kind: {unknown_kind(value)}")
    if sort not in SORT_KEYS:
        raise UsageError(f"--sort: {sort!r} is not one of {', '.join(SORT_KEYS)}")
    tags_in_store = set(known_tags) if tag else set()  # only read when there are tags to check
    warnings = [f"no event has the tag {visible(value)!r}" for value in tag if value not in tags_in_store]
    first, last = resolve_range(on, since, until, today)
    query = Query(
        companies=tuple(dict.fromkeys(companies)),
        all_companies=all_companies,
        since=first,
        until=last,
        within=within,
        tags=tuple(tag),
        kinds=tuple(kind),
        search=tuple(search),
        sort=sort,  # checked against SORT_KEYS above
        reverse=reverse,
        limit=limit,
    )
    return query, warnings


def _company_test(query: Query, registry: Registry) -> tuple[frozenset[str], ...]:
    return tuple(registry.with_subsidiaries(name) for name in query.companies)


def matches(event: Event, query: Query, groups: Sequence[frozenset[str]]) -> bool:
    """Whether one event passes every filter of ``query`` (``groups`` from the registry)."""
    if groups:
        hits = [not group.isdisjoint(event.companies) for group in groups]
        if not (all(hits) if query.all_companies else any(hits)):
            return False
    if query.since is not None:
        edge = event.date.first_day if query.within else event.date.last_day
        if edge < query.since:
            return False
    if query.until is not None:
        edge = event.date.last_day if query.within else event.date.first_day
        if edge > query.until:
            return False
    if query.tags and not any(tag in event.tags for tag in query.tags):
        return False
    if query.kinds and event.kind not in query.kinds:
        return False
    if query.search:
        haystack = " ".join((event.title, event.summary or "", *event.companies, *event.tags)).casefold()
        if not all(term.casefold() in haystack for term in query.search):
            return False
    return True


def _order(event: Event, key: SortKey) -> tuple[object, ...]:
    if key == "title":
        return (event.title.casefold(), *event.sort_key)
    if key == "company":
        return (event.companies[0].casefold(), *event.sort_key)
    return event.sort_key


def select(events: Iterable[Event], query: Query, registry: Registry, *, in_order: bool = False) -> list[Event]:
    """The events that match, in the asked order; ``limit`` applies after sorting and reversing.

    ``in_order`` says the events already are in chronological order, as ``Store.events`` are
    (ids are unique, so that order is total): a date sort is then free.
    """
    groups = _company_test(query, registry)
    chosen = [e for e in events if matches(e, query, groups)]
    if not (in_order and query.sort == "date"):
        chosen.sort(key=lambda e: _order(e, query.sort), reverse=query.reverse)
    elif query.reverse:
        chosen.reverse()
    if query.limit is not None:
        chosen = chosen[: query.limit]
    return chosen


def describe(query: Query) -> str:
    """A readable summary of the filters, e.g. ``Microsoft, 2026-04-01 to 2026-06-30``."""
    parts: list[str] = []
    if query.companies:
        joiner = " and " if query.all_companies else " or "
        parts.append(joiner.join(query.companies) if len(query.companies) > 1 else query.companies[0])
    if query.since and query.until:
        parts.append(f"{query.since.isoformat()} to {query.until.isoformat()}")
    elif query.since:
        parts.append(f"since {query.since.isoformat()}")
    elif query.until:
        parts.append(f"until {query.until.isoformat()}")
    if query.kinds:
        parts.append("kind " + " or ".join(query.kinds))
    if query.tags:
        parts.append("tagged " + " or ".join(query.tags))
    if query.search:
        parts.append("matching " + ", ".join(repr(term) for term in query.search))
    return ", ".join(parts)
