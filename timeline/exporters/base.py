"""What every exporter shares: its options, its signature, and grouping by year."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from timeline.model import Event, event_record

DEFAULT_TITLE = "AI industry timeline"


class ExportOptions:
    """What every exporter may use; ``today`` stands in for any clock (e.g. iCalendar DTSTAMP)."""

    __slots__ = ("details", "layout", "mermaid", "title", "today")

    def __init__(
        self,
        *,
        title: str = DEFAULT_TITLE,
        today: date = date(1970, 1, 1),
        details: bool = False,
        layout: str = "list",
        mermaid: bool = False,
    ) -> None:
        self.title = title
        self.today = today
        self.details = details
        self.layout = layout
        self.mermaid = mermaid


ExportFunction = Callable[[Sequence[Event], ExportOptions], str]


def group_by_year(events: Sequence[Event]) -> list[tuple[int, list[Event]]]:
    """Consecutive events grouped by the year they start in (an interval goes in its start year)."""
    groups: list[tuple[int, list[Event]]] = []
    for event in events:
        year = event.date.start.year  # the first day's year, without building a date
        if not groups or groups[-1][0] != year:
            groups.append((year, []))
        groups[-1][1].append(event)
    return groups


# Keys of the JSON record that are computed from the date, left out where the record is embedded.
_DERIVED = ("start", "end", "precision", "approximate", "uncertain")


def embedded_record(event: Event) -> dict[str, object]:
    """The event's own fields as JSON, for formats that cannot hold them all (iCalendar's
    X-TIMELINE-EVENT, TimelineJS's "timeline" key): `timeline import` reads them back exactly."""
    return {k: v for k, v in event_record(event).items() if k not in _DERIVED}
