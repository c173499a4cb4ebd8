"""The lanes view: one row per company, kind or tag on a shared time axis, and a legend.

The axis spans the selected range (``--since``/``--until`` zoom in) and is cut into as many
cells as the width allows; each cell covers a whole number of days or a fraction of them.
Precision is drawn as recorded, never sharpened: a day is a dot, a month a bar across the
cells of that month, a year a faint span; ``~`` and ``?`` mark approximate and uncertain dates.
Each event has one anchor cell (the first cell of its span); a cell that anchors several
events of a lane shows their count. The legend under the lanes numbers the events (or, when
there are too many, the busiest cells) so every mark leads to an event id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Literal

from timeline.dates import MONTH_ABBR
from timeline.model import Event, Registry
from timeline.terminal._layout import Line, Run, cell_width, pad, wrap
from timeline.terminal.style import RAIL, company_style
from timeline.terminal.views import StyledView
from timeline.text import visible

LaneBy = Literal["company", "kind", "tag"]
LaneOrder = Literal["count", "name", "first"]
LANE_BY: tuple[LaneBy, ...] = ("company", "kind", "tag")
LANE_ORDER: tuple[LaneOrder, ...] = ("count", "name", "first")
UNTAGGED = "(no tag)"
# The legend lists every event up to this many; past it, the busiest cells.
LEGEND_EVENTS = 60
LEGEND_CELLS = 15

# Glyphs, strongest first: a cell shows the strongest thing in it.
DAY, APPROXIMATE, UNCERTAIN, DAYS, MONTH, YEAR, EMPTY = "●", "~", "?", "═", "━", "░", "·"
_STRENGTH = {DAY: 5, APPROXIMATE: 5, UNCERTAIN: 5, DAYS: 4, MONTH: 3, YEAR: 2}
KEY = (
    f"{DAY} day  {DAY}{DAYS} days  {MONTH} month  {YEAR} year  {APPROXIMATE} approximate  {UNCERTAIN} uncertain  "
    "2-9 events in one cell, + ten or more"
)


def top_of(registry: Registry) -> dict[str, str]:
    """Each company's topmost parent (a company without a parent is its own top)."""
    parents = {c.name: c.parent for c in registry.companies}
    tops: dict[str, str] = {}
    for name in parents:
        seen, current = {name}, name
        while (parent := parents.get(current)) is not None and parent not in seen:
            seen.add(parent)
            current = parent
        tops[name] = current
    return tops


def lane_names(
    event: Event,
    by: LaneBy,
    registry: Registry,
    *,
    named: Sequence[str] = (),
    exact: bool = False,
) -> list[str]:
    """The lanes an event is drawn in.

    By company: each of its companies, folded into its topmost parent unless ``exact``; when
    companies were named (``-c``), only those lanes, a subsidiary folding into the nearest named
    company that owns it. By tag: each tag, or ``(no tag)``. By kind: its kind.
    """
    if by == "kind":
        return [event.kind]
    if by == "tag":
        return list(event.tags) or [UNTAGGED]
    lanes: dict[str, None] = {}
    parents = {c.name: c.parent for c in registry.companies}
    tops = top_of(registry) if not named and not exact else {}
    for company in event.companies:
        if not named:
            lanes[company if exact else tops.get(company, company)] = None
            continue
        current: str | None = company
        seen: set[str] = set()
        while current is not None and current not in seen:
            if current in named:
                lanes[current] = None
                break
            if exact:
                break
            seen.add(current)
            current = parents.get(current)
    return list(lanes)


class _Axis:
    """Days ``first``..``last`` spread over ``cells`` columns."""

    def __init__(self, first: date, last: date, cells: int) -> None:
        self.first, self.last, self.cells = first, last, max(1, cells)
        self.days = (last - first).days + 1

    def cell(self, day: date) -> int:
        offset = min(max((day - self.first).days, 0), self.days - 1)
        return offset * self.cells // self.days

    def span(self, first: date, last: date) -> tuple[int, int]:
        """The cells that days ``first``..``last`` touch (clipped to the axis)."""
        start = self.cell(first)
        after = min(max((last - self.first).days, 0), self.days - 1) + 1
        return start, max(start, -(-after * self.cells // self.days) - 1)

    def cell_days(self, cell: int) -> tuple[date, date]:
        """The first and last day a cell covers."""
        start = -(-cell * self.days // self.cells)
        end = -(-(cell + 1) * self.days // self.cells) - 1
        return self.first + timedelta(days=start), self.first + timedelta(days=max(start, end))

    def ticks(self) -> list[tuple[int, str, bool]]:
        """(cell, label, major) for the finest of month, quarter, year or N years whose labels fit."""
        per_month = self.cells / self.days * 30.44
        step, unit = 120, "year"
        for months, name, label_width in ((1, "month", 3), (3, "quarter", 2), (12, "year", 4), (24, "year", 4),
                                          (60, "year", 4)):
            if months * per_month >= label_width + 1:
                step, unit = months, name
                break
        out: list[tuple[int, str, bool]] = []
        year, month = self.first.year, self.first.month
        if self.first.day != 1:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        while (day := date(year, month, 1)) <= self.last:
            if month == 1 and (step <= 12 or year % (step // 12) == 0):
                out.append((self.cell(day), str(year), True))
            elif unit == "month":
                out.append((self.cell(day), MONTH_ABBR[month], False))
            elif unit == "quarter" and month % 3 == 1:
                out.append((self.cell(day), f"Q{month // 3 + 1}", False))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def _mark(event: Event) -> tuple[str, str]:
    """The anchor glyph of an event and the glyph of the rest of its span."""
    span = {"day": DAY, "month": MONTH, "year": YEAR}[event.date.precision]
    anchor = UNCERTAIN if event.date.uncertain else APPROXIMATE if event.date.approximate else span
    if span == DAY and event.date.end is not None:
        span = DAYS  # several days: the first one marked, the rest a double line
    return anchor, span


def _count_glyph(count: int) -> str:
    return str(count) if count < 10 else "+"


class LanesView(StyledView):
    """Lanes of events on a time axis scaled to ``first``..``last``, with a numbered legend."""

    def __init__(
        self,
        events: Sequence[Event],
        registry: Registry,
        *,
        by: LaneBy = "company",
        order: LaneOrder = "count",
        named: Sequence[str] = (),
        exact: bool = False,
        first: date | None = None,
        last: date | None = None,
    ) -> None:
        self.events = list(events)
        self.by = by
        self.first = first or min((e.date.first_day for e in self.events), default=date(1970, 1, 1))
        self.last = last or max((e.date.last_day for e in self.events), default=self.first)
        self.last = max(self.last, self.first)
        lanes: dict[str, list[Event]] = {}
        if named and by == "company":
            lanes = {name: [] for name in named}
        self.lanes_of: dict[str, list[str]] = {}
        for event in self.events:
            names = lane_names(event, by, registry, named=named, exact=exact)
            self.lanes_of[event.id] = names
            for name in names:
                lanes.setdefault(name, []).append(event)
        ordered = sorted(lanes.items(), key=lambda item: item[0].casefold())
        if order == "count":
            ordered.sort(key=lambda item: -len(item[1]))
        elif order == "first":
            ordered.sort(key=lambda item: min((e.sort_key for e in item[1]), default=(9999,)))
        self.lanes = ordered

    def _style(self, lane: str) -> str:
        return company_style(lane) if self.by == "company" else "cyan"

    def lines(self, width: int) -> list[Line]:
        width = max(width, 8)
        counts = [str(len(events)) for _, events in self.lanes]
        count_width = max((len(c) for c in counts), default=1)
        label_natural = max((cell_width(visible(name)) for name, _ in self.lanes), default=4)
        label_width = max(3, min(label_natural, width // 4, 24))
        plot = max(1, width - label_width - count_width - 3)
        axis = _Axis(self.first, self.last, plot)
        out: list[Line] = []
        days_per_cell = axis.days / axis.cells
        scale = f"1 cell = {days_per_cell:.0f} days" if days_per_cell >= 1.5 else "1 cell ≈ 1 day"
        if days_per_cell < 0.75:
            scale = f"1 day = {1 / days_per_cell:.0f} cells"
        head = f"{self.first.isoformat()} to {self.last.isoformat()} · {len(self.events)} events · {scale}"
        out += wrap([(head, "dim")], width)
        cells_by_lane: list[dict[int, list[Event]]] = []
        for name, events in self.lanes:
            row, anchors = self._row(events, axis, self._style(name))
            cells_by_lane.append(anchors)
            label = _fit(visible(name), label_width)
            out.append(
                [
                    *pad([(label, self._style(name))], label_width),
                    (" ", ""),
                    ("│", RAIL),
                    *row,
                    ("│", RAIL),
                    (str(len(events)).rjust(count_width), "dim"),
                ]
            )
        gutter = " " * (label_width + 1)
        out.append([(gutter, ""), ("└", RAIL), (self._tick_line(axis), RAIL), ("┘", RAIL)])
        out.append([(gutter + " ", ""), (self._labels(axis), "")])
        out.append([])
        out += wrap([(KEY, "dim")], width)
        out.append([])
        out += self._legend(axis, cells_by_lane, width)
        return out

    def _row(self, events: Iterable[Event], axis: _Axis, colour: str) -> tuple[list[Run], dict[int, list[Event]]]:
        glyphs = [EMPTY] * axis.cells
        anchors: dict[int, list[Event]] = {}
        for event in events:
            anchor, span = _mark(event)
            start, end = axis.span(event.date.first_day, event.date.last_day)
            if span != DAY:
                for cell in range(start, end + 1):
                    if _STRENGTH.get(glyphs[cell], 0) < _STRENGTH[span]:
                        glyphs[cell] = span
            anchors.setdefault(start, []).append(event)
            glyphs[start] = anchor if _STRENGTH.get(glyphs[start], 0) <= _STRENGTH[anchor] else glyphs[start]
        for cell, here in anchors.items():
            if len(here) > 1:
                glyphs[cell] = _count_glyph(len(here))
        runs: list[Run] = []
        for glyph in glyphs:
            style = "grey30" if glyph == EMPTY else f"dim {colour}" if glyph == YEAR else f"bold {colour}"
            if runs and runs[-1][1] == style:
                runs[-1] = (runs[-1][0] + glyph, style)
            else:
                runs.append((glyph, style))
        return runs, anchors

    def _tick_line(self, axis: _Axis) -> str:
        line = ["─"] * axis.cells
        for cell, _, major in axis.ticks():
            line[cell] = "┴" if major else "╵"
        return "".join(line)

    def _labels(self, axis: _Axis) -> str:
        """Tick labels placed left to right, years first, none overlapping or past the axis."""
        slots = [" "] * axis.cells
        taken: list[tuple[int, int]] = []
        ticks = axis.ticks()
        for wanted in (True, False):
            for cell, label, major in ticks:
                if major != wanted:
                    continue
                end = cell + len(label)  # labels are ASCII
                if end > axis.cells or any(cell <= b and a <= end for a, b in taken):
                    continue
                taken.append((cell, end))
                slots[cell:end] = label
        return "".join(slots).rstrip()

    def _legend(self, axis: _Axis, cells_by_lane: list[dict[int, list[Event]]], width: int) -> list[Line]:
        out: list[Line] = []
        if len(self.events) <= LEGEND_EVENTS:
            number_width = len(str(len(self.events)))
            for number, event in enumerate(self.events, 1):
                prefix = f"{number:>{number_width}} {_mark(event)[0]} "
                head: list[Run] = [
                    (event.date.short(), "yellow"),
                    ("  ", ""),
                    *self._lane_runs(self.lanes_of[event.id]),
                    ("  ", ""),
                    (event.id, "dim"),
                ]
                out += _hanging(prefix, head, width, "bold")
                out += _hanging(" " * len(prefix), [(visible(event.title), "")], width)
            return out
        busiest = sorted(
            (
                (len(here), cell, lane_index)
                for lane_index, anchors in enumerate(cells_by_lane)
                for cell, here in anchors.items()
                if len(here) > 1
            ),
            key=lambda item: (-item[0], item[1], item[2]),
        )[:LEGEND_CELLS]
        note = f"{len(self.events)} events, too many to list here"
        if busiest:
            note += f"; the {len(busiest)} busiest cells"
        out += wrap([(note + " (zoom with --since/--until, or use another view for every event):", "dim")], width)
        number_width = len(str(len(busiest)))
        for number, (count, cell, lane_index) in enumerate(busiest, 1):
            name = self.lanes[lane_index][0]
            first, last = axis.cell_days(cell)
            when = first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"
            prefix = f"{number:>{number_width}}  "
            head = [*self._lane_runs([name]), (f"  {when}  ", "yellow"), (f"{count} events", "")]
            out += _hanging(prefix, head, width, "bold")
            ids = ", ".join(e.id for e in cells_by_lane[lane_index][cell])
            out += _hanging(" " * len(prefix), [(ids, "dim")], width)
        return out

    def _lane_runs(self, names: Sequence[str]) -> list[Run]:
        runs: list[Run] = []
        for index, name in enumerate(names):
            if index:
                runs.append((" · ", ""))
            runs.append((visible(name), self._style(name)))
        return runs


def _fit(text: str, width: int) -> str:
    """A lane label cut to ``width`` cells with an ellipsis (the legend names lanes in full)."""
    if cell_width(text) <= width:
        return text
    out, used = "", 0
    for char in text:
        if used + cell_width(char) > width - 1:
            break
        out += char
        used += cell_width(char)
    return out + "…"


def _hanging(prefix: str, runs: Sequence[Run], width: int, style: str = "") -> list[Line]:
    """``prefix`` then ``runs`` wrapped to ``width``; continuation lines indented under the runs."""
    indent = min(cell_width(prefix), max(0, width - 8))
    lines = wrap(runs, width - indent)
    return [[(prefix if index == 0 else " " * indent, style), *line] for index, line in enumerate(lines)]
