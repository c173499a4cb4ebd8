"""JSON: `timeline export --format json` (and `list --json`) files, or any list of objects.

An item's number in the list (from 1) stands for its row; a problem inside the JSON syntax is
located by its line and column instead. Keys are our field names, or mapped with --map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from timeline.importers._records import Draft, Problem, ReadResult
from timeline.model import SOURCE_FIELDS, Source

DERIVED = frozenset({"start", "end", "precision", "approximate", "uncertain", "imported"})
_LISTS = ("companies", "tags", "related")


def load_json(text: str, label: str) -> tuple[object, list[Problem]]:
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        return None, [Problem(label, error.lineno, error.colno, f"not valid JSON: {error.msg}")]


def items_of(document: object) -> list[object] | None:
    """The events of an export (``{"events": [...]}``) or a plain list."""
    if isinstance(document, dict):
        events = document.get("events")
        return events if isinstance(events, list) else None
    return document if isinstance(document, list) else None


def read(text: str, label: str, overrides: Mapping[str, str]) -> ReadResult:
    document, problems = load_json(text, label)
    if problems:
        return ReadResult([], problems)
    items = items_of(document)
    if items is None:
        return ReadResult([], [Problem(label, 1, 1, 'expected a list of events, or an object with "events": [...]')])
    result = ReadResult([])
    ignored: set[str] = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            result.problems.append(Problem(label, number, 1, "each event must be a JSON object"))
            continue
        draft = Draft(
            number, raw={str(k).casefold(): v if isinstance(v, str) else json.dumps(v) for k, v in item.items()}
        )
        for key, value in item.items():
            target = overrides.get(str(key).casefold(), str(key))
            if target in DERIVED or target == "":
                continue
            problem = put(draft, target, value)
            if problem == "unknown":
                ignored.add(str(key))
            elif problem:
                result.problems.append(Problem(label, number, 1, f"{key}: {problem}"))
        result.drafts.append(draft)
    result.ignored = sorted(ignored)
    return result


def _texts(value: object) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def put(draft: Draft, target: str, value: object) -> str | None:
    """Set a field; a message when the value has the wrong shape, "unknown" for other keys."""
    if value is None:
        return None
    if target in _LISTS:
        texts = _texts(value)
        if texts is None:
            return "expected a list of texts"
        setattr(draft, target, texts)
    elif target == "sources":
        if not isinstance(value, list):
            return "expected a list of sources"
        for source in value:
            if isinstance(source, str):
                draft.sources.append(Source(source))
            elif isinstance(source, dict) and isinstance(source.get("url"), str):
                extra = {k: v for k, v in source.items() if k in SOURCE_FIELDS[1:] and isinstance(v, str)}
                draft.sources.append(Source(source["url"], **extra))
            else:
                return "each source must be a URL or an object with a url"
    elif target in ("id", "record_id", "date", "title", "kind", "summary", "url"):
        if isinstance(value, int) and not isinstance(value, bool) and target in ("id", "record_id", "date"):
            value = str(value)
        if not isinstance(value, str):
            return "expected text"
        if target == "url":
            draft.sources.insert(0, Source(value))
        else:
            setattr(draft, target, value)
    else:
        return "unknown"
    return None
