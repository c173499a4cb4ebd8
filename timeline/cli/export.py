"""`timeline export`: the filtered events in one of the registered formats."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from timeline.cli.common import count, fail, locate, open_store, today, visible, visible_lines
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
from timeline.errors import TimelineError, UsageError


def export_events(
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
    format_name: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--format",
            "-F",
            help="markdown (default), json, csv, ics, mermaid, html or timelinejs.",
        ),
    ] = None,
    output: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    title: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--title", help="Document title (default: describes the filters)."),
    ] = None,
    details: Annotated[bool, typer.Option("--details", help="Markdown: add each summary.")] = False,
    layout: Annotated[str, typer.Option("--layout", help="Markdown: list (default) or table.")] = "list",
    mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Markdown: add a Mermaid diagram after the title.")
    ] = False,
) -> None:
    """Export the events that match as Markdown, JSON, CSV, iCalendar, Mermaid, HTML or TimelineJS."""
    from timeline.exporters import DEFAULT_TITLE, EXPORTERS, ExportOptions, by_extension, export
    from timeline.query import describe

    choices = ", ".join(EXPORTERS)
    if format_name is not None:
        if format_name not in EXPORTERS:
            fail(UsageError(f"--format: unknown format {format_name!r}; formats: {choices}"))
        chosen = format_name
    elif output is not None:
        found = by_extension(output)
        if found is None:
            fail(
                UsageError(
                    f"--output: cannot tell the format from {output.name!r}; use --format with one of: {choices}"
                )
            )
        chosen = found.name
    else:
        chosen = "markdown"
    if layout not in ("list", "table"):
        fail(UsageError(f"--layout: {layout!r} is not one of list, table"))
    location = locate(ctx)
    if output is not None:
        from timeline.store import store_files

        target = output.resolve()
        if any(target == f.resolve() for f in store_files(location.path)):
            fail(UsageError(f"--output: {output} is the store being read; choose another file"))
    store = open_store(ctx)
    query = build_query(
        store, company, all_companies, since, until, on, within, tag, kind, search, sort, reverse, limit
    )
    events = select_events(store, query)
    described = describe(query)
    options = ExportOptions(
        title=title or (f"{DEFAULT_TITLE} — {described}" if described else DEFAULT_TITLE),
        today=today(),
        details=details,
        layout=layout,
        mermaid=mermaid,
    )
    text = export(chosen, events, options)
    if output is None:
        if sys.stdout.isatty():
            text = visible_lines(text)
        sys.stdout.write(text)
        return
    from timeline.fileio import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"))
    except TimelineError as error:
        fail(error)
    sys.stderr.write(f"wrote {count(len(events), 'event')} as {chosen} to {visible(str(output))}\n")
