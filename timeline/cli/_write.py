"""Commands that write: `timeline init` and `timeline add`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from timeline.cli._common import locate, open_store, today, visible, visible_lines
from timeline.cli._options import CompanyOpt, TagOpt
from timeline.errors import UsageError


def init(
    path: Annotated[Path, typer.Argument(help="Where to put your copy (default: ./events.yaml).")] = Path(
        "events.yaml"
    ),
) -> None:
    """Copy the shipped store to PATH, so you have one of your own to extend."""
    from timeline.fileio import atomic_write
    from timeline.store import packaged_store

    if path.exists() or path.is_symlink():
        raise UsageError(f"{path} already exists; not overwriting it")
    atomic_write(path, packaged_store().read_bytes(), mode=0o644)
    sys.stdout.write(f"created {visible(str(path))}; add events with `timeline add` or by editing it\n")


def _ask(label: str, choices: list[str] | None = None) -> str:
    if choices:
        sys.stderr.write(f"{label} (one of: {', '.join(choices)})\n")
    value: str = typer.prompt(label, err=True)
    return value


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
    from timeline.edit import NewEvent, add_event
    from timeline.model import KINDS

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
    if missing and sys.stdin.isatty():
        store = open_store(ctx)
        date_text = date_text or _ask("Date")
        title = title or _ask("Title")
        companies_given = companies_given or [
            c.strip() for c in _ask("Companies (comma-separated)", store.registry.names()).split(",") if c.strip()
        ]
        kind = kind or _ask("Kind", list(KINDS))
    elif missing:
        raise UsageError(f"missing {', '.join(missing)} (asked for interactively only on a terminal)")
    if date_text is None or title is None or kind is None:  # pragma: no cover - ensured above
        raise UsageError("missing --date, --title or --kind")
    new = NewEvent(
        date=date_text,
        title=title,
        companies=tuple(companies_given),
        kind=kind,
        tags=tuple(tag or ()),
        sources=tuple(source or ()),
        summary=summary,
        related=tuple(related or ()),
        id=event_id,
        new_companies=tuple(new_company or ()),
    )
    from timeline.store import cache_dir

    result = add_event(
        location.path, new, dry_run=dry_run, force=force, today=today(), cache_folder=cache_dir(os.environ)
    )
    for warning in result.warnings:
        sys.stderr.write(f"warning: {visible(warning)}\n")
    if dry_run:
        sys.stdout.write(visible_lines(result.inserted))
        return
    sys.stderr.write(f"added {result.event.id} to {visible(str(result.path or location.path))}\n")
