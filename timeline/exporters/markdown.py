"""Markdown (GFM): a title, one section per year, a bullet (or table row) per event.

All data is escaped, so no title or summary can add headings, list items, table cells, links,
emphasis or raw HTML, and bare URLs in text are not auto-linked by GitHub.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from timeline.exporters import ExportOptions, group_by_year
from timeline.model import Event, Source
from timeline.text import visible

_ALWAYS = frozenset("\\`*_[]<>|~&!")
_LEADING = frozenset("#+-=.>")
_LIST_NUMBER = re.compile(r"(\d{1,9})([.)])")


def md_text(text: str) -> str:
    """Inline Markdown that renders as exactly ``text`` (newlines become spaces)."""
    flat = visible(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    out = ["\\" + c if c in _ALWAYS else c for c in flat]
    escaped = "".join(out).replace("://", ":\\/\\/").replace("www.", "www\\.")
    stripped = escaped.lstrip()
    if stripped[:1] in _LEADING:
        lead = len(escaped) - len(stripped)
        escaped = escaped[:lead] + "\\" + escaped[lead:]
    elif match := _LIST_NUMBER.match(stripped):
        lead = len(escaped) - len(stripped)
        cut = lead + len(match[1])
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return escaped


def md_url(url: str) -> str:
    """A link destination in angle brackets; characters that could end it are percent-encoded."""
    return "<" + url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20") + ">"


def source_links(sources: Sequence[Source]) -> str:
    links = []
    for index, source in enumerate(sources, 1):
        label = source.publisher or source.title or f"source {index}"
        links.append(f"[{md_text(label)}]({md_url(source.url)})")
    return ", ".join(links)


def _bullet(event: Event, details: bool) -> list[str]:
    parts = [f"**{md_text(event.date.long())}**", md_text(", ".join(event.companies)), md_text(event.title)]
    line = "- " + " · ".join(parts)
    if event.sources:
        line += " · " + source_links(event.sources)
    lines = [line]
    if details and event.summary:
        lines += ["", "  " + md_text(event.summary)]
    return lines


def _table(events: Sequence[Event], details: bool) -> list[str]:
    header = ["Date", "Companies", "Kind", "Title"] + (["Summary"] if details else []) + ["Sources"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for event in events:
        cells = [
            md_text(event.date.long()),
            md_text(", ".join(event.companies)),
            event.kind,
            md_text(event.title),
        ]
        if details:
            cells.append(md_text(event.summary or ""))
        cells.append(source_links(event.sources))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def export(events: Sequence[Event], options: ExportOptions) -> str:
    lines = [f"# {md_text(options.title)}", ""]
    if options.mermaid:
        from timeline.exporters.mermaid import diagram

        lines += ["```mermaid", diagram(events, options.title), "```", ""]
    if not events:
        lines += ["No events match.", ""]
    for year, group in group_by_year(events):
        lines += [f"## {year}", ""]
        if options.layout == "table":
            lines += [*_table(group, options.details), ""]
        else:
            for event in group:
                lines += _bullet(event, options.details)
            lines.append("")
    return "\n".join(lines)
