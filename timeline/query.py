"""Query: the shared filters and ordering, as a pure function over events.

``build_query`` turns the filter options (by name, as the CLI's option bundle passes them) into a
Query, so a new filter touches this module and ``timeline.cli._options`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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
        "any_term",
        "companies",
        "exact_company",
        "ids",
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
        any_term: bool = False,
        exact_company: bool = False,
        ids: frozenset[str] | None = None,
        sort: SortKey = "date",
        reverse: bool = False,
        limit: int | None = None,
    ) -> None:
        """``search`` holds terms (phrases already split, see ``search_terms``); ``ids``, when
        given, keeps only those events (a storyline, see ``storyline``)."""
        self.companies = companies
        self.all_companies = all_companies
        self.since = since
        self.until = until
        self.within = within
        self.tags = tags
        self.kinds = kinds
        self.search = search
        self.any_term = any_term
        self.exact_company = exact_company
        self.ids = ids
        self.sort: SortKey = sort
        self.reverse = reverse
        self.limit = limit

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"Query({fields})"


def search_terms(texts: Iterable[str]) -> tuple[str, ...]:
    """The terms of ``-s`` values: words split on whitespace, ``"quoted phrases"`` kept whole."""
    import re

    terms: list[str] = []
    for text in texts:
        for phrase, word in re.findall(r'"([^"]*)"|(\S+)', text):
            term = " ".join((phrase or word).split())
            if term:
                terms.append(term)
    return tuple(dict.fromkeys(terms))


def build_query(
    registry: Registry,
    known_tags: Iterable[str],
    today: date,
    *,
    company: Sequence[str] = (),
    all_companies: bool = False,
    exact_company: bool = False,
    since: str | None = None,
    until: str | None = None,
    on: str | None = None,
    within: bool = False,
    tag: Sequence[str] = (),
    kind: Sequence[str] = (),
    search: Sequence[str] = (),
    any_term: bool = False,
    ids: frozenset[str] | None = None,
    sort: str = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> tuple[Query, list[str]]:
    """The Query for these option values, and warnings to show; UsageError for values that
    cannot mean anything (unknown company, kind, tag or sort, an unreadable date). Tags and kinds
    match case-insensitively."""
    from timeline.errors import UsageError
    from timeline.periods import resolve_range
    from timeline.text import did_you_mean

    companies: list[str] = []
    for name in company:
        canonical = registry.resolve(name)
        if canonical is None:
            if "," in name:
                parts = " ".join(f"-c {visible(part.strip())!r}" for part in name.split(",") if part.strip())
                raise UsageError(f"--company: {visible(name)!r} holds a comma; repeat -c for each company: {parts}")
            raise UsageError(f"--company: {unknown_company(name, registry)}; see `timeline companies`")
        companies.append(canonical)
    kinds = tuple(dict.fromkeys(value.strip().lower() for value in kind))
    for value in kinds:
        if value not in KINDS:
            raise UsageError(f"--kind: {unknown_kind(value)}")
    if sort not in SORT_KEYS:
        raise UsageError(f"--sort: {sort!r} is not one of {', '.join(SORT_KEYS)}")
    tags = tuple(dict.fromkeys(value.strip().lower() for value in tag))
    if tags:  # only read when there are tags to check
        tags_in_store = set(known_tags)
        for value in tags:
            if value not in tags_in_store:
                hint = did_you_mean(value, tags_in_store)
                raise UsageError(f"--tag: no event has the tag {visible(value)!r}{hint}; see `timeline tags`")
    first, last = resolve_range(on, since, until, today)
    query = Query(
        companies=tuple(dict.fromkeys(companies)),
        all_companies=all_companies,
        since=first,
        until=last,
        within=within,
        tags=tags,
        kinds=kinds,
        search=search_terms(search),
        any_term=any_term,
        exact_company=exact_company,
        ids=ids,
        sort=sort,  # checked against SORT_KEYS above
        reverse=reverse,
        limit=limit,
    )
    return query, []


def _company_test(query: Query, registry: Registry) -> tuple[frozenset[str], ...]:
    if query.exact_company:
        return tuple(frozenset((name,)) for name in query.companies)
    return tuple(registry.with_subsidiaries(name) for name in query.companies)


def matches(event: Event, query: Query, groups: Sequence[frozenset[str]]) -> bool:
    """Whether one event passes every filter of ``query`` (``groups`` from the registry)."""
    if query.ids is not None and event.id not in query.ids:
        return False
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
        found = (term.casefold() in haystack for term in query.search)
        if not (any(found) if query.any_term else all(found)):
            return False
    return True


def _order(event: Event, key: SortKey) -> tuple[object, ...]:
    if key == "title":
        return (event.title.casefold(), *event.sort_key)
    if key == "company":
        return (event.companies[0].casefold(), *event.sort_key)
    return event.sort_key


def select(events: Iterable[Event], query: Query, registry: Registry, *, in_order: bool = False) -> list[Event]:
    """The events that match, in the asked order. ``limit`` keeps the newest N (as ``-n`` does
    in git log and jrnl), which are then shown in the asked order.

    ``in_order`` says the events already are in chronological order, as ``Store.events`` are
    (ids are unique, so that order is total): a date sort is then free.
    """
    groups = _company_test(query, registry)
    chosen = [e for e in events if matches(e, query, groups)]
    if not in_order:
        chosen.sort(key=lambda e: e.sort_key)
    if query.limit is not None:
        chosen = chosen[len(chosen) - query.limit :] if query.limit else []
    if query.sort != "date":
        chosen.sort(key=lambda e: _order(e, query.sort), reverse=query.reverse)
    elif query.reverse:
        chosen.reverse()
    return chosen


def storyline(events: Sequence[Event], start: str, depth: int) -> dict[str, int]:
    """The events up to ``depth`` links from ``start``, following ``related`` both ways, each
    with its distance in links (``start`` itself at 0)."""
    neighbours: dict[str, set[str]] = {}
    for event in events:
        for other in event.related:
            neighbours.setdefault(event.id, set()).add(other)
            neighbours.setdefault(other, set()).add(event.id)
    distance = {start: 0}
    frontier = [start]
    for step in range(1, depth + 1):
        frontier = [n for current in frontier for n in sorted(neighbours.get(current, ())) if n not in distance]
        for found in frontier:
            distance.setdefault(found, step)
    return distance


def find_event(events: Sequence[Event], text: str) -> Event:
    """The event whose id is ``text``, or the one event whose id or title holds all its words;
    NotFoundError with suggestions when none does, UsageError listing the candidates when
    several do."""
    from timeline.errors import NotFoundError, UsageError
    from timeline.text import did_you_mean

    by_id: Mapping[str, Event] = {e.id: e for e in events}
    if text in by_id:
        return by_id[text]
    terms = [t.casefold() for t in search_terms([text])]
    found = [e for e in events if terms and all(t in f"{e.id} {e.title}".casefold() for t in terms)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(
            f"no event with id {visible(text)!r}{did_you_mean(text, by_id)}; `timeline list --ids` shows ids"
        )
    lines = [f"  {e.id}  {e.date.short()}  {visible(e.title)}" for e in found[:20]]
    more = [f"  ... and {len(found) - 20} more"] if len(found) > 20 else []
    raise UsageError("\n".join([f"{visible(text)!r} matches {len(found)} events; give one id:", *lines, *more]))


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
