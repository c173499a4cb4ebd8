"""Rich renderables for the terminal. Nothing here prints: callers own the console.

Every piece of event data goes through ``visible`` and into ``Text`` objects (never markup), so
titles like ``[bold]x[/]`` or ESC sequences are shown literally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from rich.style import Style
from rich.table import Table
from rich.text import Text

from timeline.dates import parse_event_date
from timeline.model import Event
from timeline.text import visible
from timeline.views import company_style

if TYPE_CHECKING:
    pass

BAR = "█"


def companies_text(names: Iterable[str], separator: str = ", ") -> Text:
    text = Text()
    for index, name in enumerate(names):
        if index:
            text.append(separator)
        text.append(visible(name), style=company_style(name))
    return text


def event_detail(event: Event, events: Sequence[Event]) -> Table:
    """Everything about one event, with related events in both directions."""
    by_id = {e.id: e for e in events}
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("", Text(visible(event.title), style="bold"))
    grid.add_row("id", Text(event.id))
    grid.add_row("date", Text(f"{event.date.long()} ({event.date.describe()})"))
    grid.add_row("companies", companies_text(event.companies))
    grid.add_row("kind", Text(event.kind))
    if event.tags:
        grid.add_row("tags", Text(", ".join(event.tags)))
    if event.summary:
        grid.add_row("summary", Text(visible(event.summary)))
    sources = Text()
    for index, source in enumerate(event.sources):
        if index:
            sources.append("\n")
        label = " — ".join(visible(part) for part in (source.title, source.publisher) if part)
        if label:
            sources.append(label + "\n")
        sources.append(visible(source.url), style=Style(link=source.url, underline=True))
    if event.sources:
        grid.add_row("sources", sources)
    links = Text()
    lines = [("→", by_id[r]) for r in event.related if r in by_id]
    lines += [("←", e) for e in events if event.id in e.related and e.id not in event.related]
    for index, (arrow, other) in enumerate(lines):
        if index:
            links.append("\n")
        links.append(f"{arrow} {other.date.short()}  ")
        links.append(visible(other.title))
        links.append(f"  ({other.id})", style="dim")
    if lines:
        grid.add_row("related", links)
    return grid


class CompanyRow(TypedDict):
    """One line of `timeline companies` (also its JSON shape)."""

    name: str
    aliases: list[str]
    parent: str | None
    events: int
    first: str | None
    last: str | None


def companies_table(rows: Sequence[CompanyRow]) -> Table:
    table = Table(show_edge=False, header_style="bold", pad_edge=False)
    for name in ("Company", "Aliases", "Parent", "Events", "First", "Last"):
        dated = name in ("First", "Last")
        table.add_column(name, overflow="fold", no_wrap=dated, justify="right" if name == "Events" else "left")
    for row in rows:
        name = row["name"]
        aliases = row["aliases"]
        table.add_row(
            Text(visible(name), style=company_style(name)),
            Text(visible(", ".join(aliases))),
            Text(visible(str(row["parent"] or ""))),
            str(row["events"]),
            _in_words(row["first"]),
            _in_words(row["last"]),
        )
    return table


def _in_words(stored: str | None) -> str:
    """``Jun 2-3, 2026`` for a row's stored date text: narrower and easier to read than ISO."""
    return parse_event_date(stored).short() if stored else ""


def counts_table(title: str, counts: Counter[str]) -> Table:
    table = Table(show_edge=False, header_style="bold", pad_edge=False, title=title, title_justify="left")
    table.add_column(title.rstrip("s").capitalize())
    table.add_column("Events", justify="right")
    table.add_column("")
    top = max(counts.values(), default=1)
    for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(Text(visible(name)), str(count), Text(BAR * max(1, round(20 * count / top)), style="cyan"))
    return table


def period_of(day: date, by: str) -> str:
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def stats_table(events: Sequence[Event], by: str) -> Table:
    """Event counts per company per period, busiest companies first, with bars and totals."""
    periods = sorted({period_of(e.date.first_day, by) for e in events})
    per_company: dict[str, Counter[str]] = {}
    for event in events:
        period = period_of(event.date.first_day, by)
        for company in event.companies:
            per_company.setdefault(company, Counter())[period] += 1
    totals = {name: sum(c.values()) for name, c in per_company.items()}
    order = sorted(per_company, key=lambda name: (-totals[name], name.casefold()))
    table = Table(show_edge=False, header_style="bold", pad_edge=False, show_footer=True)
    table.add_column("Company", footer="All events", overflow="fold")
    all_counts = Counter(period_of(e.date.first_day, by) for e in events)
    for period in periods:
        table.add_column(period, justify="right", footer=str(all_counts[period]))
    table.add_column("Total", justify="right", footer=str(len(events)))
    table.add_column("", no_wrap=True)
    top = max(totals.values(), default=1)
    for name in order:
        cells = [str(per_company[name][p]) if per_company[name][p] else "·" for p in periods]
        bar = Text(BAR * max(1, round(16 * totals[name] / top)), style=company_style(name))
        table.add_row(Text(visible(name), style=company_style(name)), *cells, str(totals[name]), bar)
    return table
