"""Commands that create a store or add to it: `timeline init` and `timeline add`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from timeline.cli._common import locate, lock_timeout, open_store, today, visible, visible_lines
from timeline.cli._options import CompanyOpt, TagOpt
from timeline.edit import NewEvent
from timeline.errors import Interrupted, TimelineError, UsageError


def init(
    path: Annotated[
        Path, typer.Argument(help="Where to put your store: a file, or a folder to hold events.yaml.")
    ] = Path("events.yaml"),
    empty: Annotated[bool, typer.Option("--empty", help="Start with no events (and a commented example).")] = False,
) -> None:
    """Create your own store at PATH: a copy of the shipped one, or --empty."""
    from timeline.edit._init import create_store

    store, schema = create_store(path, empty=empty)
    beside = f" and {visible(schema.name)} (for editors)" if schema is not None else ""
    sys.stdout.write(f"created {visible(str(store))}{beside}; add events with `timeline add` or by editing it\n")


def _fill_in(ctx: typer.Context, new: NewEvent, *, given_summary: bool) -> NewEvent:
    """Ask for what the options did not give (and for tags, summary and sources)."""
    from dataclasses import replace

    from timeline.cli._prompts import Form
    from timeline.edit._fields import check_kind

    form = Form(open_store(ctx), today())
    kind = new.kind
    if kind:
        try:
            kind = check_kind(kind, "--kind")
        except UsageError as error:
            sys.stderr.write(f"  ! {visible(error.message)}\n")
            kind = ""
    return replace(
        new,
        date=new.date or form.date(),
        title=new.title or form.title(),
        companies=new.companies or tuple(form.companies()),
        kind=kind or form.kind(),
        tags=new.tags or tuple(form.tags()),
        summary=new.summary if given_summary else form.summary(),
        sources=new.sources or tuple(form.sources()),
        new_companies=(*new.new_companies, *form.new_companies),
        parents=tuple(form.parents),
    )


def add(
    ctx: typer.Context,
    date_text: Annotated[
        str | None, typer.Option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD, ~ ? %, or START/END.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="One-line title.")] = None,
    company: CompanyOpt = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="The kind of event.")] = None,
    tag: TagOpt = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="Source URL (repeatable).")] = None,
    summary: Annotated[str | None, typer.Option("--summary", help="Short summary.")] = None,
    related: Annotated[list[str] | None, typer.Option("--related", help="Related event id (repeatable).")] = None,
    event_id: Annotated[str | None, typer.Option("--id", help="Id (default: made from title and date).")] = None,
    new_company: Annotated[
        list[str] | None,
        typer.Option("--new-company", help="Register this company in the same write (repeatable)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Add even if it looks like a duplicate.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the YAML that would be added; change nothing.")
    ] = False,
) -> None:
    """Add an event to your store, in place, keeping every other byte of the file."""
    from timeline.edit import add_event

    location = locate(ctx)
    if location.is_default:
        raise UsageError(
            "the shipped store is read-only; run `timeline init` to make your own copy "
            "(./events.yaml), or choose a file with -f"
        )
    companies_given = list(company or ())
    missing = [
        name
        for name, value in (("--date", date_text), ("--title", title), ("--company", companies_given), ("--kind", kind))
        if not value
    ]
    if missing and not sys.stdin.isatty():
        raise UsageError(f"missing {', '.join(missing)} (asked for interactively only on a terminal)")
    if date_text is not None:
        from timeline.edit._fields import store_date

        try:
            date_text = store_date(date_text, today(), "--date")
        except UsageError:
            if not missing:
                raise
            date_text = None  # asked for again below, with the reason
    new = NewEvent(
        date=date_text or "",
        title=title or "",
        companies=tuple(companies_given),
        kind=kind or "",
        tags=tuple(tag or ()),
        sources=tuple(source or ()),
        summary=summary,
        related=tuple(related or ()),
        id=event_id,
        new_companies=tuple(new_company or ()),
    )
    if missing:
        from timeline.cli._prompts import NOTHING, confirm

        try:
            new = _fill_in(ctx, new, given_summary=summary is not None)
            preview = add_event(location.path, new, dry_run=True, force=force, today=today())
            if not confirm(preview.inserted, str(preview.path or location.path)):
                raise TimelineError("not added; nothing was written")
        except KeyboardInterrupt:  # between prompts: still nothing written
            sys.stderr.write("\n")
            raise Interrupted(NOTHING) from None
    from timeline.store import cache_dir

    result = add_event(
        location.path,
        new,
        dry_run=dry_run,
        force=force,
        today=today(),
        cache_folder=cache_dir(os.environ),
        lock_timeout=lock_timeout(),
    )
    for warning in result.warnings:
        sys.stderr.write(f"warning: {visible(warning)}\n")
    if dry_run:
        sys.stdout.write(visible_lines(result.inserted))
        return
    sys.stderr.write(f"added {result.event.id} to {visible(str(result.path or location.path))}\n")
