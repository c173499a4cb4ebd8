"""The export formats: one module per format, each a function from events to text.

The registry below is the single list of formats: the CLI's --format choices, the extension map
and the tests all come from it. Modules are imported only when their format is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from timeline.model import Event

DEFAULT_TITLE = "AI industry timeline"


class ExportOptions(NamedTuple):
    """What every exporter may use; ``today`` stands in for any clock (e.g. iCalendar DTSTAMP)."""

    title: str = DEFAULT_TITLE
    today: date = date(1970, 1, 1)
    details: bool = False
    layout: str = "list"
    mermaid: bool = False


ExportFunction = Callable[[Sequence[Event], ExportOptions], str]


class Exporter(NamedTuple):
    name: str
    extension: str | None
    module: str
    description: str

    def load(self) -> ExportFunction:
        function: ExportFunction = importlib.import_module(self.module).export
        return function


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("markdown", ".md", "timeline.exporters.markdown", "Markdown (GFM) for READMEs and newsletters"),
        Exporter("json", ".json", "timeline.exporters.json_format", "JSON, events as `list --json`"),
        Exporter("csv", ".csv", "timeline.exporters.csv_format", "CSV (RFC 4180) for spreadsheets"),
        Exporter("ics", ".ics", "timeline.exporters.ics", "iCalendar (RFC 5545) for calendar apps"),
        Exporter("mermaid", ".mmd", "timeline.exporters.mermaid", "a Mermaid timeline diagram"),
        Exporter("html", ".html", "timeline.exporters.html", "one self-contained web page"),
        Exporter("timelinejs", None, "timeline.exporters.timelinejs", "TimelineJS3 JSON"),
    )
}


def by_extension(path: Path) -> Exporter | None:
    suffix = path.suffix.lower()
    return next((e for e in EXPORTERS.values() if e.extension == suffix), None)


def export(name: str, events: Sequence[Event], options: ExportOptions) -> str:
    """Render ``events`` in the named format."""
    return EXPORTERS[name].load()(events, options)


def group_by_year(events: Sequence[Event]) -> list[tuple[int, list[Event]]]:
    """Consecutive events grouped by the year they start in (an interval goes in its start year)."""
    groups: list[tuple[int, list[Event]]] = []
    for event in events:
        year = event.date.start.year  # the first day's year, without building a date
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(event)
    return groups
