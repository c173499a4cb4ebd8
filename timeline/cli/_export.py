"""`timeline export`: the filtered events in one of the registered formats."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from timeline.cli._common import count, locate, open_store, today, visible, visible_lines
from timeline.cli._options import AddedSinceOpt, Filters, select_events, with_filters
from timeline.errors import UsageError
from timeline.exporters import EXPORTERS

_FORMATS = ", ".join(EXPORTERS)


@with_filters()
def export_events(
    ctx: typer.Context,
    filters: Filters,
    format_name: Annotated[
        str | None,
        typer.Option("--format", "-F", help=f"One of: {_FORMATS} (default: from the -o extension, else markdown)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout."),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option("--title", help="Document title (default: describes the filters)."),
    ] = None,
    details: Annotated[bool, typer.Option("--details", help="Markdown: add each summary.")] = False,
    layout: Annotated[str, typer.Option("--layout", help="Markdown: list (default) or table.")] = "list",
    mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Markdown: add a Mermaid diagram after the title.")
    ] = False,
    static: Annotated[
        bool, typer.Option("--static", help="HTML: a page without script (no filters, lanes or search).")
    ] = False,
    added_since: AddedSinceOpt = None,
) -> None:
    """Export the events that match as Markdown, JSON, CSV, iCalendar, Mermaid, HTML or TimelineJS."""
    from timeline.exporters import DEFAULT_TITLE, ExportOptions, by_extension, export
    from timeline.query import describe

    if format_name is not None:
        if format_name not in EXPORTERS:
            raise UsageError(f"--format: unknown format {format_name!r}; formats: {_FORMATS}")
        chosen = format_name
    elif output is not None:
        found = by_extension(output)
        if found is None:
            raise UsageError(
                f"--output: cannot tell the format from {output.name!r}; use --format with one of: {_FORMATS}"
            )
        chosen = found.name
    else:
        chosen = "markdown"
    if layout not in ("list", "table"):
        raise UsageError(f"--layout: {layout!r} is not one of list, table")
    location = locate(ctx)
    if output is not None:
        from timeline.store import store_files

        target = output.resolve()
        if any(target == f.resolve() for f in store_files(location.path)):
            raise UsageError(f"--output: {output} is the store being read; choose another file")
    store = open_store(ctx)
    only = None
    if added_since is not None:
        from timeline.cli._changes import added_ids

        only = added_ids(location, store, added_since)
    events, query = select_events(store, filters, only)
    described = ", ".join(filter(None, [describe(query), added_since and f"added since {added_since}"]))
    options = ExportOptions(
        title=title or (f"{DEFAULT_TITLE} — {described}" if described else DEFAULT_TITLE),
        today=today(),
        details=details,
        layout=layout,
        mermaid=mermaid,
        static=static,
        parents={c.name: c.parent for c in store.registry.companies if c.parent is not None},
    )
    text = export(chosen, events, options)
    if output is None:
        if sys.stdout.isatty():
            sys.stdout.write(visible_lines(text))
            return
        # A file format is UTF-8 (HTML and ICS say so, JSON must be) whatever the locale's
        # encoding: write the bytes, not text the locale might not encode.
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
            return
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
        return
    from timeline.fileio import write_output

    write_output(output, text.encode("utf-8"))
    sys.stderr.write(f"wrote {count(len(events), 'event')} as {chosen} to {visible(str(output))}\n")
