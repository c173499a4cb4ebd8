"""A Mermaid ``timeline`` diagram: one section per year, one line per event.

Text is escaped with Mermaid entity codes (``#58;`` for ``:``, ``#35;`` for ``#``, ``#59;`` for
``;``, and likewise ``%``, ``<``, ``>``, ``&`` and backticks) so no event can add a period, an
event, a section, a title, a comment or HTML, or close a Markdown fence around the diagram.
"""

from __future__ import annotations

from collections.abc import Sequence

from timeline.exporters.base import ExportOptions, group_by_year
from timeline.model import Event
from timeline.text import visible

_ENTITIES = {c: f"#{ord(c)};" for c in ":#;%<>&`"}
_KEYWORDS = ("timeline", "title", "section", "acctitle", "accdescr")


def mm_text(text: str) -> str:
    flat = " ".join(visible(text.replace("\r", " ").replace("\n", " ")).split())
    escaped = "".join(_ENTITIES.get(c, c) for c in flat)
    if escaped.lower().startswith(_KEYWORDS):
        escaped = f"#{ord(escaped[0])};{escaped[1:]}"
    return escaped or "#32;"


def diagram(events: Sequence[Event], title: str) -> str:
    lines = ["timeline", f"    title {mm_text(title)}"]
    for year, group in group_by_year(events):
        if year is not None:
            lines.append(f"    section {year}")
        lines += [f"        {mm_text(e.date.short())} : {mm_text(e.title)}" for e in group]
    return "\n".join(lines)


def export(events: Sequence[Event], options: ExportOptions) -> str:
    return diagram(events, options.title) + "\n"
