"""Event fields as YAML lines in a file's own style: block or flow lists, ``>`` summaries,
``- url:`` source mappings. Every rendered value is checked to load back as exactly itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from timeline.edit._layout import Style
from timeline.edit._yamltext import date_scalar, quote, yaml_value
from timeline.model import EVENT_FIELDS, SOURCE_FIELDS, Source

Value = str | Sequence[str] | Sequence[Source] | None
_WRAP = 96


def _summary_lines(text: str, style: Style) -> list[str]:
    """``summary: >`` (or ``|``) with the text below, when the file does that and it loads back."""
    if style.summary in (">", "|") and text.strip():
        indicator = "|" if "\n" in text.strip() else style.summary
        body = text.strip().splitlines() if indicator == "|" else _wrap(text.strip(), _WRAP - style.key_column - 2)
        lines = [f"summary: {indicator}", *("  " + line if line else "" for line in body)]
        loaded = yaml_value("\n".join(lines) + "\n")
        if (
            isinstance(loaded, dict)
            and isinstance(loaded.get("summary"), str)
            and loaded["summary"].strip() == text.strip()
        ):
            return lines
    return [f"summary: {quote(text)}"]


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=max(width, 40), break_long_words=False, break_on_hyphens=False) or [text]


def _source_lines(sources: Sequence[Source], style: Style) -> list[str]:
    if not style.source_mappings and all(s.title is None and s.publisher is None and s.note is None for s in sources):
        items = [quote(s.url) for s in sources]
        return (
            [f"sources: [{', '.join(items)}]"]
            if style.is_flow("sources")
            else ["sources:", *(f"  - {i}" for i in items)]
        )
    lines = ["sources:"]
    for source in sources:
        first = True
        for key, value in zip(SOURCE_FIELDS, source, strict=True):
            if value is None:
                continue
            lines.append(f"{'  - ' if first else '    '}{key}: {quote(value)}")
            first = False
    return lines


def field_lines(key: str, value: Value, style: Style) -> list[str]:
    """One field of an event as top-level mapping lines (the block is indented afterwards)."""
    if value is None or (not isinstance(value, str) and not value):
        return []
    if key == "summary" and isinstance(value, str):
        return _summary_lines(value, style)
    if key == "date" and isinstance(value, str):
        return [f"date: {date_scalar(value)}"]
    if isinstance(value, str):
        return [f"{key}: {quote(value)}"]
    if key == "sources":
        return _source_lines([s if isinstance(s, Source) else Source(s) for s in value], style)
    items = [quote(v) for v in value if isinstance(v, str)]
    if style.is_flow(key):
        return [f"{key}: [{', '.join(items)}]"]
    return [f"{key}:", *(f"  - {item}" for item in items)]


def key_order(style: Style, keys: Sequence[str]) -> list[str]:
    """The keys in the file's order; a key its events lack goes after its usual predecessor."""
    ordered = [k for k in style.key_order if k in keys]
    for key in EVENT_FIELDS:
        if key in keys and key not in ordered:
            before = [k for k in EVENT_FIELDS[: EVENT_FIELDS.index(key)] if k in ordered]
            ordered.insert(ordered.index(before[-1]) + 1 if before else 0, key)
    return ordered


def event_lines(values: Mapping[str, Value], style: Style) -> list[str]:
    """A whole event as top-level mapping lines, fields in the file's order."""
    present = [k for k, v in values.items() if v is not None and (isinstance(v, str) or v)]
    return [line for key in key_order(style, present) for line in field_lines(key, values[key], style)]


def company_lines(name: str, parent: str | None, style: Style) -> list[str]:
    """A company item (already indented as the file's companies are)."""
    dash = " " * style.dash_column + "-" + " " * (style.key_column - style.dash_column - 1)
    lines = [f"{dash}name: {quote(name)}"]
    if parent is not None:
        lines.append(" " * style.key_column + f"parent: {quote(parent)}")
    return lines
