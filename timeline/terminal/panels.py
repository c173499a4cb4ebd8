"""Rich renderables for the terminal. Nothing here prints: callers own the console.

Every piece of event data goes through ``visible`` and into ``Text`` objects (never markup), so
titles like ``[bold]x[/]`` or ESC sequences are shown literally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rich.style import Style
from rich.table import Table
from rich.text import Text

from timeline.dates import parse_event_date
from timeline.model import Event
from timeline.summary import CompanyRow, Stats, busiest_first
from timeline.terminal.style import company_style
from timeline.text import visible

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
    for name, count in busiest_first(counts):
        table.add_row(Text(visible(name)), str(count), Text(BAR * max(1, round(20 * count / top)), style="cyan"))
    return table


def stats_table(stats: Stats) -> Table:
    """Event counts per company per period, busiest companies first, with bars and totals."""
    table = Table(show_edge=False, header_style="bold", pad_edge=False, show_footer=True)
    table.add_column("Company", footer="All events", overflow="fold")
    for period in stats.periods:
        table.add_column(period, justify="right", footer=str(stats.period_totals[period]))
    table.add_column("Total", justify="right", footer=str(stats.total))
    table.add_column("", no_wrap=True)
    top = max(stats.totals.values(), default=1)
    for name in stats.order:
        counts = stats.per_company[name]
        cells = [str(counts[p]) if counts[p] else "·" for p in stats.periods]
        bar = Text(BAR * max(1, round(16 * stats.totals[name] / top)), style=company_style(name))
        table.add_row(Text(visible(name), style=company_style(name)), *cells, str(stats.totals[name]), bar)
    return table
