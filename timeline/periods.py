"""User date expressions (``--since last month``, ``--on 2026-Q2``) as ranges of days.

Unlike the store's date syntax (``dates``), these are relative to today and forgiving in form,
but they never guess: ``April`` alone is refused, not filled in from today.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from timeline.dates import MONTH_ABBR, MONTH_NAMES, DateSyntaxError, days_in_month, parse_part

_MONTH_BY_NAME: dict[str, int] = {}
for _number in range(1, 13):
    _MONTH_BY_NAME[MONTH_NAMES[_number].lower()] = _number
    _MONTH_BY_NAME[MONTH_ABBR[_number].lower()] = _number
_MONTH_BY_NAME["sept"] = 9


class Period:
    """A closed range of days, as a user date expression means it."""

    __slots__ = ("first", "last")

    def __init__(self, first: date, last: date) -> None:
        self.first = first
        self.last = last

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Period) and (other.first, other.last) == (self.first, self.last)

    def __hash__(self) -> int:
        return hash((self.first, self.last))

    def __repr__(self) -> str:
        return f"Period({self.first.isoformat()}, {self.last.isoformat()})"


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
            part = parse_part(raw, raw)
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


def resolve_range(on: str | None, since: str | None, until: str | None, today: date) -> tuple[date | None, date | None]:
    """The inclusive days that ``--on``, ``--since`` and ``--until`` select together.

    ``--on`` gives both ends; ``--since`` then sets the first day and ``--until`` the last (the
    last day of its period: ``--until 2026-04`` includes April). Raises UsageError naming the
    option whose text cannot be read.
    """
    from timeline.errors import UsageError

    def period(option: str, text: str | None) -> Period | None:
        if text is None:
            return None
        try:
            return parse_period(text, today)
        except DateSyntaxError as error:
            raise UsageError(f"{option}: {error}") from None

    first = last = None
    if (during := period("--on", on)) is not None:
        first, last = during.first, during.last
    if (start := period("--since", since)) is not None:
        first = start.first
    if (end := period("--until", until)) is not None:
        last = end.last
    return first, last
