"""What every exporter shares: its options, its signature, and grouping by year."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from timeline.model import Event, event_record

DEFAULT_TITLE = "AI industry timeline"


class ExportOptions:
    """What every exporter may use; ``today`` stands in for any clock (e.g. iCalendar DTSTAMP)."""

    __slots__ = ("details", "layout", "mermaid", "parents", "static", "title", "today")

    def __init__(
        self,
        *,
        title: str = DEFAULT_TITLE,
        today: date = date(1970, 1, 1),
        details: bool = False,
        layout: str = "list",
        mermaid: bool = False,
        static: bool = False,
        parents: Mapping[str, str] | None = None,
    ) -> None:
        self.title = title
        self.today = today
        self.details = details
        self.layout = layout
        self.mermaid = mermaid
        self.static = static  # HTML: the page without its script (no filters, no lanes)
        self.parents = dict(parents or {})  # company -> its parent, for HTML's filters and lanes


ExportFunction = Callable[[Sequence[Event], ExportOptions], str]


def group_by_year(events: Sequence[Event]) -> list[tuple[int | None, list[Event]]]:
    """Consecutive events grouped by the year they start in (an interval goes in its start year).

    When the order is not chronological (``--sort title|company``) a year would come back, so
    there are no year headings at all: one group whose year is None. A heading never repeats.
    """
    groups: list[tuple[int | None, list[Event]]] = []
    seen: set[int] = set()
    for event in events:
        year = event.date.start.year  # the first day's year, without building a date
        if not groups or groups[-1][0] != year:
            if year in seen:
                return [(None, list(events))]
            seen.add(year)
            groups.append((year, []))
        groups[-1][1].append(event)
    return groups


# Keys of the JSON record that are computed from the date, left out where the record is embedded.
_DERIVED = ("start", "end", "precision", "approximate", "uncertain")


def embedded_record(event: Event) -> dict[str, object]:
    """The event's own fields as JSON, for formats that cannot hold them all (iCalendar's
    X-TIMELINE-EVENT, TimelineJS's "timeline" key): `timeline import` reads them back exactly."""
    return {k: v for k, v in event_record(event).items() if k not in _DERIVED}
