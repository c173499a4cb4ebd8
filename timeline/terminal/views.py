"""The list views (table, timeline, compact) as styled lines, laid out by ``_layout``.

Each view can print itself as plain text (no rich import: the fast path when there is no colour)
or render as a rich renderable on a colour terminal. Event text always goes through ``visible``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from timeline.dates import MONTH_NAMES
from timeline.model import Event, is_exact
from timeline.terminal._layout import Line, Run, cell_width, pad, plain, table, wrap
from timeline.terminal.style import RAIL, company_style
from timeline.text import visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult


def company_runs(names: Sequence[str], separator: str = ", ") -> list[Run]:
    runs: list[Run] = []
    for index, name in enumerate(names):
        if index:
            runs.append((separator, ""))
        runs.append((visible(name), company_style(name)))
    return runs


class StyledView:
    """A view made of styled lines: plain text for pipes, Segments for a colour terminal."""

    def lines(self, width: int) -> list[Line]:
        raise NotImplementedError

    def plain(self, width: int) -> str:
        return plain(self.lines(width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment
        from rich.style import Style

        styles: dict[str, Style] = {}
        for line in self.lines(options.max_width):
            for text, style in line:
                if style and style not in styles:
                    styles[style] = Style.parse(style)
                yield Segment(text, styles[style] if style else None)
            yield Segment.line()


class EventTable(StyledView):
    """The default view: date, companies, kind, title. Long text wraps; nothing is cut."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events

    def lines(self, width: int) -> list[Line]:
        rows = [
            [
                [(e.date.short(), "")],
                company_runs(e.companies),
                [(e.kind, "dim")],
                [(visible(e.title), "")],
            ]
            for e in self.events
        ]
        return table(["Date", "Companies", "Kind", "Title"], rows, width, flexible=[1, 3])


def _group_heading(event: Event) -> tuple[int, str]:
    year = event.date.first_day.year
    if event.date.precision == "year":
        return year, f"During {year}"
    return year, MONTH_NAMES[event.date.first_day.month]


class TimelineView(StyledView):
    """Events along a vertical rail, grouped under year and month headings."""

    def __init__(self, events: Sequence[Event]) -> None:
        self.events = events

    def lines(self, width: int) -> list[Line]:
        dates = [e.date.short() for e in self.events]
        date_width = max((cell_width(d) for d in dates if cell_width(d) <= 24), default=12)
        body_width = max(16, width - 4 - date_width - 2)
        out: list[Line] = []
        year: int | None = None
        heading: tuple[int, str] | None = None
        for event, shown_date in zip(self.events, dates, strict=True):
            group = _group_heading(event)
            if group[0] != year:
                if year is not None:
                    out.append([])
                year = group[0]
                label = f" {year} "
                out.append([("━━", RAIL), (label, "bold"), ("━" * max(0, width - len(label) - 2), RAIL)])
            if group != heading:
                heading = group
                out.append([("  ", ""), (group[1], "bold underline")])
            exact = is_exact(event.date)
            body = wrap([(visible(event.title), "bold")], body_width)
            body += wrap([*company_runs(event.companies, " · "), (f"  {event.kind}", "dim")], body_width)
            dates_column = [shown_date] + [""] * (len(body) - 1)
            if cell_width(shown_date) > date_width:  # a long interval gets a line of its own
                body.insert(0, [(shown_date, "yellow")])
                dates_column = [""] * len(body)
            for index, body_line in enumerate(body):
                marker = ("●" if exact else "○", "bold cyan") if index == 0 else ("│", RAIL)
                date_cell = pad([(dates_column[index], "yellow" if index == 0 else "")], date_width)
                out.append([("  ", ""), marker, (" ", ""), *date_cell, ("  ", ""), *body_line])
            out.append([("  ", ""), ("│", RAIL)])
        return out


def compact_lines(events: Sequence[Event]) -> Iterator[str]:
    """One plain line per event, for grep and less: ``2024-01-15  Example Corp  Title``."""
    for event in events:
        companies = ", ".join(visible(c) for c in event.companies)
        yield f"{event.date!s:<10}  {companies}  {visible(event.title)}"
