"""`timeline import`: bring events in from a CSV, JSON or Present of AI file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from timeline.cli._common import locate, today, visible
from timeline.errors import UsageError

if TYPE_CHECKING:
    from timeline.importers import ImportPlan

_URL_SHOWN = 40  # a matched URL longer than this shows as its host and its end in the review
_ACTIONS = {"add": "add", "update": "merge", "skip": "skip", "reject": "reject", "filter": "filter"}


def _mapping(pairs: list[str]) -> dict[str, str]:
    from timeline.importers.csv_format import TARGETS

    out: dict[str, str] = {}
    for pair in pairs:
        column, sep, target = pair.partition("=")
        if not sep or not column.strip():
            raise UsageError(f"--map: {pair!r} is not COLUMN=FIELD (FIELD empty to ignore the column)")
        if target.strip() not in TARGETS:
            raise UsageError(f"--map: unknown field {target!r}; fields: {', '.join(t for t in TARGETS if t)}")
        out[column.strip().casefold()] = target.strip()
    return out


def _review(plan: ImportPlan) -> str:
    """The dry run's table: what would happen to each row and why, fitted to the width. Rows
    left out by --filter are only counted (in the summary line)."""
    from timeline.cli._common import width
    from timeline.terminal._layout import Column, column_widths, plain, table, wrap

    rows = []
    for d in plan.decisions:
        if d.action == "filter":
            continue
        reason = _short_urls(d.reason)
        detail = d.event_id if d.action == "add" else f"{d.event_id}: {reason}" if d.event_id else reason
        cells = (str(d.row), _ACTIONS[d.action], d.date, d.title, detail)
        rows.append([[(visible(cell), "")] for cell in cells])
    columns = width()
    headers = tuple(Column(name) for name in ("Row", "Action", "Date", "Title", "Event / reason"))
    if column_widths(headers, rows, columns, (3, 4)) is not None:  # the title gives up space first
        return plain(table(headers, rows, columns, shrink=(3, 4)))
    # too narrow for five columns without cutting an id: each row as a heading line, its title
    # and reason indented below
    out: list[str] = ["Row Action Date"]
    for row in rows:
        out.append(" ".join(row[i][0][0] for i in range(3)))
        for cell in row[3:]:
            out += ["  " + "".join(t for t, _ in line) for line in wrap(cell, columns - 2)]
    return "\n".join(line.rstrip() for line in out) + "\n"


def _short_urls(reason: str) -> str:
    """``same source URL gov.ca.gov/2026/09/18/governor-newsom-...-kill-switch`` as
    ``gov.ca.gov/…/...-kill-switch``: the host and the end say which page; the whole URL is in
    the matching event. A 143-character URL would otherwise keep the review from being a table."""
    words = reason.split(" ")
    for index, word in enumerate(words):
        if len(word) > _URL_SHOWN and "/" in word:
            host, _, rest = word.partition("/")
            words[index] = f"{host}/…{rest[-(_URL_SHOWN - len(host) - 2):]}" if len(host) < _URL_SHOWN - 10 else word
    return " ".join(words)


def _summary(plan: ImportPlan, dry_run: bool) -> str:
    add, merge, skip = plan.count("add"), plan.count("update"), plan.count("skip")
    reject, filtered = plan.count("reject"), plan.count("filter")
    past = not dry_run and not plan.blocked
    words = ("added", "merged", "skipped") if past else ("would add", "merge", "skip")
    text = (
        f"{visible(plan.file)} ({plan.format}, {len(plan.decisions)} rows): {words[0]} {add}, {words[1]} {merge} "
        f"into existing events, {words[2]} {skip} as duplicates, rejected {reject}, filtered out {filtered}"
    )
    if plan.new_companies:
        text += f"; new companies: {len(plan.new_companies)}"
    return text + "\n"


def import_events(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The file to import (.csv, .json, .ics, TimelineJS, Present of AI).")],
    source_format: Annotated[
        str | None,
        typer.Option(
            "--from", help="csv, json, ics, timelinejs or presentofai (default: from the extension and content)."
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None, typer.Option("--map", help="COLUMN=FIELD: where a column goes (repeatable; empty ignores).")
    ] = None,
    company_map: Annotated[
        Path | None, typer.Option("--company-map", help="YAML file of `name: canonical` company names.")
    ] = None,
    filters: Annotated[
        list[str] | None, typer.Option("--filter", help="Keep rows where COLUMN OP VALUE (= != > >= < <= ~).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would happen; write nothing.")] = False,
    new_companies: Annotated[
        bool, typer.Option("--new-companies", help="Register company names the store does not know.")
    ] = False,
    on_conflict: Annotated[
        str, typer.Option("--on-conflict", help="For a duplicate: skip it, update (merge sources and tags), or fail.")
    ] = "skip",
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="Write the good rows; report the bad ones.")] = False,
    date_order: Annotated[
        str | None, typer.Option("--date-order", help="dmy or mdy: how to read dates like 04/05/2026.")
    ] = None,
    delimiter: Annotated[str, typer.Option("--delimiter", help="The CSV delimiter (default ,).")] = ",",
    default_company: Annotated[
        str | None, typer.Option("--default-company", help="The company of rows that name none.")
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help="The kind of rows that have none (default other).")
    ] = None,
) -> None:
    """Import events from another tool or a data set, without duplicates, recording where each came from."""
    import time

    from timeline.importers import CONFLICTS, FORMATS, ImportError_, ImportOptions, run_import
    from timeline.importers._companies import read_company_map
    from timeline.importers._dates import DATE_ORDERS
    from timeline.model import KINDS, unknown_kind
    from timeline.store import cache_dir

    if source_format is not None and source_format not in FORMATS:
        raise UsageError(f"--from: unknown format {source_format!r}; formats: {', '.join(FORMATS)}")
    if on_conflict not in CONFLICTS:
        raise UsageError(f"--on-conflict: use one of {', '.join(CONFLICTS)}, not {on_conflict!r}")
    if date_order is not None and date_order not in DATE_ORDERS:
        raise UsageError(f"--date-order: use dmy or mdy, not {date_order!r}")
    if kind is not None and kind not in KINDS:
        raise UsageError(f"--kind: {unknown_kind(kind)}")
    if len(delimiter.replace("\\t", "\t")) != 1:
        raise UsageError("--delimiter: give one character, e.g. ';' or '\\t'")
    location = locate(ctx)
    if location.is_default:
        raise UsageError("the shipped store is read-only; run `timeline init` to make your own copy, or choose -f FILE")
    if not file.is_file():
        raise UsageError(f"no such file: {visible(str(file))}")
    import os

    options = ImportOptions(
        today=today().isoformat(),
        format=source_format,
        mapping=_mapping(list(mapping or ())),
        company_map=read_company_map(company_map) if company_map is not None else {},
        filters=tuple(filters or ()),
        new_companies=new_companies,
        on_conflict=on_conflict,
        skip_bad=skip_bad,
        date_order=date_order,
        delimiter=delimiter.replace("\\t", "\t"),
        default_company=default_company,
        kind=kind,
    )
    started = time.perf_counter()
    plan, _written = run_import(
        location.path, file, options, dry_run=dry_run, cache=cache_dir(os.environ), label=str(file)
    )
    if dry_run:
        sys.stdout.write(_review(plan))
    if plan.ignored:
        sys.stderr.write(f"ignored columns: {', '.join(visible(c) for c in plan.ignored)}\n")
    sys.stderr.write(_summary(plan, dry_run))
    if os.environ.get("TIMELINE_IMPORT_TIMING"):
        sys.stderr.write(f"took {time.perf_counter() - started:.2f} s\n")
    if plan.unknown:
        listing = plan.unknown_full if dry_run else plan.unknown
        names = len(plan.unknown_full)
        raise ImportError_(
            plan.problems,
            f"{names} company name{'s are' if names > 1 else ' is'} not in the registry:\n" + "\n".join(listing) + "\n"
            "nothing was imported: register them with --new-companies, or map them with --company-map FILE "
            "(YAML `name: canonical`)",
        )
    if plan.problems:
        if skip_bad:
            hint = "these rows were not imported"
        elif dry_run:
            hint = "the import would stop here; --skip-bad imports the good rows"
        else:
            hint = "nothing was imported; --skip-bad imports the good rows"
        error = ImportError_(plan.problems, hint)
        if skip_bad:
            sys.stderr.write(str(error) + "\n" + error.hint + "\n")
            return
        raise error
