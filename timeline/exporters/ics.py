"""iCalendar (RFC 5545): one all-day VEVENT per event, written here rather than by a library.

A month- or year-precision date spans its whole month or year, and its precision and qualifiers
stay visible in the summary and description. DTSTAMP comes from ``today``, so output is stable.

Every value goes through ``_text`` (the one place that makes text safe for this format): control
and format characters become visible escapes, backslash, semicolon, comma and newline are
escaped as RFC 5545 says for TEXT, and ``_line`` folds each content line at 75 octets without
splitting a UTF-8 sequence, so no CR or LF ever appears inside a value, whatever the data or the
``--title``. (The icalendar library raised AssertionError on a title with a newline and wrote
control characters through.) An event that ends on 9999-12-31 has no representable next day,
so it gets a DURATION instead of DTEND.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from timeline import __version__
from timeline.exporters.base import ExportOptions, embedded_record
from timeline.model import Event, is_exact
from timeline.text import visible

_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def _text(value: str, *, multiline: bool = False) -> str:
    """A TEXT value: newlines kept as ``\\n`` only where the value may have several lines."""
    if not multiline:
        value = " ".join(value.replace("\r\n", "\n").replace("\r", " ").split("\n"))
    return visible(value, keep_newlines=multiline).translate(_ESCAPES)


def _line(name: str, value: str) -> str:
    """One content line, folded: under 75 octets a line, continuation lines start with a space,
    and never right after a backslash (some clients cannot join an escape split in two)."""
    line = f"{name}:{value}"
    if len(line) < 75 and line.isascii():
        return line + "\r\n"
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= 75:
            carried = [current.pop()] if len(current) > 1 and current[-1] == "\\" else []
            parts.append("".join(current))
            current, count = carried, len(carried)
        current.append(char)
        count += size
    parts.append("".join(current))
    return "\r\n ".join(parts) + "\r\n"


def _day(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _description(event: Event) -> str:
    lines = [
        f"Date: {event.date.long()} ({event.date.describe()})",
        f"Companies: {', '.join(event.companies)}",
        f"Kind: {event.kind}",
    ]
    if event.tags:
        lines.append(f"Tags: {', '.join(event.tags)}")
    if event.summary:
        lines += ["", event.summary.replace("\r\n", "\n")]  # a lone CR stays visible
    if event.sources:
        lines += ["", "Sources:"] + [s.url for s in event.sources]
    return "\n".join(lines)


def _event(event: Event, stamp: str) -> list[str]:
    first, last = event.date.first_day, event.date.last_day
    title = event.title if is_exact(event.date) else f"{event.title} ({event.date.short()})"
    lines = [
        "BEGIN:VEVENT\r\n",
        _line("SUMMARY", _text(title)),
        _line("DTSTART;VALUE=DATE", _day(first)),
    ]
    if last < date.max:
        lines.append(_line("DTEND;VALUE=DATE", _day(date.fromordinal(last.toordinal() + 1))))
    else:  # the day after 9999-12-31 cannot be written: say how long instead
        lines.append(_line("DURATION", f"P{(last - first).days + 1}D"))
    lines += [
        _line("DTSTAMP", stamp),
        _line("UID", _text(f"{event.id}@timeline")),
        _line("CATEGORIES", ",".join(_text(c) for c in dict.fromkeys([event.kind, *event.tags]))),
        _line("DESCRIPTION", _text(_description(event), multiline=True)),
        _line("TRANSP", "TRANSPARENT"),
    ]
    if event.sources:  # a URI, not TEXT: the store allows no spaces or control characters in it
        lines.append(_line("URL", visible(event.sources[0].url)))
    # Every field (ASCII JSON, as TEXT), so that `timeline import` gives back the same event;
    # calendars ignore X- properties.
    lines.append(_line("X-TIMELINE-EVENT", _text(json.dumps(embedded_record(event), separators=(",", ":")))))
    lines.append("END:VEVENT\r\n")
    return lines


def export(events: Sequence[Event], options: ExportOptions) -> str:
    stamp = f"{_day(options.today)}T000000Z"
    lines = [
        "BEGIN:VCALENDAR\r\n",
        "VERSION:2.0\r\n",
        _line("PRODID", f"-//timeline//timeline {_text(__version__)}//EN"),
        "CALSCALE:GREGORIAN\r\n",
        _line("X-WR-CALNAME", _text(options.title)),
    ]
    for event in events:
        lines += _event(event, stamp)
    lines.append("END:VCALENDAR\r\n")
    return "".join(lines)
