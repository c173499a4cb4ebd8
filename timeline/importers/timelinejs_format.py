"""TimelineJS JSON: `timeline export --format timelinejs` files, or another TimelineJS sheet.

Our export carries every field under each slide's ``"timeline"`` key, read back exactly. Another
file's slide gives ``start_date``/``end_date`` (their known parts keep the precision), the
headline (HTML entities decoded, tags removed), ``group`` (a company) and ``unique_id``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from timeline.importers import json_format
from timeline.importers._records import Draft, Problem, ReadResult

_TAG = re.compile(r"<[^>]*>")


def looks_like(document: object) -> bool:
    events = json_format.items_of(document)
    return bool(events) and isinstance(events[0], dict) and "start_date" in events[0]  # type: ignore[index]


def _part(value: object) -> str | None:
    if not isinstance(value, dict) or "year" not in value:
        return None
    text = f"{int(value['year']):04d}"
    for key in ("month", "day"):
        if key not in value:
            break
        text += f"-{int(value[key]):02d}"
    return text


def read(text: str, label: str, overrides: Mapping[str, str]) -> ReadResult:
    document, problems = json_format.load_json(text, label)
    slides = json_format.items_of(document) if not problems else None
    if slides is None:
        return ReadResult([], problems or [Problem(label, 1, 1, 'expected {"events": [...]} of TimelineJS slides')])
    result = ReadResult([])
    for number, slide in enumerate(slides, start=1):
        if not isinstance(slide, dict):
            result.problems.append(Problem(label, number, 1, "each slide must be a JSON object"))
            continue
        draft = Draft(number, raw={k: str(v) for k, v in slide.items()})
        embedded = slide.get("timeline")
        headline = slide.get("text", {}).get("headline", "") if isinstance(slide.get("text"), dict) else ""
        draft.title = html.unescape(_TAG.sub("", str(headline)))
        if isinstance(embedded, dict):
            for key, value in embedded.items():
                problem = json_format.put(draft, overrides.get(key, key), value)
                if problem and problem != "unknown":
                    result.problems.append(Problem(label, number, 1, f"timeline {key}: {problem}"))
        else:
            start, end = _part(slide.get("start_date")), _part(slide.get("end_date"))
            draft.date = f"{start}/{end}" if start and end else start or ""
            group = slide.get("group")
            draft.companies = [html.unescape(str(group))] if group else []
            unique = str(slide.get("unique_id") or "")
            draft.record_id = unique or None
        result.drafts.append(draft)
    return result
