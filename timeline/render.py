"""Rich renderables for the terminal. Nothing here prints: callers own the console.

Every piece of event data goes through ``visible`` and into ``Text`` objects (never markup), so
titles like ``[bold]x[/]`` or ESC sequences are shown literally.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from timeline.dates import MONTH_NAMES
from timeline.model import Event
from timeline.text import visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

PALETTE = (
    "dodger_blue1",
    "orange3",
    "green3",
    "magenta",
    "gold3",
    "cyan3",
    "red3",
    "medium_purple2",
    "spring_green3",
    "hot_pink3",
    "steel_blue1",
    "dark_orange",
)
BAR = "█"


def company_style(name: str) -> str:
    """A stable colour per company, the same in every view and every run."""
    return PALETTE[zlib.crc32(name.encode()) % len(PALETTE)]


def companies_text(names: Iterable[str], separator: str = ", ") -> Text:
    text = Text()
    for index, name in enumerate(names):
        if index:
            text.append(separator)
        text.append(visible(name), style=company_style(name))
    return text


def event_table(events: Sequence[Event]) -> Table:
    """The default view: date, companies, kind, title. Long text folds; nothing is cut."""
    table = Table(show_edge=False, header_style="bold", pad_edge=False, expand=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Companies", overflow="fold")
    table.add_column("Kind", style="dim", overflow="fold")
    table.add_column("Title", overflow="fold", ratio=1)
    for event in events:
        table.add_row(event.date.short(), companies_text(event.companies), event.kind, Text(visible(event.title)))
    return table


def compact_lines(events: Iterable[Event]) -> Iterator[str]:
    """One plain line per event, for grep and less: ``2024-01-15  Example Corp  Title``."""
    for event in events:
        companies = ", ".join(visible(c) for c in event.companies)
        yield f"{event.date!s:<10}  {companies}  {visible(event.title)}"


def _group_heading(event: Event) -> tuple[int, str]:
    year = event.date.first_day.year
    if event.date.precision == "year":
        return year, f"During {year}"
    return year, MONTH_NAMES[event.date.first_day.month]


class TimelineView:
    """Events along a vertical rail, grouped under year and month headings."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        dates = [e.date.short() for e in self.events]
        date_width = max((len(d) for d in dates if len(d) <= 24), default=12)
        body_width = max(16, width - 4 - date_width - 2)
        rail = Style(color="grey50")
        year: int | None = None
        heading: tuple[int, str] | None = None
        for event, shown_date in zip(self.events, dates, strict=True):
            group = _group_heading(event)
            if group[0] != year:
                if year is not None:
                    yield Text("")
                year = group[0]
                label = f" {year} "
                yield Text.assemble(("━━", rail), (label, "bold"), ("━" * max(0, width - len(label) - 2), rail))
            if group != heading:
                heading = group
                yield Text.assemble(("  ", ""), (group[1], "bold underline"))
            marker = "●" if event.date.precision == "day" and not event.date.approximate else "○"
            body = Text(visible(event.title), style="bold")
            body.append("\n")
            body.append_text(companies_text(event.companies, " · "))
            body.append(f"  {event.kind}", style="dim")
            body_lines = console.render_lines(body, options.update(width=body_width), pad=False)
            if len(shown_date) > date_width:  # a long interval gets a line of its own
                body_lines = [[Segment(shown_date, Style(color="yellow"))], *body_lines]
                date_cells = [""] * len(body_lines)
            else:
                date_cells = [shown_date] + [""] * (len(body_lines) - 1)
            for index, line in enumerate(body_lines):
                yield Segment("  ")
                yield Segment(marker if index == 0 else "│", Style(color="cyan", bold=True) if index == 0 else rail)
                yield Segment(" ")
                yield Segment(date_cells[index].ljust(date_width), Style(color="yellow") if index == 0 else None)
                yield Segment("  ")
                yield from line
                yield Segment.line()
            yield Segment("  ")
            yield Segment("│", rail)
            yield Segment.line()


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
        table.add_column(name, overflow="fold", justify="right" if name == "Events" else "left")
    for row in rows:
        name = row["name"]
        aliases = row["aliases"]
        table.add_row(
            Text(visible(name), style=company_style(name)),
            Text(visible(", ".join(aliases))),
            Text(visible(str(row["parent"] or ""))),
            str(row["events"]),
            str(row["first"] or ""),
            str(row["last"] or ""),
        )
    return table


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
