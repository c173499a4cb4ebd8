"""The other terminal views: show, companies, tags and stats, laid out by ``_layout`` like the
list views (the same width promises, plain text without rich, Segments in colour).

Every piece of event data goes through ``visible`` into runs (never markup), so titles like
``[bold]x[/]`` or ESC sequences are shown literally.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from timeline.dates import parse_event_date
from timeline.model import Event
from timeline.summary import BUCKET_RULE, CompanyRow, Stats, busiest_first
from timeline.terminal._layout import KEEP, Column, Line, Run, column_widths, glyph, strip, table, wrap
from timeline.terminal.style import company_style
from timeline.terminal.views import StyledView, company_runs
from timeline.text import visible

LABEL_WIDTH = 9  # "companies"


def link_style(url: str) -> str:
    """A hyperlink run's style (an OSC 8 link on a colour terminal); a URL with a space or
    a control character gets no link, only its visible text."""
    return f"underline link {url}" if url.isprintable() and " " not in url else "underline"


class EventDetail(StyledView):
    """Everything about one event: fields, sources (URLs never broken) and related events,
    sorted by date (``storyline`` maps each related id to its distance in links)."""

    def __init__(self, event: Event, events: Sequence[Event], storyline: Mapping[str, int] | None = None) -> None:
        self.event = event
        self.events = events
        self.storyline = storyline

    def _fields(self) -> list[tuple[str, list[list[Run]]]]:
        event = self.event
        by_id = {e.id: e for e in self.events}
        fields: list[tuple[str, list[list[Run]]]] = [
            ("", [[(visible(event.title), "bold")]]),
            ("id", [[(event.id, "")]]),
            ("date", [[(f"{event.date.long()} ({event.date.describe()})", "")]]),
            ("companies", [company_runs(event.companies)]),
            ("kind", [[(event.kind, "")]]),
        ]
        if event.tags:
            fields.append(("tags", [[(", ".join(event.tags), "")]]))
        if event.summary:
            fields.append(("summary", [[(visible(event.summary), "")]]))
        sources: list[list[Run]] = []
        for source in event.sources:
            label = f" {glyph('dash')} ".join(visible(part) for part in (source.title, source.publisher) if part)
            if label:
                sources.append([(label, "")])
            sources.append([(visible(source.url), link_style(source.url))])
        if sources:
            fields.append(("sources", sources))
        distance = dict(self.storyline) if self.storyline is not None else {}
        if self.storyline is None:
            for other in self.events:
                if other.id in event.related or event.id in other.related:
                    distance[other.id] = 1
        distance.pop(event.id, None)
        related = sorted((by_id[i] for i in distance if i in by_id), key=lambda e: e.sort_key)
        links: list[list[Run]] = []
        for other in related:
            if distance[other.id] > 1:
                mark = f"{glyph('dot')}{distance[other.id]}"
            else:
                mark = glyph("to") if other.id in event.related else glyph("from")
            links.append(
                [(f"{mark} {other.date.short()}  ", ""), (visible(other.title), ""), (f" ({other.id})", "dim")]
            )
        if links:
            fields.append(("related", links))
        return fields

    def lines(self, width: int) -> list[Line]:
        out: list[Line] = []
        value_width = width - LABEL_WIDTH - 2
        inline = value_width >= 24
        for label, paragraphs in self._fields():
            if not inline and label:
                out.append([(label, "bold")])
            for number, paragraph in enumerate(paragraphs):
                for index, part in enumerate(wrap(paragraph, value_width if inline else width - 2)):
                    if inline:
                        shown = label if number == 0 and index == 0 else ""
                        out.append(strip([(shown.ljust(LABEL_WIDTH), "bold"), ("  ", ""), *part]))
                    else:
                        out.append(strip([("  " if label else "", ""), *part]))
        return out


def _in_words(stored: str | None) -> str:
    """``Jun 2-3, 2026`` for a row's stored date text: narrower and easier to read than ISO."""
    return parse_event_date(stored).short() if stored else ""


def _span(first: str, last: str) -> list[Run]:
    if not first or first == last:
        return [(first, KEEP)] if first else []
    return [(first, KEEP), (" – ", ""), (last, KEEP)]


COMPANY_COLUMNS = (
    Column("Company"),
    Column("Aliases"),
    Column("Events", right=True),
    Column("With subs", right=True),
    Column("First – last"),
)


class CompaniesView(StyledView):
    """Each company (and its parent, under it): aliases, events naming it, events naming it or
    a subsidiary (what ``-c`` selects), first and last date. Aliases give up space first, the
    dates last; the two dates share one column and break only between them, so at 80 columns
    neither is cut into pieces."""

    def __init__(self, rows: Sequence[CompanyRow]) -> None:
        self.rows = rows

    def lines(self, width: int) -> list[Line]:
        cells = [
            [
                [
                    (visible(row["name"]), company_style(row["name"])),
                    *([("\n", ""), (f"part of {visible(row['parent'])}", "dim")] if row["parent"] else []),
                ],
                [(visible(", ".join(row["aliases"])), "")],
                [(str(row["events"]), "")],
                [(str(row["with_subsidiaries"]), "")],
                _span(_in_words(row["first"]), _in_words(row["last"])),
            ]
            for row in self.rows
        ]
        return table(COMPANY_COLUMNS, cells, width, shrink=[1, 3, 0, 4])


def bar(count: int, top: int, cells: int, style: str) -> list[Run]:
    """A bar of up to ``cells`` cells for ``count`` out of ``top``; at least one cell for any
    count above zero, none for zero (an empty period shows as empty)."""
    if count <= 0:
        return []
    return [(glyph("bar") * max(1, round(cells * count / max(top, 1))), style)]


def _bar_cells(width: int, used: int, most: int = 20) -> int:
    return max(4, min(most, width - used))


class CountsView(StyledView):
    """``title`` (tags or kinds) with the number of events of each, busiest first, and a bar."""

    def __init__(self, title: str, counts: Counter[str]) -> None:
        self.title = title
        self.counts = counts

    def lines(self, width: int) -> list[Line]:
        ordered = busiest_first(self.counts)
        name_width = max((len(visible(n)) for n, _ in ordered), default=3)
        cells = _bar_cells(width, name_width + 6 + 2 * 3)
        top = max(self.counts.values(), default=1)
        columns = (Column(self.title.rstrip("s").capitalize()), Column("Events", right=True), Column(""))
        rows = [[[(visible(name), "")], [(str(count), "")], bar(count, top, cells, "cyan")] for name, count in ordered]
        return [[(self.title, "bold")], *table(columns, rows, width, shrink=[0])]


class StatsView(StyledView):
    """Counts per period: companies by periods when that fits the width, else periods as rows
    (each with its count, a bar and its busiest companies) and then the companies."""

    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def _matrix(self, width: int) -> list[Line] | None:
        stats = self.stats
        columns = [
            Column("Company"),
            *(Column(p, right=True) for p in stats.periods),
            Column("Total", right=True),
            Column(""),
        ]
        top = max(stats.totals.values(), default=1)
        empty = glyph("dot")
        rows = [
            [
                [(visible(name), company_style(name))],
                *(
                    [(str(stats.per_company[name][p]) if stats.per_company[name][p] else empty, "")]
                    for p in stats.periods
                ),
                [(str(stats.totals[name]), "")],
                bar(stats.totals[name], top, 10, company_style(name)),
            ]
            for name in stats.order
        ]
        footer: list[list[Run]] = [
            [("All events", "")],
            *([(str(stats.period_totals[p]), "")] for p in stats.periods),
            [(str(stats.total), "")],
            [],
        ]
        if column_widths(columns, [*rows, footer], width, shrink=[0]) is None:
            return None
        return table(columns, rows, width, shrink=[0], footer=footer)

    def _transposed(self, width: int) -> list[Line]:
        stats = self.stats
        label = {"year": "Year", "quarter": "Quarter", "month": "Month"}[stats.by]
        period_width = max(len(p) for p in stats.periods)
        cells = _bar_cells(width, period_width + 6 + 3 * 3 + 12, most=24)
        top = max(stats.period_totals.values(), default=1)
        columns = (Column(label), Column("Events", right=True), Column(""), Column("Busiest"))
        rows = []
        for period in stats.periods:
            ranked = busiest_first(Counter({n: c[period] for n, c in stats.per_company.items() if c[period]}))
            busiest: list[Run] = []
            for index, (name, count) in enumerate(ranked[:3]):
                busiest += [(", " if index else "", ""), (f"{visible(name)} {count}", f"{KEEP} {company_style(name)}")]
            if len(ranked) > 3:
                busiest += [(", ", "dim"), (f"+{len(ranked) - 3} more", f"{KEEP} dim")]
            rows.append(
                [
                    [(period, "")],
                    [(str(stats.period_totals[period]), "")],
                    bar(stats.period_totals[period], top, cells, "cyan"),
                    busiest,
                ]
            )
        footer: list[list[Run]] = [[("Total", "")], [(str(stats.total), "")], [], []]
        out = table(columns, rows, width, shrink=[3], footer=footer)
        company_top = max(stats.totals.values(), default=1)
        name_width = max((len(visible(n)) for n in stats.order), default=7)
        company_cells = _bar_cells(width, name_width + 6 + 2 * 3, most=24)
        company_rows = [
            [
                [(visible(name), company_style(name))],
                [(str(stats.totals[name]), "")],
                bar(stats.totals[name], company_top, company_cells, company_style(name)),
            ]
            for name in stats.order
        ]
        out.append([])
        out += table((Column("Company"), Column("Events", right=True), Column("")), company_rows, width, shrink=[0])
        return out

    def lines(self, width: int) -> list[Line]:
        out = self._matrix(width) or self._transposed(width)
        if self.stats.spread:
            events = "1 event spans" if self.stats.spread == 1 else f"{self.stats.spread} events span"
            out.append([])
            out += wrap([(f"{events} more than one {self.stats.by}: {BUCKET_RULE}.", "dim")], width)
        return out
