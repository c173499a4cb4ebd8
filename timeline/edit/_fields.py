"""Checking one field value as the user gives it (an option or a prompt's answer).

Each check returns the value as the store writes it, or raises UsageError whose message names
where the value came from (``--tag``, ``tag``) and says what would be accepted.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from timeline.dates import DateSyntaxError, parse_event_date
from timeline.errors import UsageError
from timeline.model import KINDS, Event, Registry, unknown_company, unknown_kind
from timeline.store._parse import TAG_RE
from timeline.text import visible

_URL = re.compile(r"https?://[^\s/?#]+\S*")
DATE_FORMS = "YYYY-MM-DD, YYYY-MM or YYYY (~ ? % qualifiers, START/END), today, yesterday, 'April 2026', 2026-Q2"


def store_date(text: str, today: date, where: str = "date") -> str:
    """The store's date text for ``text``: the store's own syntax, or any form ``--since``
    takes (``yesterday``, ``April 2026``, ``2026-Q2``, ``3 days ago``), made exact."""
    text = text.strip()
    try:
        parse_event_date(text)
        return text
    except DateSyntaxError as error:
        first_error = error
    from timeline.periods import parse_period

    try:
        period = parse_period(text, today)
    except DateSyntaxError:
        raise UsageError(f"{where}: {first_error}; also accepted: {DATE_FORMS}") from None
    first, last = period.first, period.last
    if first == last:
        return first.isoformat()
    if first.day == 1 and (last + timedelta(days=1)).day == 1:
        if first.month == 1 and last.month == 12 and first.year == last.year:
            return f"{first.year:04d}"
        if (first.year, first.month) == (last.year, last.month):
            return first.isoformat()[:7]
        return f"{first.isoformat()[:7]}/{last.isoformat()[:7]}"
    return f"{first.isoformat()}/{last.isoformat()}"


def check_tag(tag: str, where: str = "tag") -> str:
    if not TAG_RE.fullmatch(tag):
        slug = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")
        hint = f" (did you mean {slug!r}?)" if slug and TAG_RE.fullmatch(slug) else ""
        raise UsageError(
            f"{where}: {visible(tag)!r} is not a tag: tags are lower-case slugs like 'cloud' or 'ai-safety'{hint}"
        )
    return tag


def check_source(url: str, where: str = "source", *, https_only: bool = False) -> str:
    """A source URL as the store accepts it (http or https; ``https_only`` for the prompts)."""
    url = url.strip()
    if not (_URL.fullmatch(url) and url.isprintable()) or (https_only and not url.startswith("https://")):
        wanted = "an https:// URL" if https_only else "an http:// or https:// URL"
        raise UsageError(f"{where}: {visible(url)!r} is not {wanted} (no spaces)")
    return url


def check_kind(kind: str, where: str = "kind") -> str:
    value = kind.strip().lower()
    if value not in KINDS:
        raise UsageError(f"{where}: {unknown_kind(kind)}")
    return value


def check_company(name: str, registry: Registry, where: str = "company") -> str:
    canonical = registry.resolve(name)
    if canonical is None:
        raise UsageError(f"{where}: {unknown_company(name, registry)}")
    return canonical


def future_warning(event: Event, today: date) -> str | None:
    """validate's warning for an event that starts after today."""
    if event.date.first_day > today:
        return f"event {event.id!r} starts after today ({today.isoformat()})"
    return None
