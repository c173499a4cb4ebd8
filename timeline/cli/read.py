"""Commands that read the store: validate, schema and the terminal views."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from timeline.cli.common import colour_wanted, console, count, fail, locate, open_store, today, visible, width
from timeline.cli.filters import (
    AllCompaniesOpt,
    CompanyOpt,
    KindOpt,
    LimitOpt,
    OnOpt,
    ReverseOpt,
    SearchOpt,
    SinceOpt,
    SortOpt,
    TagOpt,
    UntilOpt,
    WithinOpt,
    build_query,
    select_events,
)
from timeline.errors import StoreError, TimelineError, UsageError


def validate(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Check the store and report every problem as FILE:LINE:COL."""
    from timeline.store import load

    location = locate(ctx)
    try:
        store = load(location.path, today=today())
    except StoreError as error:
        for finding in error.findings:
            sys.stderr.write(f"{visible(str(finding))}\n")
        sys.stderr.write(f"{count(len(error.findings), 'error')}, {count(0, 'warning')}\n")
        raise typer.Exit(1) from None
    except TimelineError as error:
        fail(error)
    for finding in store.warnings:
        sys.stderr.write(f"{visible(str(finding))}\n")
    if store.warnings:
        sys.stderr.write(f"{count(0, 'error')}, {count(len(store.warnings), 'warning')}\n")
    if strict and store.warnings:
        raise typer.Exit(1)
    sys.stdout.write(f"{visible(str(location.path))}: valid, {count(len(store.events), 'event')}\n")


def schema() -> None:
    """Print the JSON Schema of the store format (for editor validation)."""
    import json

    from timeline.schema import store_schema

    sys.stdout.write(json.dumps(store_schema(), indent=2) + "\n")


def list_events(
    ctx: typer.Context,
    company: CompanyOpt = None,
    all_companies: AllCompaniesOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    on: OnOpt = None,
    within: WithinOpt = False,
    tag: TagOpt = None,
    kind: KindOpt = None,
    search: SearchOpt = None,
    sort: SortOpt = "date",
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    view: Annotated[str, typer.Option("--view", help="table, timeline or compact.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of events.")] = False,
) -> None:
    """List the events that match, as a table, a visual timeline or compact lines."""
    if view not in ("table", "timeline", "compact"):
        fail(UsageError(f"--view: {view!r} is not one of table, timeline, compact"))
    store = open_store(ctx)
    query = build_query(
        store, company, all_companies, since, until, on, within, tag, kind, search, sort, reverse, limit
    )
    events = select_events(store, query)
    if as_json:
        from timeline.model import event_record
        from timeline.text import json_text

        sys.stdout.write(json_text([event_record(e) for e in events]) + "\n")
        return
    if not events:
        sys.stderr.write("No events match.\n")
        return
    if view == "compact":
        from timeline.views import compact_lines

        sys.stdout.writelines(line + "\n" for line in compact_lines(events))
        return
    from timeline.views import EventTable, TimelineView

    table = TimelineView(events) if view == "timeline" else EventTable(events)
    if colour_wanted():
        console().print(table)
    else:  # plain text: no rich needed, and much faster for long lists
        sys.stdout.write(table.plain(width()))


def show(ctx: typer.Context, event_id: Annotated[str, typer.Argument(metavar="ID", help="The event id.")]) -> None:
    """Everything about one event, with its sources and related events."""
    from timeline.errors import NotFoundError
    from timeline.render import event_detail
    from timeline.text import did_you_mean

    store = open_store(ctx)
    event = store.event(event_id)
    if event is None:
        hint = did_you_mean(event_id, [e.id for e in store.events])
        fail(NotFoundError(f"no event with id {event_id!r}{hint}"))
    console().print(event_detail(event, store.events))


def companies(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each company with aliases, parent, event count, and first and last event date."""
    from timeline.render import CompanyRow

    store = open_store(ctx)
    rows: list[CompanyRow] = []
    for entry in store.registry.companies:
        own = [e for e in store.events if entry.name in e.companies]
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
    if as_json:
        from timeline.text import json_text

        sys.stdout.write(json_text(rows) + "\n")
        return
    from timeline.render import companies_table

    console().print(companies_table(rows))


def tags(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each tag and each kind with its number of events."""
    from collections import Counter

    store = open_store(ctx)
    tag_counts = Counter(t for e in store.events for t in e.tags)
    kind_counts = Counter(e.kind for e in store.events)
    if as_json:
        from timeline.text import json_text

        ordered = {
            "tags": dict(sorted(tag_counts.items(), key=lambda i: (-i[1], i[0]))),
            "kinds": dict(sorted(kind_counts.items(), key=lambda i: (-i[1], i[0]))),
        }
        sys.stdout.write(json_text(ordered) + "\n")
        return
    from rich.console import Group

    from timeline.render import counts_table

    console().print(Group(counts_table("tags", tag_counts), "", counts_table("kinds", kind_counts)))


def stats(
    ctx: typer.Context,
    company: CompanyOpt = None,
    all_companies: AllCompaniesOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    on: OnOpt = None,
    within: WithinOpt = False,
    tag: TagOpt = None,
    kind: KindOpt = None,
    search: SearchOpt = None,
    by: Annotated[str, typer.Option("--by", help="year, quarter or month.")] = "year",
) -> None:
    """Event counts per company per period, busiest companies first."""
    if by not in ("year", "quarter", "month"):
        fail(UsageError(f"--by: {by!r} is not one of year, quarter, month"))
    store = open_store(ctx)
    query = build_query(store, company, all_companies, since, until, on, within, tag, kind, search)
    events = select_events(store, query)
    if not events:
        sys.stderr.write("No events match.\n")
        return
    from timeline.render import stats_table

    console().print(stats_table(events, by))
