"""iCalendar (RFC 5545) through the icalendar library: one all-day VEVENT per event.

A month- or year-precision date spans its whole month or year, and its precision and qualifiers
stay visible in the summary and description. DTSTAMP comes from ``today``, so output is stable.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta

from timeline import __version__
from timeline.exporters.base import ExportOptions, embedded_record
from timeline.model import Event, is_exact


def _description(event: Event) -> str:
    lines = [
        f"Date: {event.date.long()} ({event.date.describe()})",
        f"Companies: {', '.join(event.companies)}",
        f"Kind: {event.kind}",
    ]
    if event.tags:
        lines.append(f"Tags: {', '.join(event.tags)}")
    if event.summary:
        lines += ["", event.summary]
    if event.sources:
        lines += ["", "Sources:"] + [s.url for s in event.sources]
    return "\n".join(lines)


def export(events: Sequence[Event], options: ExportOptions) -> str:
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", f"-//timeline//timeline {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", options.title)
    stamp = datetime.combine(options.today, time(0, 0), tzinfo=UTC)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"{event.id}@timeline")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.date.first_day)
        entry.add("dtend", event.date.last_day + timedelta(days=1))
        exact = is_exact(event.date)
        entry.add("summary", event.title if exact else f"{event.title} ({event.date.short()})")
        entry.add("description", _description(event))
        entry.add("categories", list(dict.fromkeys([event.kind, *event.tags])))
        entry.add("transp", "TRANSPARENT")
        if event.sources:
            entry.add("url", event.sources[0].url)
        # every field, so that `timeline import` gives back the same event (calendars ignore it)
        entry.add("x-timeline-event", json.dumps(embedded_record(event), separators=(",", ":")))
        calendar.add_component(entry)
    text: str = calendar.to_ical().decode("utf-8")
    return text
