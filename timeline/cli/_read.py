"""Commands that read the store: validate, schema and the terminal views."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from timeline.cli._common import count, locate, nothing_matches, open_store, page, settings, today, visible
from timeline.cli._common import show as show_view
from timeline.cli._options import AddedSinceOpt, Filters, select_events, with_filters
from timeline.errors import StoreError, UsageError


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
        raise StoreError(
            error.findings, f"{count(len(error.findings), 'error')}, {count(0, 'warning')}", complete=True
        ) from None
    for finding in store.warnings:
        sys.stderr.write(f"{visible(str(finding))}\n")
    if store.warnings:
        sys.stderr.write(f"{count(0, 'error')}, {count(len(store.warnings), 'warning')}\n")
    if strict and store.warnings:
        raise typer.Exit(1)
    sys.stdout.write(f"{visible(str(location.path))}: valid, {count(len(store.events), 'event')}\n")


def where(ctx: typer.Context) -> None:
    """Print the store in use (a file, or a folder and its files) and how it was found."""
    from timeline.store import store_files

    location = locate(ctx)
    how = "the shipped store, read-only" if location.is_default else location.how
    sys.stdout.write(f"{visible(str(location.path))}  ({how})\n")
    if location.path.is_dir():
        sys.stdout.writelines(f"  {visible(path.name)}\n" for path in store_files(location.path))


def completion(
    shell: Annotated[str, typer.Argument(metavar="SHELL", help="bash, zsh or fish.")],
) -> None:
    """Print the shell completion script (commands, options, companies, tags, kinds, ids)."""
    from timeline.cli._complete import SCRIPTS

    if shell not in SCRIPTS:
        raise UsageError(f"completion: {shell!r} is not one of {', '.join(SCRIPTS)}")
    sys.stdout.write(SCRIPTS[shell])


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
    ids: Annotated[bool, typer.Option("--ids", help="Show each event's id (for `timeline show`).")] = False,
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
        nothing_matches(ctx, store)
        return
    if view == "compact":
        from timeline.terminal.views import compact_lines

        page("".join(line + "\n" for line in compact_lines(events, ids)), settings(ctx))
    else:
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
            table = TimelineView(events, ids) if view == "timeline" else EventTable(events, ids)
        show_view(ctx, table)
    if sys.stdout.isatty():
        first = min(e.date.first_day for e in events)
        last = max(e.date.last_day for e in events)
        sys.stderr.write(f"{count(len(events), 'event')}, {first.isoformat()} to {last.isoformat()}\n")


def show(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event id, or words that match only one event.")],
    depth: Annotated[
        int, typer.Option("--depth", min=1, help="Related events up to N links away, both ways (default 1).")
    ] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event (and its related ids) as JSON.")] = False,
) -> None:
    """Everything about one event, with its sources and related events (by date)."""
    from timeline.query import find_event, storyline

    store = open_store(ctx)
    event = find_event(store.events, event_id)
    distances = storyline(store.events, event.id, depth)
    if as_json:
        from timeline.model import event_record
        from timeline.text import json_text

        record = {
            **event_record(event),
            "storyline": [{"id": i, "links": n} for i, n in distances.items() if i != event.id],
        }
        sys.stdout.write(json_text(record) + "\n")
        return
    from timeline.terminal.panels import EventDetail

    show_view(ctx, EventDetail(event, store.events, distances))


def companies(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Each company with aliases, parent, event counts (direct and with subsidiaries), and first
    and last event date."""
    from timeline.summary import company_rows

    store = open_store(ctx)
    rows = company_rows(store.events, store.registry)
    if as_json:
        from timeline.text import json_text

        sys.stdout.write(json_text(rows) + "\n")
        return
    from timeline.terminal.panels import CompaniesView

    show_view(ctx, CompaniesView(rows))


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
    from timeline.terminal.panels import CountsView
    from timeline.terminal.views import Stack

    show_view(ctx, Stack([CountsView("tags", tag_count), CountsView("kinds", kind_count)]))


@with_filters(ordering=False)
def stats(
    ctx: typer.Context,
    filters: Filters,
    by: Annotated[str, typer.Option("--by", help="year, quarter or month.")] = "year",
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Event counts per period (every period of the range, empty ones too) and per company."""
    if by not in ("year", "quarter", "month"):
        raise UsageError(f"--by: {by!r} is not one of year, quarter, month")
    store = open_store(ctx)
    events, query = select_events(store, filters)
    if not events:
        nothing_matches(ctx, store)
        return
    from timeline.summary import Stats

    counted = Stats(events, by, query.since, query.until)
    if as_json:
        from timeline.text import json_text

        sys.stdout.write(json_text(counted.record()) + "\n")
        return
    from timeline.terminal.panels import StatsView

    show_view(ctx, StatsView(counted))
