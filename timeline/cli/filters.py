"""The filter options shared by list, stats and export, and the Query they make."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from timeline.cli.common import fail, today, visible
from timeline.errors import UsageError

if TYPE_CHECKING:
    from timeline.model import Event
    from timeline.query import Query
    from timeline.store import Store


# typer needs Optional[...] at runtime on Python 3.11 when annotations are strings.
CompanyOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--company", "-c", help="Events involving this company or its subsidiaries (repeatable)."),
]
AllCompaniesOpt = Annotated[
    bool, typer.Option("--all-companies", help="Keep events involving every named company, not any.")
]
SinceOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--since", "--from", help="Events on or after DATE (2026-04, 'April 2026', 'last month'...)."),
]
UntilOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--until", "--to", help="Events on or before DATE (--until 2026-04 includes April)."),
]
OnOpt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--on", help="Events during PERIOD (2026, 2026-Q2, 'this week'...)."),
]
WithinOpt = Annotated[bool, typer.Option("--within", help="Require the whole event date to lie inside the range.")]
TagOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--tag", "-t", help="Events with this tag (repeatable, any of)."),
]
KindOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--kind", "-k", help="Events of this kind (repeatable, any of)."),
]
SearchOpt = Annotated[
    Optional[list[str]],  # noqa: UP045
    typer.Option("--search", "-s", help="Text that must occur in title, summary, companies or tags."),
]
SortOpt = Annotated[str, typer.Option("--sort", help="date, title or company.")]
ReverseOpt = Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")]
LimitOpt = Annotated[
    Optional[int],  # noqa: UP045
    typer.Option("--limit", "-n", min=0, help="At most N events, after sorting."),
]


def _period(option: str, text: str | None, today_: date) -> tuple[date, date] | None:
    from timeline.dates import DateSyntaxError, parse_period

    if text is None:
        return None
    try:
        period = parse_period(text, today_)
    except DateSyntaxError as error:
        fail(UsageError(f"{option}: {error}"))
    return period.first, period.last


def build_query(
    store: Store,
    company: list[str] | None,
    all_companies: bool,
    since: str | None,
    until: str | None,
    on: str | None,
    within: bool,
    tag: list[str] | None,
    kind: list[str] | None,
    search: list[str] | None,
    sort: str = "date",
    reverse: bool = False,
    limit: int | None = None,
) -> Query:
    """Turn the filter options into a Query, refusing unknown companies, kinds and sorts."""
    from timeline.model import KINDS
    from timeline.query import SORT_KEYS, Query
    from timeline.text import did_you_mean

    companies: list[str] = []
    for name in company or ():
        canonical = store.registry.resolve(name)
        if canonical is None:
            hint = did_you_mean(name, store.registry.all_names())
            fail(UsageError(f"--company: unknown company {name!r}{hint}; see `timeline companies`"))
        companies.append(canonical)
    for value in kind or ():
        if value not in KINDS:
            fail(UsageError(f"--kind: unknown kind {value!r}{did_you_mean(value, KINDS)}; kinds: {', '.join(KINDS)}"))
    if sort not in SORT_KEYS:
        fail(UsageError(f"--sort: {sort!r} is not one of {', '.join(SORT_KEYS)}"))
    known_tags = {t for e in store.events for t in e.tags}
    for value in tag or ():
        if value not in known_tags:
            sys.stderr.write(f"warning: no event has the tag {visible(value)!r}\n")
    now = today()
    first = last = None
    if on is not None:
        first, last = _period("--on", on, now) or (None, None)
    since_range = _period("--since", since, now)
    until_range = _period("--until", until, now)
    if since_range:
        first = since_range[0]
    if until_range:
        last = until_range[1]
    return Query(
        companies=tuple(dict.fromkeys(companies)),
        all_companies=all_companies,
        since=first,
        until=last,
        within=within,
        tags=tuple(tag or ()),
        kinds=tuple(kind or ()),
        search=tuple(search or ()),
        sort=sort,
        reverse=reverse,
        limit=limit,
    )


def select_events(store: Store, query: Query) -> list[Event]:
    from timeline.query import select

    return select(store.events, query, store.registry, in_order=True)
