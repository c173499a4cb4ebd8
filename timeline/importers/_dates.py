"""Dates from other tools, read strictly into the store's partial dates.

A value keeps the precision it was written with: ``2026-04`` and ``April 2026`` are month
precision, ``2026`` is a year. Timestamps (``2026-04-05T10:00:00Z``) are the day they name.
Numeric day/month forms (``04/05/2026``) mean different days in different countries, so they are
refused unless ``--date-order dmy|mdy`` says which is meant.
"""

from __future__ import annotations

import re

from timeline.dates import MONTH_ABBR, MONTH_NAMES, DateSyntaxError, parse_event_date

_MONTHS = (
    {name.casefold(): i for i, name in enumerate(MONTH_NAMES) if name}
    | {abbr.casefold(): i for i, abbr in enumerate(MONTH_ABBR) if abbr}
    | {"sept": 9}
)
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")  # iCalendar's DATE
_MONTH_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})")
_NUMERIC = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
DATE_ORDERS = ("dmy", "mdy")


def _month(word: str, text: str) -> int:
    month = _MONTHS.get(word.casefold())
    if month is None:
        raise DateSyntaxError(f"invalid date {text!r}: {word!r} is not a month name")
    return month


def import_date(value: str, order: str | None = None) -> str:
    """The store's date text for ``value``; DateSyntaxError (quoting it) when it cannot be read."""
    text = " ".join(value.split())
    if not text:
        raise DateSyntaxError("the date is empty")
    if (match := _TIMESTAMP.fullmatch(text)) is not None:
        text = match[1]
    elif (match := _COMPACT.fullmatch(text)) is not None:
        text = f"{match[1]}-{match[2]}-{match[3]}"
    elif (match := _MONTH_YEAR.fullmatch(text)) is not None:
        text = f"{match[2]}-{_month(match[1], text):02d}"
    elif (match := _MONTH_DAY_YEAR.fullmatch(text)) is not None:
        text = f"{match[3]}-{_month(match[1], text):02d}-{int(match[2]):02d}"
    elif (match := _DAY_MONTH_YEAR.fullmatch(text)) is not None:
        text = f"{match[3]}-{_month(match[2], text):02d}-{int(match[1]):02d}"
    elif (match := _NUMERIC.fullmatch(text)) is not None:
        if order is None:
            raise DateSyntaxError(
                f"ambiguous date {text!r}: day and month could be either way round; "
                "give --date-order dmy or --date-order mdy"
            )
        first, second = int(match[1]), int(match[2])
        day, month = (first, second) if order == "dmy" else (second, first)
        text = f"{match[3]}-{month:02d}-{day:02d}"
    return str(parse_event_date(text))  # checks month lengths and intervals; quotes the text
