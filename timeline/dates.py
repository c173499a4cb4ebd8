"""The store's date syntax: partial and approximate dates (a subset of EDTF levels 0-1).

An event's date is a span of days: ``2026-04`` is April 1-30. Qualifiers (``~`` approximate,
``?`` uncertain, ``%`` both) are flags that are shown and exported; they never widen the span,
so filters stay predictable.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Literal, NamedTuple

Precision = Literal["year", "month", "day"]

MONTH_NAMES = tuple(calendar.month_name)  # "", "January", ...
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Like ``calendar.monthrange(year, month)[1]``, without building a weekday."""
    if month == 2 and calendar.isleap(year):
        return 29
    return _MONTH_DAYS[month]


MONTH_ABBR = tuple(calendar.month_abbr)  # "", "Jan", ...

_PART_RE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?P<q>[~?%])?")


class DateSyntaxError(ValueError):
    """A date text that cannot be read; the message quotes it and says what is wrong."""


class PartialDate(NamedTuple):
    """A calendar date known to year, month or day precision, possibly qualified."""

    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def first_ymd(self) -> tuple[int, int, int]:
        """The first day as (year, month, day): orders like ``first_day``, without a ``date``."""
        return (self.year, self.month or 1, self.day or 1)

    @property
    def last_ymd(self) -> tuple[int, int, int]:
        """The last day as (year, month, day)."""
        if self.day is not None:
            return (self.year, self.month or 1, self.day)
        if self.month is not None:
            return (self.year, self.month, days_in_month(self.year, self.month))
        return (self.year, 12, 31)

    @property
    def first_day(self) -> date:
        return date(*self.first_ymd)

    @property
    def last_day(self) -> date:
        return date(*self.last_ymd)

    @property
    def qualifier(self) -> str:
        if self.approximate and self.uncertain:
            return "%"
        return "~" if self.approximate else "?" if self.uncertain else ""

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text + self.qualifier

    def _mark(self, text: str) -> str:
        return ("~" if self.approximate else "") + text + ("?" if self.uncertain else "")

    def short(self) -> str:
        """``Apr 28, 2026``, ``~Apr 2026``, ``2026?``."""
        if self.day is not None and self.month is not None:
            return self._mark(f"{MONTH_ABBR[self.month]} {self.day}, {self.year}")
        if self.month is not None:
            return self._mark(f"{MONTH_ABBR[self.month]} {self.year}")
        return self._mark(str(self.year))

    def long(self) -> str:
        """``April 28, 2026``, ``~April 2026``, ``2026?``."""
        if self.day is not None and self.month is not None:
            return self._mark(f"{MONTH_NAMES[self.month]} {self.day}, {self.year}")
        if self.month is not None:
            return self._mark(f"{MONTH_NAMES[self.month]} {self.year}")
        return self._mark(str(self.year))


class EventDate(NamedTuple):
    """A single partial date or an interval ``START/END`` of two of them."""

    start: PartialDate
    end: PartialDate | None = None

    @property
    def first_day(self) -> date:
        return self.start.first_day

    @property
    def last_day(self) -> date:
        return (self.end or self.start).last_day

    @property
    def precision(self) -> Precision:
        return self.start.precision

    @property
    def approximate(self) -> bool:
        return self.start.approximate or (self.end is not None and self.end.approximate)

    @property
    def uncertain(self) -> bool:
        return self.start.uncertain or (self.end is not None and self.end.uncertain)

    def __str__(self) -> str:
        return str(self.start) if self.end is None else f"{self.start}/{self.end}"

    def short(self) -> str:
        """Compact words: ``Apr 28, 2026``, ``Mar 4-5, 2025``, ``~Apr 2026``."""
        start, end = self.start, self.end
        if end is None:
            return start.short()
        plain = not (start.qualifier or end.qualifier)
        if plain and start.precision == "day" and end.precision == "day" and start.year == end.year:
            first, last = start.first_day, end.last_day
            if first.month == last.month:
                return f"{MONTH_ABBR[first.month]} {first.day}-{last.day}, {first.year}"
            return f"{MONTH_ABBR[first.month]} {first.day}-{MONTH_ABBR[last.month]} {last.day}, {first.year}"
        return f"{start.short()} – {end.short()}"

    def long(self) -> str:
        """Full words: ``April 28, 2026`` or ``March 4, 2025 – March 5, 2025``."""
        if self.end is None:
            return self.start.long()
        return f"{self.start.long()} – {self.end.long()}"

    def describe(self) -> str:
        """Precision in words, for readers: ``day precision``, ``month precision, approximate``."""
        parts = [f"{self.precision} precision"]
        if self.end is not None:
            parts.append("interval")
        if self.approximate:
            parts.append("approximate")
        if self.uncertain:
            parts.append("uncertain")
        return ", ".join(parts)


def parse_part(text: str, whole: str) -> PartialDate:
    match = _PART_RE.fullmatch(text)
    if match is None:
        raise DateSyntaxError(
            f"invalid date {whole!r}: expected YYYY, YYYY-MM or YYYY-MM-DD, "
            "optionally followed by ~, ? or %, or an interval START/END"
        )
    year = int(match["y"])
    month = int(match["m"]) if match["m"] else None
    day = int(match["d"]) if match["d"] else None
    if year == 0:
        raise DateSyntaxError(f"invalid date {whole!r}: there is no year 0")
    if month is not None and not 1 <= month <= 12:
        raise DateSyntaxError(f"invalid date {whole!r}: month {month} is not between 1 and 12")
    if day is not None and month is not None:
        days = days_in_month(year, month)
        if not 1 <= day <= days:
            raise DateSyntaxError(f"invalid date {whole!r}: {MONTH_NAMES[month]} {year} has {days} days, not {day}")
    qualifier = match["q"] or ""
    return PartialDate(year, month, day, qualifier in "~%" and qualifier != "", qualifier in "?%" and qualifier != "")


def parse_event_date(value: str) -> EventDate:
    """Parse the store's date syntax; raise DateSyntaxError quoting ``value``."""
    text = value.strip()
    if "/" in text:
        first, _, second = text.partition("/")
        start, end = parse_part(first, text), parse_part(second, text)
        if end.last_day < start.first_day:
            raise DateSyntaxError(f"invalid date {text!r}: the interval ends before it starts")
        return EventDate(start, end)
    return EventDate(parse_part(text, text))
