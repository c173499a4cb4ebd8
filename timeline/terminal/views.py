"""The list views (table, timeline, compact) as styled lines, laid out by ``_layout``.

Each view can print itself as plain text (no rich import: the fast path when there is no colour)
or render as a rich renderable on a colour terminal. Event text always goes through ``visible``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from timeline.dates import MONTH_NAMES
from timeline.model import Event, is_exact
from timeline.terminal._layout import KEEP, Column, Line, Run, cell_width, glyph, merge, pad, plain, strip, table, wrap
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
            for text, style in merge(line):
                if style and style not in styles:
                    styles[style] = Style.parse(style.removeprefix(KEEP).strip() or "none")
                yield Segment(text, styles[style] if style else None)
            yield Segment.line()


class Stack(StyledView):
    """Several views one after the other, a blank line between them."""

    def __init__(self, parts: Sequence[StyledView]) -> None:
        self.parts = parts

    def lines(self, width: int) -> list[Line]:
        out: list[Line] = []
        for index, part in enumerate(self.parts):
            if index:
                out.append([])
            out += part.lines(width)
        return out


def date_runs(event: Event) -> list[Run]:
    """An event's short date as unbreakable parts: an interval may wrap only at its dash."""
    first, dash, last = event.date.short().partition(" – ")
    return [(first, KEEP), (dash, ""), (last, KEEP)] if dash else [(first, KEEP)]


EVENT_COLUMNS = (Column("Date"), Column("Companies"), Column("Kind"), Column("Title"))


class EventTable(StyledView):
    """The default view: date, companies, kind, title (and the id under it with ``ids``).
    Long text wraps; nothing is cut; the title gives up space first."""

    def __init__(self, events: Sequence[Event], ids: bool = False) -> None:
        self.events = events
        self.ids = ids

    def lines(self, width: int) -> list[Line]:
        rows = [
            [
                date_runs(e),
                company_runs(e.companies),
                [(e.kind, "dim")],
                [(visible(e.title), ""), *([("\n", ""), (e.id, "dim")] if self.ids else [])],
            ]
            for e in self.events
        ]
        return table(EVENT_COLUMNS, rows, width, shrink=[3, 1, 0], hard=[1, 0, 3])


def _group_heading(event: Event) -> tuple[int, str]:
    year = event.date.first_day.year
    if event.date.precision == "year":
        return year, f"During {year}"
    return year, MONTH_NAMES[event.date.first_day.month]


def headings_fit(groups: Sequence[object]) -> bool:
    """Whether headings can follow this order without repeating one: true for a date order
    (either way), false when a title or company sort mixes the years or months."""
    seen: set[object] = set()
    previous: object = None
    for group in groups:
        if group != previous:
            if group in seen:
                return False
            seen.add(group)
            previous = group
    return True


class TimelineView(StyledView):
    """Events along a vertical rail, grouped under year and month headings (dropped when the
    order is not chronological, so that no heading repeats)."""

    def __init__(self, events: Sequence[Event], ids: bool = False) -> None:
        self.events = events
        self.ids = ids

    def lines(self, width: int) -> list[Line]:
        dates = [e.date.short() for e in self.events]
        date_width = max((cell_width(d) for d in dates if cell_width(d) <= 24), default=12)
        body_width = width - 4 - date_width - 2
        dates_inline = body_width >= 20
        if not dates_inline:  # too narrow for a date column: each date on a line of its own
            date_width, body_width = 0, width - 4
        grouped = headings_fit([e.date.start.year for e in self.events]) and headings_fit(
            [_group_heading(e) for e in self.events]
        )
        rail, exact_mark, inexact_mark = glyph("rail"), glyph("exact"), glyph("inexact")
        out: list[Line] = []
        year: int | None = None
        heading: tuple[int, str] | None = None
        for event, shown_date in zip(self.events, dates, strict=True):
            group = _group_heading(event)
            if grouped and group[0] != year:
                if year is not None:
                    out.append([])
                year = group[0]
                label = f" {year} "
                out.append(
                    [
                        (glyph("head_rule") * 2, RAIL),
                        (label, "bold"),
                        (glyph("head_rule") * max(0, width - len(label) - 2), RAIL),
                    ]
                )
            if grouped and group != heading:
                heading = group
                out.append([("  ", ""), (group[1], "bold underline")])
            body = wrap([(visible(event.title), "bold")], body_width)
            body += wrap([*company_runs(event.companies, f" {glyph('dot')} "), (f"  {event.kind}", "dim")], body_width)
            if self.ids:
                body += wrap([(event.id, "dim")], body_width)
            dates_column = [shown_date] + [""] * (len(body) - 1)
            if not dates_inline or cell_width(shown_date) > date_width:  # the date gets a line of its own
                body = [*wrap([(shown_date, "yellow")], body_width), *body]
                dates_column = [""] * len(body)
            for index, body_line in enumerate(body):
                marker = (
                    (exact_mark if is_exact(event.date) else inexact_mark, "bold cyan") if index == 0 else (rail, RAIL)
                )
                line: Line = [("  ", ""), marker, (" ", "")]
                if date_width:
                    line += [*pad([(dates_column[index], "yellow" if index == 0 else "")], date_width), ("  ", "")]
                out.append(strip([*line, *body_line]))
            out.append([("  ", ""), (rail, RAIL)])
        return out


def compact_lines(events: Sequence[Event], ids: bool = False) -> Iterator[str]:
    """One plain line per event, for grep and less: ``2024-01-15  Example Corp  Title``
    (``2024-01-15  the-id  Example Corp  Title`` with ``ids``). Never wrapped."""
    for event in events:
        companies = ", ".join(visible(c) for c in event.companies)
        middle = f"{event.id}  " if ids else ""
        yield f"{event.date!s:<10}  {middle}{companies}  {visible(event.title)}".rstrip()
