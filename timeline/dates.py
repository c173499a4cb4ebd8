"""Partial and approximate dates (a subset of EDTF levels 0-1) and user date expressions.

An event's date is a span of days: ``2026-04`` is April 1-30. Qualifiers (``~`` approximate,
``?`` uncertain, ``%`` both) are flags that are shown and exported; they never widen the span,
so filters stay predictable.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
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
_MONTH_BY_NAME: dict[str, int] = {}
for _number in range(1, 13):
    _MONTH_BY_NAME[MONTH_NAMES[_number].lower()] = _number
    _MONTH_BY_NAME[MONTH_ABBR[_number].lower()] = _number
_MONTH_BY_NAME["sept"] = 9

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


def _parse_part(text: str, whole: str) -> PartialDate:
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
        start, end = _parse_part(first, text), _parse_part(second, text)
        if end.last_day < start.first_day:
            raise DateSyntaxError(f"invalid date {text!r}: the interval ends before it starts")
        return EventDate(start, end)
    return EventDate(_parse_part(text, text))


# --- user date expressions -------------------------------------------------------------


class Period(NamedTuple):
    """A closed range of days, as a user date expression means it."""

    first: date
    last: date


def _month_period(year: int, month: int) -> Period:
    return Period(date(year, month, 1), date(year, month, days_in_month(year, month)))


def _quarter_period(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    return Period(_month_period(year, first_month).first, _month_period(year, first_month + 2).last)


def _month_number(word: str) -> int | None:
    return _MONTH_BY_NAME.get(word.lower().rstrip("."))


def _days_ago(today: date, count: int, unit: str) -> date:
    if unit == "day":
        return today - timedelta(days=count)
    if unit == "week":
        return today - timedelta(weeks=count)
    from dateutil.relativedelta import relativedelta

    if unit == "month":
        return today - relativedelta(months=count)
    return today - relativedelta(years=count)


def _relative_period(which: str, unit: str, today: date) -> Period:
    if unit == "week":
        monday = today - timedelta(days=today.weekday())
        if which == "last":
            monday -= timedelta(weeks=1)
        return Period(monday, monday + timedelta(days=6))
    if unit == "month":
        year, month = today.year, today.month
        if which == "last":
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return _month_period(year, month)
    if unit == "quarter":
        year, quarter = today.year, (today.month - 1) // 3 + 1
        if which == "last":
            year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
        return _quarter_period(year, quarter)
    year = today.year - (1 if which == "last" else 0)
    return Period(date(year, 1, 1), date(year, 12, 31))


_EXPRESSIONS = (
    "2026, 2026-04, 2026-04-28, 2026-Q2, 2026-H1, April 2026, Apr 28 2026, 28 April 2026, "
    "today, yesterday, 3 months ago, last month, this quarter"
)


def parse_period(text: str, today: date) -> Period:
    """Read a user date expression as a range of days; raise DateSyntaxError if it is unclear.

    Missing parts are never filled in from today: ``April`` alone is refused, not guessed.
    """
    raw = text.strip()
    words = raw.lower().replace(",", " ").split()
    bad = DateSyntaxError(f"{text!r} is not a date this tool understands; try one of: {_EXPRESSIONS}")
    if not words:
        raise bad
    try:
        if re.fullmatch(r"\d{4}(-\d{2}){0,2}", raw):
            part = _parse_part(raw, raw)
            return Period(part.first_day, part.last_day)
        if match := re.fullmatch(r"(\d{4})-([QqHh])(\d)", raw):
            year, kind, number = int(match[1]), match[2].upper(), int(match[3])
            if year == 0 or (kind == "Q" and not 1 <= number <= 4) or (kind == "H" and number not in (1, 2)):
                raise bad
            if kind == "Q":
                return _quarter_period(year, number)
            return (
                Period(date(year, 1, 1), date(year, 6, 30))
                if number == 1
                else Period(date(year, 7, 1), date(year, 12, 31))
            )
        if words == ["today"]:
            return Period(today, today)
        if words == ["yesterday"]:
            day = today - timedelta(days=1)
            return Period(day, day)
        if len(words) == 3 and words[2] == "ago" and words[0].isdigit():
            unit = words[1].rstrip("s")
            if unit in ("day", "week", "month", "year"):
                day = _days_ago(today, int(words[0]), unit)
                return Period(day, day)
        if len(words) == 2 and words[0] in ("last", "this") and words[1] in ("week", "month", "quarter", "year"):
            return _relative_period(words[0], words[1], today)
        if len(words) == 2 and (month := _month_number(words[0])) and re.fullmatch(r"\d{4}", words[1]):
            return _month_period(int(words[1]), month)
        if len(words) == 3 and re.fullmatch(r"\d{4}", words[2]):
            month, day_text = _month_number(words[0]), words[1]
            if month is None:
                month, day_text = _month_number(words[1]), words[0]
            if month is not None and re.fullmatch(r"\d{1,2}", day_text):
                day = date(int(words[2]), month, int(day_text))
                return Period(day, day)
    except (DateSyntaxError, ValueError, OverflowError) as error:
        raise bad from error
    raise bad
