"""iCalendar: `timeline export --format ics` files, or any calendar's all-day VEVENTs.

Our export carries every field in ``X-TIMELINE-EVENT`` (JSON), read back exactly. Another
calendar's event gives SUMMARY (title), DTSTART (its day), CATEGORIES (a kind if one is a
kind, the rest tags), URL (a source), DESCRIPTION (summary) and UID (the record id). Each
VEVENT's number (from 1) stands for its row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from timeline.importers import json_format
from timeline.importers._records import Draft, Problem, ReadResult
from timeline.model import KINDS, Source


def read(text: str, label: str, overrides: Mapping[str, str]) -> ReadResult:
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        return ReadResult([], [Problem(label, 1, 1, f"not an iCalendar file: {error}")])
    result = ReadResult([])
    for number, component in enumerate(calendar.walk("VEVENT"), start=1):
        embedded = component.get("X-TIMELINE-EVENT")
        if embedded is not None:
            try:
                record = json.loads(_unescape_text(str(embedded)))
            except ValueError:
                record = None
            if not isinstance(record, dict):
                result.problems.append(Problem(label, number, 1, "X-TIMELINE-EVENT is not a JSON object"))
                continue
            draft = Draft(number, raw={k: str(v) for k, v in record.items()})
            for key, value in record.items():
                problem = json_format.put(draft, overrides.get(key, key), value)
                if problem and problem != "unknown":
                    result.problems.append(Problem(label, number, 1, f"X-TIMELINE-EVENT {key}: {problem}"))
            result.drafts.append(draft)
            continue
        result.drafts.append(_foreign(component, number))
    return result


def _foreign(component: object, number: int) -> Draft:
    get = component.get  # type: ignore[attr-defined]
    draft = Draft(number)
    start = get("DTSTART")
    if start is not None:
        draft.date = str(start.dt)[:10]
    draft.title = str(get("SUMMARY") or "")
    uid = str(get("UID") or "")
    draft.record_id = uid or None
    categories = get("CATEGORIES")
    names = [str(c) for c in (categories.cats if categories is not None and hasattr(categories, "cats") else [])]
    draft.kind = next((n for n in names if n in KINDS), None)
    draft.tags = [n for n in names if n != draft.kind]
    if get("URL") is not None:
        draft.sources = [Source(str(get("URL")))]
    description = get("DESCRIPTION")
    draft.summary = str(description) if description is not None else None
    draft.raw = {"summary": draft.title, "uid": uid}
    return draft


_TEXT_ESCAPE = {"\\": "\\", ";": ";", ",": ",", "n": "\n", "N": "\n"}


def _unescape_text(value: str) -> str:
    """An RFC 5545 TEXT value as written (``\\,`` ``\\;`` ``\\n`` ``\\\\``): icalendar hands an X-
    property over raw, and our export writes X-TIMELINE-EVENT as TEXT."""
    import re

    return re.sub(r"\\([\\;,nN])", lambda m: _TEXT_ESCAPE[m[1]], value)
