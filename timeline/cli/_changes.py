"""`timeline changes`: what changed in the store between two git revisions; `--added-since`.

Options follow git: ``--since``/``--until`` pick revisions by moment, as in ``git log``; the
event-date filters of ``list`` are therefore ``--from``/``--to`` here.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from timeline.cli._common import locate, show, today, visible, visible_lines
from timeline.cli._options import Filters, filter_query, with_filters
from timeline.errors import StoreError, UsageError

if TYPE_CHECKING:
    from timeline.history import Changes, Comparison
    from timeline.model import Event
    from timeline.store import Store, StoreLocation

_VIEWS = ("text", "json", "markdown")


def _moment(option: str, text: str, *, end: bool) -> datetime:
    """``--since last week``: the start of the period (``--until``: the end), at local midnight."""
    from timeline.dates import DateSyntaxError
    from timeline.history import moment
    from timeline.periods import parse_period

    try:
        period = parse_period(text, today())
    except DateSyntaxError as error:
        raise UsageError(f"{option}: {error}") from None
    return moment(period.last, after=True) if end else moment(period.first)


def _own_store(location: StoreLocation) -> None:
    from timeline.history import GitError

    if location.is_default:
        raise GitError(
            "the shipped store has no git history of yours; use -f PATH (or ./events.yaml) in a git repository"
        )


@with_filters(ordering=False, flags={"since": ("--from",), "until": ("--to",)})
def changes(
    ctx: typer.Context,
    filters: Filters,
    revision: Annotated[
        str | None, typer.Argument(metavar="[REV]", help="The old side (default: HEAD, the last commit).")
    ] = None,
    revision2: Annotated[
        str | None, typer.Argument(metavar="[REV2]", help="The new side (default: the working tree).")
    ] = None,
    since_moment: Annotated[
        str | None,
        typer.Option("--since", help="Old side: the last commit before WHEN ('last week', 2026-11-01...)."),
    ] = None,
    until_moment: Annotated[
        str | None,
        typer.Option("--until", help="New side: the last commit up to the end of WHEN (default: the working tree)."),
    ] = None,
    format_name: Annotated[str, typer.Option("--format", "-F", help="text (default), json or markdown.")] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    title: Annotated[
        str | None, typer.Option("--title", help="Markdown: the section heading (default: New this week).")
    ] = None,
) -> None:
    """What changed in the store between two git revisions: events added, removed, renamed and
    changed field by field, and company changes."""
    from timeline.history import compare, select_changes
    from timeline.store import cache_dir

    chosen = "json" if as_json else format_name
    if chosen not in _VIEWS:
        raise UsageError(f"--format: {format_name!r} is not one of {', '.join(_VIEWS)}")
    if since_moment is not None and revision is not None:
        raise UsageError("give the old side as REV or as --since, not both")
    if until_moment is not None and revision2 is not None:
        raise UsageError("give the new side as REV2 or as --until, not both")
    old: str | datetime | None = revision if since_moment is None else _moment("--since", since_moment, end=False)
    new: str | datetime | None = revision2 if until_moment is None else _moment("--until", until_moment, end=True)
    location = locate(ctx)
    _own_store(location)
    comparison = compare(location.path, old, new, cache=cache_dir(os.environ))
    registry = comparison.registry()
    stores = [s.store for s in (comparison.new, comparison.old) if s.store is not None]
    known = list({e.id: e for store in reversed(stores) for e in store.events}.values())  # the new side wins
    query = filter_query(registry, (t for e in known for t in e.tags), filters, known)
    selected = None if comparison.changes is None else select_changes(comparison.changes, query, registry)
    shown: list[Event] = []
    if selected is None:
        for side in (comparison.old, comparison.new):
            if side.error is not None:  # located as REV:FILE:LINE:COL (FILE:LINE:COL in the work tree)
                sys.stderr.write("".join(f"{visible(str(f))}\n" for f in side.error.findings))
        from timeline.query import select

        valid = next((s.store for s in (comparison.new, comparison.old) if s.store is not None), None)
        if valid is not None:
            shown = select(valid.events, query, registry, in_order=True)
    _write(ctx, comparison, selected, shown, chosen, title)
    if selected is None:
        raise typer.Exit(1)


def _write(
    ctx: typer.Context,
    comparison: Comparison,
    changes: Changes | None,
    shown: list[Event],
    chosen: str,
    title: str | None,
) -> None:
    from timeline.history.views import NEWSLETTER_TITLE, ChangesView, changes_markdown, changes_record

    if chosen == "json":
        from timeline.text import json_text

        sys.stdout.write(json_text(changes_record(comparison, changes, shown)) + "\n")
    elif chosen == "markdown":
        text = changes_markdown(comparison, changes, title or NEWSLETTER_TITLE, shown)
        sys.stdout.write(visible_lines(text) if sys.stdout.isatty() else text)
    else:
        show(ctx, ChangesView(comparison, changes, shown))


def added_ids(location: StoreLocation, store: Store, revision: str) -> set[str]:
    """``--added-since REV``: the ids of the store's events that are new since REV."""
    from timeline.history import added_since
    from timeline.store import cache_dir

    _own_store(location)
    try:
        return added_since(location.path, store, revision, cache=cache_dir(os.environ))
    except StoreError as error:
        raise StoreError(
            error.findings,
            f"hint: the store at {visible(revision)} is not valid, so nothing can be called new since it",
        ) from None
