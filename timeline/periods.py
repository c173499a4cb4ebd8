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


_STEP = {"last": -1, "this": 0, "next": 1}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _relative_period(which: str, unit: str, today: date) -> Period:
    step = _STEP[which]
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=step)
        return Period(monday, monday + timedelta(days=6))
    if unit == "month":
        year, month = divmod(today.year * 12 + today.month - 1 + step, 12)
        return _month_period(year, month + 1)
    if unit == "quarter":
        year, quarter = divmod(today.year * 4 + (today.month - 1) // 3 + step, 4)
        return _quarter_period(year, quarter + 1)
    year = today.year + step
    return Period(date(year, 1, 1), date(year, 12, 31))


def _half_period(year: int, half: int) -> Period:
    return Period(date(year, 1, 1), date(year, 6, 30)) if half == 1 else Period(date(year, 7, 1), date(year, 12, 31))


def _iso_day(text: str, year: int, month: int, day: int) -> Period:
    """The day, or the one message every command gives for an impossible date."""
    part = parse_part(f"{year:04d}-{month:02d}-{day:02d}", text)
    return Period(part.first_day, part.last_day)


_EXPRESSIONS = (
    "2026, 2026-04, 2026/04, 2026-04-28, 2026-Q2, Q2 2026, H1 2026, April 2026, Apr 28 2026, "
    "28 April 2026, today, yesterday, 3 months ago, a week ago, last month, next quarter, last Monday"
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
    if match := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        readings = sorted(
            {
                f"{year:04d}-{m:02d}-{d:02d}"
                for m, d in ((first, second), (second, first))
                if 1 <= m <= 12 and 1 <= d <= 31
            }
        )
        if len(readings) == 1:
            raise DateSyntaxError(f"{text!r} is not an ISO date; write it as {readings[0]}")
        raise DateSyntaxError(
            f"{text!r} is ambiguous (day and month order differ by country); write it as "
            + (" or ".join(readings) if readings else "YYYY-MM-DD")
        )
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", raw):
        part = parse_part(raw, raw)  # its own message for an impossible date
        return Period(part.first_day, part.last_day)
    if match := re.fullmatch(r"(\d{4})/(\d{1,2})(?:/(\d{1,2}))?", raw):
        iso = f"{match[1]}-{int(match[2]):02d}" + (f"-{int(match[3]):02d}" if match[3] else "")
        part = parse_part(iso, raw)
        return Period(part.first_day, part.last_day)
    compact = raw.replace(" ", "").upper()
    match = re.fullmatch(r"(\d{4})-?([QH])(\d)", compact) or re.fullmatch(r"([QH])(\d)-?(\d{4})", compact)
    if match:
        kind_first = match[1] in ("Q", "H")
        kind, number, year = (
            (match[1], int(match[2]), int(match[3])) if kind_first else (match[2], int(match[3]), int(match[1]))
        )
        if year == 0 or (kind == "Q" and not 1 <= number <= 4) or (kind == "H" and number not in (1, 2)):
            raise DateSyntaxError(f"{text!r}: there is no {kind}{number}; quarters are Q1-Q4, halves H1-H2")
        return _quarter_period(year, number) if kind == "Q" else _half_period(year, number)
    try:
        if words == ["today"]:
            return Period(today, today)
        if words == ["yesterday"]:
            day = today - timedelta(days=1)
            return Period(day, day)
        if len(words) == 3 and words[2] == "ago" and (words[0].isdigit() or words[0] in ("a", "an", "one")):
            unit = words[1].rstrip("s")
            if unit in ("day", "week", "month", "year"):
                day = _days_ago(today, int(words[0]) if words[0].isdigit() else 1, unit)
                return Period(day, day)
        if len(words) == 2 and words[0] in _STEP and words[1] in ("week", "month", "quarter", "year"):
            return _relative_period(words[0], words[1], today)
        if len(words) == 2 and words[0] in ("last", "next") and words[1] in _WEEKDAYS:
            offset = (_WEEKDAYS.index(words[1]) - today.weekday()) % 7
            if words[0] == "last":
                day = today - timedelta(days=(7 - offset) % 7 or 7)
            else:
                day = today + timedelta(days=offset or 7)
            return Period(day, day)
        if len(words) == 2 and (month := _month_number(words[0])) and re.fullmatch(r"\d{4}", words[1]):
            return _month_period(int(words[1]), month)
        if len(words) == 3 and re.fullmatch(r"\d{4}", words[2]):
            month, day_text = _month_number(words[0]), words[1]
            if month is None:
                month, day_text = _month_number(words[1]), words[0]
            if month is not None and re.fullmatch(r"\d{1,2}", day_text):
                return _iso_day(text, int(words[2]), month, int(day_text))
    except (ValueError, OverflowError) as error:
        if isinstance(error, DateSyntaxError):
            raise
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
    during = period("--on", on)
    if during is not None:
        first, last = during.first, during.last
    if (start := period("--since", since)) is not None:
        if during is not None and not during.first <= start.first <= during.last:
            raise UsageError(
                f"--since {since} ({start.first.isoformat()}) is outside --on {on} "
                f"({during.first.isoformat()} to {during.last.isoformat()}); use one or the other"
            )
        first = start.first
    if (end := period("--until", until)) is not None:
        if during is not None and not during.first <= end.last <= during.last:
            raise UsageError(
                f"--until {until} ({end.last.isoformat()}) is outside --on {on} "
                f"({during.first.isoformat()} to {during.last.isoformat()}); use one or the other"
            )
        last = end.last
    if first is not None and last is not None and first > last:
        raise UsageError(
            f"the range is reversed: it starts {first.isoformat()} (--since {since}) after it ends "
            f"{last.isoformat()} (--until {until}); swap them"
        )
    return first, last
