"""Markdown (GFM): a title, one section per year, a bullet (or table row) per event.

All data is escaped (``md_text`` for text, ``md_url`` for link targets: the one place each), so
no title or summary can add headings, list items, table cells, links, emphasis, math (``$``) or
raw HTML, and bare URLs and e-mail addresses in text are not auto-linked by GitHub.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from timeline.dates import EventDate
from timeline.exporters.base import ExportOptions, group_by_year
from timeline.model import Event, Source
from timeline.text import visible

_ALWAYS = "\\`*_[]<>|~&!$@"
_SPECIAL = re.compile(f"[{re.escape(_ALWAYS)}]")  # one character class: a fast C scan
_LEADING = frozenset("#+-=.>")
_LIST_NUMBER = re.compile(r"(\d{1,9})([.)])")


def md_text(text: str) -> str:
    """Inline Markdown that renders as exactly ``text`` (newlines become spaces)."""
    if "\n" in text or "\r" in text:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    escaped = visible(text)
    # Most text needs no escaping at all, and one regex search says so. Otherwise one
    # str.replace per special character present (the backslash first): measured 4-10x faster
    # than str.translate or a per-character loop, and an export escapes every field.
    if _SPECIAL.search(escaped) or "://" in escaped or "www." in escaped:
        for char in _ALWAYS:
            if char in escaped:
                escaped = escaped.replace(char, "\\" + char)
        escaped = escaped.replace("://", ":\\/\\/").replace("www.", "www\\.")
    stripped = escaped.lstrip()
    if stripped[:1] in _LEADING:
        lead = len(escaped) - len(stripped)
        escaped = escaped[:lead] + "\\" + escaped[lead:]
    elif stripped[:1].isdigit() and (match := _LIST_NUMBER.match(stripped)):
        lead = len(escaped) - len(stripped)
        cut = lead + len(match[1])
        escaped = escaped[:cut] + "\\" + escaped[cut:]
    return escaped


# Characters a link destination keeps as they are (RFC 3986's unreserved and reserved ones, and
# "%" before two hex digits); everything else is percent-encoded as UTF-8, and "&" is escaped so
# that "&amp;" in a URL is not read as an entity.
_URL_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$'()*+,;=")
_HEX = frozenset("0123456789abcdefABCDEF")


def md_url(url: str) -> str:
    """A link destination in angle brackets that a Markdown reader turns back into ``url``
    exactly: ``\\``, ``<``, ``>``, spaces, quotes and non-ASCII are percent-encoded, a lone
    ``%`` becomes ``%25``, ``&`` is backslash-escaped."""
    if _URL_KEEP.issuperset(url):  # most URLs: nothing to encode, and one C-level check says so
        return f"<{url}>"
    out: list[str] = []
    for index, char in enumerate(url):
        if char in _URL_KEEP:
            out.append(char)
        elif char == "&":
            out.append("\\&")
        elif char == "%" and url[index + 1 : index + 2] in _HEX and url[index + 2 : index + 3] in _HEX:
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass")))
    return f"<{''.join(out)}>"


def source_links(sources: Sequence[Source], labels: dict[str, str]) -> str:
    """``[Publisher](<url>), ...``; ``labels`` memoises escaped labels, which repeat a lot."""
    links = []
    for index, (url, title, publisher, _note) in enumerate(sources, 1):
        label = publisher or title or f"source {index}"
        text = labels.get(label)
        if text is None:
            text = labels[label] = md_text(label)
        links.append(f"[{text}]({md_url(url)})")
    return ", ".join(links)


class _Cells:
    """Escaped dates, company lists and source labels, each computed once per export.

    They repeat across events, and escaping is most of an export's cost at 100,000 events.
    """

    __slots__ = ("companies", "dates", "labels")

    def __init__(self) -> None:
        self.dates: dict[EventDate, str] = {}
        self.companies: dict[tuple[str, ...], str] = {}
        self.labels: dict[str, str] = {}

    def rows(self, events: Sequence[Event]) -> Iterator[tuple[Event, str, str]]:
        """Each event with its escaped date and companies (one loop: this is the hot path)."""
        dates, companies = self.dates, self.companies
        for event in events:
            when = dates.get(event.date)
            if when is None:  # our own words and digits: only the approximate mark needs escaping
                when = dates[event.date] = event.date.long().replace("~", "\\~")
            who = companies.get(event.companies)
            if who is None:
                who = companies[event.companies] = md_text(", ".join(event.companies))
            yield event, when, who


def _bullets(events: Sequence[Event], details: bool, cells: _Cells) -> list[str]:
    lines = []
    for event, when, who in cells.rows(events):
        line = f"- **{when}** · {who} · {md_text(event.title)}"
        if event.sources:
            line += " · " + source_links(event.sources, cells.labels)
        lines.append(line)
        if details and event.summary:
            lines += ["", "  " + md_text(event.summary)]
    return lines


def bullets(events: Sequence[Event], *, details: bool = False) -> list[str]:
    """The export's bullet lines for ``events`` (one per event), for other Markdown documents."""
    return _bullets(events, details, _Cells())


def _table(events: Sequence[Event], details: bool, cells: _Cells) -> list[str]:
    header = ["Date", "Companies", "Kind", "Title"] + (["Summary"] if details else []) + ["Sources"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for event, when, who in cells.rows(events):
        row = [when, who, event.kind, md_text(event.title)]
        if details:
            row.append(md_text(event.summary or ""))
        row.append(source_links(event.sources, cells.labels))
        lines.append("| " + " | ".join(row) + " |")
    return lines


def export(events: Sequence[Event], options: ExportOptions) -> str:
    heading = md_text(options.title)
    if heading.endswith("#") and not heading.endswith("\\#"):  # "# A #" would render as "A"
        heading = heading[:-1] + "\\#"
    lines = [f"# {heading}", ""]
    if options.mermaid:
        from timeline.exporters.mermaid import diagram

        lines += ["```mermaid", diagram(events, options.title), "```", ""]
    if not events:
        lines += ["No events match.", ""]
    cells = _Cells()
    for year, group in group_by_year(events):
        lines += [f"## {year}", ""] if year is not None else []
        layout = _table if options.layout == "table" else _bullets
        lines += layout(group, options.details, cells)
        lines.append("")
    return "\n".join(lines)
