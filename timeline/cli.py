"""The typer app: the only module that knows argv, environment variables, exit codes and streams.

Heavy modules (yaml, rich tables, dateutil, exporters) are imported inside the commands that use
them, so ``timeline --version`` and ``--help`` start as fast as typer itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer

from timeline import __version__
from timeline.errors import StoreError, TimelineError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from timeline.model import Event
    from timeline.query import Query
    from timeline.store import Store, StoreLocation


class Settings:
    """What the global options decided, shared by every command."""

    __slots__ = ("file",)

    def __init__(self, file: str | None) -> None:
        self.file = file


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr,
        color_system=None if no_color else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def _colour_wanted() -> bool:
    """Colour on a terminal, or when FORCE_COLOR asks for it; never when NO_COLOR is set."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def _width() -> int:
    """The terminal's width, $COLUMNS when set, else 80 (as rich decides it)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    import shutil

    return shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80


def fail(error: TimelineError) -> NoReturn:
    """Report a domain error on stderr (never interpreting its text) and exit with its code."""
    from timeline.text import visible

    lines = [visible(line) for line in error.message.splitlines()] or ["error"]
    if isinstance(error, StoreError):
        text = "\n".join(lines) + "\nhint: run `timeline validate` for details"
    else:
        prefix = "usage error: " if isinstance(error, UsageError) else "error: "
        text = prefix + "\n".join(lines)
    sys.stderr.write(text + "\n")
    raise typer.Exit(error.exit_code)


def today() -> date:
    """The real date, unless ``TIMELINE_NOW=YYYY-MM-DD`` pins it (tests always pin it)."""
    pinned = os.environ.get("TIMELINE_NOW")
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        fail(UsageError(f"TIMELINE_NOW must be YYYY-MM-DD, not {pinned!r}"))


def _settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings(None)


def locate(ctx: typer.Context) -> StoreLocation:
    from timeline.store import find_store

    try:
        return find_store(_settings(ctx).file, os.environ, Path.cwd())
    except TimelineError as error:
        fail(error)


def open_store(ctx: typer.Context) -> Store:
    """Load the chosen store (through the cache), or report its errors and exit 1."""
    from timeline.cache import cache_dir, load_cached

    location = locate(ctx)
    try:
        return load_cached(location.path, cache_dir(os.environ))
    except TimelineError as error:
        fail(error)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"timeline {__version__}\n")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    file: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional at runtime on 3.11
        typer.Option(
            "--file",
            "-f",
            help="Store file or folder (default: $TIMELINE_FILE, ./events.yaml, the shipped store).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Ask questions of a YAML timeline of the AI industry."""
    ctx.obj = Settings(file)


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
            sys.stderr.write(f"{_visible(str(finding))}\n")
        sys.stderr.write(f"{_count(len(error.findings), 'error')}, {_count(0, 'warning')}\n")
        raise typer.Exit(1) from None
    except TimelineError as error:
        fail(error)
    for finding in store.warnings:
        sys.stderr.write(f"{_visible(str(finding))}\n")
    if store.warnings:
        sys.stderr.write(f"{_count(0, 'error')}, {_count(len(store.warnings), 'warning')}\n")
    if strict and store.warnings:
        raise typer.Exit(1)
    sys.stdout.write(f"{_visible(str(location.path))}: valid, {_count(len(store.events), 'event')}\n")


def _visible(text: str) -> str:
    from timeline.text import visible

    return visible(text)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def schema() -> None:
    """Print the JSON Schema of the store format (for editor validation)."""
    import json

    from timeline.schema import store_schema

    sys.stdout.write(json.dumps(store_schema(), indent=2) + "\n")


# --- the shared filters -------------------------------------------------------------------
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
            sys.stderr.write(f"warning: no event has the tag {_visible(value)!r}\n")
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


# --- the terminal views ----------------------------------------------------------------------


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
    if _colour_wanted():
        _console().print(table)
    else:  # plain text: no rich needed, and much faster for long lists
        sys.stdout.write(table.plain(_width()))


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
    _console().print(event_detail(event, store.events))


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

    _console().print(companies_table(rows))


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

    _console().print(Group(counts_table("tags", tag_counts), "", counts_table("kinds", kind_counts)))


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

    _console().print(stats_table(events, by))


# --- exports -----------------------------------------------------------------------------------


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
            text = _visible_lines(text)
        sys.stdout.write(text)
        return
    from timeline.fileio import atomic_write

    try:
        atomic_write(output, text.encode("utf-8"))
    except TimelineError as error:
        fail(error)
    sys.stderr.write(f"wrote {_count(len(events), 'event')} as {chosen} to {_visible(str(output))}\n")


# --- keeping the timeline current ---------------------------------------------------------------


def init(
    path: Annotated[Path, typer.Argument(help="Where to put your copy (default: ./events.yaml).")] = Path(
        "events.yaml"
    ),
) -> None:
    """Copy the shipped store to PATH, so you have one of your own to extend."""
    from timeline.fileio import atomic_write
    from timeline.store import packaged_store

    if path.exists() or path.is_symlink():
        fail(UsageError(f"{path} already exists; not overwriting it"))
    try:
        atomic_write(path, packaged_store().read_bytes(), mode=0o644)
    except TimelineError as error:
        fail(error)
    sys.stdout.write(f"created {_visible(str(path))}; add events with `timeline add` or by editing it\n")


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
    title: Annotated[Optional[str], typer.Option("--title", help="One-line title.")] = None,  # noqa: UP045
    company: CompanyOpt = None,
    kind: Annotated[Optional[str], typer.Option("--kind", "-k", help="The kind of event.")] = None,  # noqa: UP045
    tag: TagOpt = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", help="Source URL (repeatable).")] = None,  # noqa: UP045
    summary: Annotated[Optional[str], typer.Option("--summary", help="Short summary.")] = None,  # noqa: UP045
    related: Annotated[Optional[list[str]], typer.Option("--related", help="Related event id (repeatable).")] = None,  # noqa: UP045
    event_id: Annotated[Optional[str], typer.Option("--id", help="Id (default: made from title and date).")] = None,  # noqa: UP045
    new_company: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--new-company", help="Register this company in the same write (repeatable)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Add even if it looks like a duplicate.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the YAML that would be added; change nothing.")
    ] = False,
) -> None:
    """Add an event to your store, in place, keeping every other byte of the file."""
    from timeline.model import KINDS
    from timeline.writer import NewEvent, add_event

    location = locate(ctx)
    if location.is_default:
        fail(
            UsageError(
                "the shipped store is read-only; run `timeline init` to make your own copy "
                "(./events.yaml), or choose a file with -f"
            )
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
        fail(UsageError(f"missing {', '.join(missing)} (asked for interactively only on a terminal)"))
    assert date_text is not None and title is not None and kind is not None  # noqa: S101 - ensured above
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
    try:
        result = add_event(location.path, new, dry_run=dry_run, force=force)
    except TimelineError as error:
        fail(error)
    if dry_run:
        sys.stdout.write(_visible_lines(result.inserted))
        return
    sys.stderr.write(f"added {result.event.id} to {_visible(str(location.path))}\n")


def _visible_lines(text: str) -> str:
    from timeline.text import visible

    return visible(text, keep_newlines=True)


COMMANDS: dict[str, Callable[..., None]] = {
    "validate": validate,
    "schema": schema,
    "list": list_events,
    "show": show,
    "companies": companies,
    "tags": tags,
    "stats": stats,
    "export": export_events,
    "init": init,
    "add": add,
}


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command, or with just ``only``: typer turns each registered
    command into a click command on every run, so registering one keeps start-up short."""
    application = typer.Typer(
        name="timeline",
        help="Ask questions of a YAML timeline of the AI industry.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    application.callback()(main_options)
    for name, function in COMMANDS.items():
        if only is None or name == only:
            application.command(name)(function)
    return application


app = build_app()


def requested_command(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` after the global options, if it is a known one."""
    args = iter(argv)
    for arg in args:
        if arg in ("-f", "--file"):
            next(args, None)
        elif arg.startswith("--file=") or (arg.startswith("-f") and len(arg) > 2):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg if arg in COMMANDS else None
    return None


def main() -> None:
    """Console-script entry point."""
    build_app(requested_command(sys.argv[1:]))()
