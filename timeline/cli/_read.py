"""Commands that read the store: validate, schema and the terminal views."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from timeline.cli._common import colour_wanted, console, count, locate, open_store, today, visible, width
from timeline.cli._options import AddedSinceOpt, Filters, select_events, with_filters
from timeline.errors import NotFoundError, StoreError, UsageError


def validate(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
) -> None:
    """Check the store and report every problem as FILE:LINE:COL."""
    from timeline.store import load

    location = locate(ctx)
    try:
        store = load(location.path, today=today())
    except StoreError as error:  # the same findings, with validate's counts instead of the hint
        raise StoreError(error.findings, f"{count(len(error.findings), 'error')}, {count(0, 'warning')}") from None
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

    from timeline.store import store_schema

    sys.stdout.write(json.dumps(store_schema(), indent=2) + "\n")


@with_filters()
def list_events(
    ctx: typer.Context,
    filters: Filters,
    view: Annotated[str, typer.Option("--view", help="table, timeline, compact or lanes.")] = "table",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of events.")] = False,
    lane_by: Annotated[str | None, typer.Option("--lane-by", help="Lanes: one per company, kind or tag.")] = None,
    lane_order: Annotated[
        str | None, typer.Option("--lane-order", help="Lanes: by event count, name or first event.")
    ] = None,
    added_since: AddedSinceOpt = None,
) -> None:
    """List the events that match, as a table, a visual timeline, compact lines or lanes."""
    if view not in ("table", "timeline", "compact", "lanes"):
        raise UsageError(f"--view: {view!r} is not one of table, timeline, compact, lanes")
    if view != "lanes" and (lane_by or lane_order):
        raise UsageError(f"{'--lane-by' if lane_by else '--lane-order'} needs --view lanes")
    lane_by, lane_order = lane_by or "company", lane_order or "count"
    if view == "lanes":
        from timeline.terminal.lanes import LANE_BY, LANE_ORDER

        if lane_by not in LANE_BY:
            raise UsageError(f"--lane-by: {lane_by!r} is not one of {', '.join(LANE_BY)}")
        if lane_order not in LANE_ORDER:
            raise UsageError(f"--lane-order: {lane_order!r} is not one of {', '.join(LANE_ORDER)}")
    store = open_store(ctx)
    only = None
    if added_since is not None:
        from timeline.cli._changes import added_ids

        only = added_ids(locate(ctx), store, added_since)
    events, query = select_events(store, filters, only)
    if as_json:
        from timeline.model import event_record
        from timeline.text import json_text

        sys.stdout.write(json_text([event_record(e) for e in events]) + "\n")
        return
    if not events:
        sys.stderr.write("No events match.\n")
        return
    if view == "compact":
        from timeline.terminal.views import compact_lines

        sys.stdout.writelines(line + "\n" for line in compact_lines(events))
        return
    from timeline.terminal.views import EventTable, StyledView, TimelineView

    table: StyledView
    if view == "lanes":
        from timeline.terminal.lanes import LanesView

        table = LanesView(
            events,
            store.registry,
            by=lane_by,  # type: ignore[arg-type]  # checked against LANE_BY above
            order=lane_order,  # type: ignore[arg-type]
            named=query.companies,
            exact=bool(filters.get("exact_company")),
            first=query.since,
            last=query.until,
        )
    else:
        table = TimelineView(events) if view == "timeline" else EventTable(events)
    if colour_wanted():
        console().print(table)
    else:  # plain text: no rich needed, and much faster for long lists
        sys.stdout.write(table.plain(width()))


def show(ctx: typer.Context, event_id: Annotated[str, typer.Argument(metavar="ID", help="The event id.")]) -> None:
    """Everything about one event, with its sources and related events."""
    from timeline.terminal.panels import event_detail
    from timeline.text import did_you_mean

    store = open_store(ctx)
    event = store.event(event_id)
    if event is None:
        hint = did_you_mean(event_id, [e.id for e in store.events])
        raise NotFoundError(f"no event with id {event_id!r}{hint}")
    console().print(event_detail(event, store.events))


def companies(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each company with aliases, parent, event count, and first and last event date."""
    from timeline.summary import company_rows

    store = open_store(ctx)
    rows = company_rows(store.events, store.registry)
    if as_json:
        from timeline.text import json_text

        sys.stdout.write(json_text(rows) + "\n")
        return
    from timeline.terminal.panels import companies_table

    console().print(companies_table(rows))


def tags(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each tag and each kind with its number of events."""
    from timeline.summary import busiest_first, kind_counts, tag_counts

    store = open_store(ctx)
    tag_count, kind_count = tag_counts(store.events), kind_counts(store.events)
    if as_json:
        from timeline.text import json_text

        ordered = {"tags": dict(busiest_first(tag_count)), "kinds": dict(busiest_first(kind_count))}
        sys.stdout.write(json_text(ordered) + "\n")
        return
    from rich.console import Group

    from timeline.terminal.panels import counts_table

    console().print(Group(counts_table("tags", tag_count), "", counts_table("kinds", kind_count)))


@with_filters(ordering=False)
def stats(
    ctx: typer.Context,
    filters: Filters,
    by: Annotated[str, typer.Option("--by", help="year, quarter or month.")] = "year",
) -> None:
    """Event counts per company per period, busiest companies first."""
    if by not in ("year", "quarter", "month"):
        raise UsageError(f"--by: {by!r} is not one of year, quarter, month")
    store = open_store(ctx)
    events, _ = select_events(store, filters)
    if not events:
        sys.stderr.write("No events match.\n")
        return
    from timeline.summary import Stats
    from timeline.terminal.panels import stats_table

    console().print(stats_table(Stats(events, by)))
