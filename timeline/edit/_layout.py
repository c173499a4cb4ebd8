"""Where things are in a store file, found by scanning lines, and the style of its events.

A validated store's lists are plain YAML block sequences (or ``[]``), so the items of
``companies:`` and ``events:`` start at the lines whose first non-space character is the ``-``
at the list's dash column. Scanning lines finds them without composing the whole document,
which is what lets an edit of a 100,000-event store touch only the block it changes. The style
of new blocks is read by composing a few existing items, not the whole file.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from timeline.errors import WriteError
from timeline.store._yaml import prepare_yaml

if TYPE_CHECKING:
    from yaml.nodes import Node


class Lines:
    """A text's lines by number, found from known line starts instead of splitting all of it:
    an edit reads a few lines of a file that may have a million."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.known: dict[int, int] = {0: 0}  # line number -> offset of its first character
        self._starts = [0]
        self.newlines = text.count("\n")
        self._count = self.newlines + (1 if text and not text.endswith("\n") else 0)

    def __len__(self) -> int:
        return self._count

    def learn(self, line: int, offset: int) -> None:
        if line not in self.known:
            self.known[line] = offset
            bisect.insort(self._starts, line)

    def offset(self, line: int) -> int:
        """Where line ``line`` starts (``len(self)``: the end of the text)."""
        if line >= self._count:
            return len(self.text)
        if line in self.known:
            return self.known[line]
        place = bisect.bisect_right(self._starts, line)
        base = self._starts[place - 1]
        after = self._starts[place] if place < len(self._starts) else None
        if after is not None and after - line < line - base:
            # nearer a known line after it (the line before an item, say): walk back, not
            # forward from the last line known before it, which may be the file's first
            at = self.known[after]
            for _ in range(after - line):
                at = self.text.rfind("\n", 0, at - 1) + 1
        else:
            at = self.known[base]
            for _ in range(line - base):
                found = self.text.find("\n", at)
                if found < 0:
                    return len(self.text)
                at = found + 1
        self.learn(line, at)
        return at

    def __getitem__(self, line: int) -> str:
        if line < 0:
            line += self._count
        if not 0 <= line < self._count:
            raise IndexError(line)
        start = self.offset(line)
        end = self.text.find("\n", start)
        text = self.text[start : end if end >= 0 else len(self.text)]
        return text[:-1] if text.endswith("\r") else text

    def span(self, first: int, end: int) -> list[str]:
        return [self[number] for number in range(first, end)]


class ItemLines:
    """The line of each item's dash, computed on demand from the items' character offsets:
    an edit looks at a few items, and counting lines for all of them costs more than the rest."""

    def __init__(self, lines: Lines, offsets: list[int], base: tuple[int, int]) -> None:
        self._lines = lines
        self._text = lines.text
        self._offsets = offsets
        self._known: dict[int, int] = {}
        self._base = base  # (offset, line) of a known line start before the first item

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, index: int) -> int:
        if index < 0:
            index += len(self._offsets)
        if not 0 <= index < len(self._offsets):
            raise IndexError(index)
        line = self._known.get(index)
        if line is None:
            at = self._offsets[index]
            before = [i for i in (index - 1, index - 2) if i in self._known]
            offset, line = (self._offsets[before[0]], self._known[before[0]]) if before else self._base
            if not before and at - offset > len(self._text) - at:
                # nearer the end (an item late in a long file): count the lines after it instead
                line = self._lines.newlines - self._text.count("\n", at)
            else:
                line += self._text.count("\n", offset, at)
            self._known[index] = line
            self._lines.learn(line, self._offsets[index])
        return line


@dataclass(repr=False, eq=False)  # internal: no generated __repr__/__eq__, whose making costs every edit's import time
class Section:
    """A top-level list (``companies`` or ``events``): its key line, items and end."""

    key_line: int
    end: int  # the line after the section's last line with content
    items: ItemLines | list[int] = field(default_factory=list)  # the line of each item's dash
    flow: bool = False  # written ``key: []``
    dash_column: int = 2

    def item_span(self, index: int, lines: Lines) -> tuple[int, int]:
        """The lines [first, last) of item ``index``, without trailing blank or comment lines."""
        first = self.items[index]
        end = self.items[index + 1] if index + 1 < len(self.items) else self.end
        while end > first + 1 and _is_filler(lines[end - 1]):
            end -= 1
        return first, end


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


@dataclass(repr=False, eq=False)
class Layout:
    """The sections of one store file's text."""

    lines: Lines  # without line endings
    sections: dict[str, Section]

    def section(self, name: str) -> Section:
        section = self.sections.get(name)
        if section is None:
            raise WriteError(f"the store has no top-level {name!r} list")
        return section


_TOP_KEY = re.compile(r"(version|companies|events)[ \t]*:([^\r\n]*)")
_FIRST_DASH = re.compile(r"^( *)-(?=[ \r\n]|$)", re.M)
_CONTENT = re.compile(r"^[ \t]*[^ \t\r\n#]", re.M)
# What ends a top-level list: the next top-level key, or a document marker. Any other line at
# column 0 in a valid store continues a multi-line scalar (a quoted title wrapped at column 0).
_TOP_LINE = re.compile(r"\n(?:version|companies|events|---|\.\.\.)")  # a literal first: a fast search
_MARKER = re.compile(r"(?:---|\.\.\.)(?=[ \t\r\n]|$)")


def _top_starts(text: str) -> list[int]:
    """Where the lines that can end a top-level list start."""
    found = (m.start() + 1 for m in _TOP_LINE.finditer(text))
    return [at for at in (0, *found) if _TOP_KEY.match(text, at) or _MARKER.match(text, at)]


def scan(text: str) -> Layout:
    """Find the top-level lists of a (validated) store text by their lines.

    Regular expressions over the whole text (C speed) rather than a loop over lines: this runs
    on every edit, on stores of a million lines.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = Lines(text)
    sections: dict[str, Section] = {}
    starts = _top_starts(text)
    for number, begin in enumerate(starts):
        match = _TOP_KEY.match(text, begin)
        if match is None or match[1] == "version":
            continue
        start = match.end()
        stop = starts[number + 1] if number + 1 < len(starts) else len(text)
        key_line = text.count("\n", 0, match.start())
        lines.learn(key_line, match.start())
        section = Section(key_line, key_line + 1)
        sections[match[1]] = section
        rest = match[2].split(" #")[0].strip()
        if rest:
            if rest.replace(" ", "") != "[]":
                raise WriteError(f"cannot edit a flow-style {match[1]!r} list ([...]); write it as a block list first")
            section.flow = True
            continue
        first = _CONTENT.search(text, start, stop)
        if first is None:
            continue
        dash = _FIRST_DASH.match(text, first.start())
        if dash is None:
            raise WriteError(f"cannot find the items of {match[1]!r}: it is not a plain block list")
        section.dash_column = len(dash[1])
        item = re.compile("\n" + " " * section.dash_column + "-(?![^ \r\n])")
        offsets = [m.start() + 1 for m in item.finditer(text, dash.start() - 1, stop)]
        section.items = ItemLines(lines, offsets, (match.start(), key_line))
        end = text.count("\n", 0, stop) if stop < len(text) else len(lines)
        if stop < len(text):
            lines.learn(end, stop)
        while end > section.items[-1] + 1 and _is_filler(lines[end - 1]):
            end -= 1
        section.end = end
    return Layout(lines, sections)


@dataclass(frozen=True)
class Style:
    """How a file writes its events: indentation, lists, summaries, sources, blank lines."""

    dash_column: int = 2
    key_column: int = 4
    flow: dict[str, bool] = field(default_factory=dict)  # per list field: flow ([a, b]) or block
    summary: str = ">"  # ">", "|" or "" (a one-line scalar)
    source_mappings: bool = True  # sources written as ``- url: ...`` mappings (as the shipped store does)
    blank_between: bool = True
    key_order: tuple[str, ...] = ()

    def is_flow(self, key: str) -> bool:
        return self.flow.get(key, self.flow.get("*", True))


_SAMPLE = 40  # items read for the style: enough to see each field, cheap at any store size


def _sample_items(section: Section, lines: Lines) -> list[Node]:
    """The first items of the section as nodes: composed in one go (one call, not forty), or
    one by one when that fails, skipping any that do not compose."""
    prepare_yaml()
    import yaml

    from timeline.store import yaml_loader

    count = min(_SAMPLE, len(section.items))
    spans = [section.item_span(index, lines) for index in range(count)]
    chunks = ["\n".join(lines.span(first, end)) + "\n" for first, end in spans]
    for texts in (["".join(chunks)], chunks):
        items: list[Node] = []
        for text in texts:
            try:
                root = yaml.compose(text, Loader=yaml_loader())
            except yaml.YAMLError:
                continue
            if root is not None and isinstance(root.value, list):
                items += [
                    n for n in root.value if isinstance(n.value, list) and n.value and isinstance(n.value[0], tuple)
                ]
        if len(items) == count or texts is chunks:
            return items
    return []  # pragma: no cover - the loop returns


def detect_style(layout: Layout, name: str = "events") -> Style:
    """The style of the section's first items, for new blocks to copy."""
    section = layout.sections.get(name)
    if section is None or not section.items:
        return Style()
    lines = layout.lines
    flow: dict[str, bool] = {}
    summary: str | None = None
    source_mappings: bool | None = None
    order: list[str] = []
    key_column = None
    for item in _sample_items(section, lines):
        if key_column is None:
            key_column = item.start_mark.column
            order = [k.value for k, _ in item.value]
        for key, value in item.value:
            if value.tag.endswith(":seq") and value.value:
                flow.setdefault(key.value, bool(value.flow_style))
                flow.setdefault("*", bool(value.flow_style))
                if key.value == "sources" and source_mappings is None:
                    source_mappings = value.value[0].tag.endswith(":map")
            if key.value == "summary" and summary is None and value.tag.endswith(":str"):
                summary = value.style if value.style in (">", "|") else ""
    blank = True
    if len(section.items) > 1:
        line = section.items[1]
        while line > 0 and lines[line - 1].strip().startswith("#"):
            line -= 1
        blank = line > 0 and not lines[line - 1].strip()
    key_column = section.dash_column + 2 if key_column is None else key_column
    return Style(
        dash_column=section.dash_column,
        key_column=key_column,
        flow=flow,
        summary=">" if summary is None else summary,
        source_mappings=bool(source_mappings),
        blank_between=blank,
        key_order=tuple(order),
    )


def dedent_block(lines: list[str], style: Style) -> list[str]:
    """An item's lines as a top-level mapping (the dash and the indentation taken off)."""
    out = []
    for number, line in enumerate(lines):
        if number == 0:
            out.append(line[style.key_column :] if line[: style.key_column].strip() == "-" else line.lstrip(" -"))
            continue
        spaces = len(line) - len(line.lstrip(" "))
        out.append(line[min(spaces, style.key_column) :])
    return out


def indent_block(lines: list[str], style: Style) -> list[str]:
    """A top-level mapping's lines as an item of the events list (the inverse of dedent)."""
    dash = " " * style.dash_column + "-" + " " * (style.key_column - style.dash_column - 1)
    indent = " " * style.key_column
    out = []
    for number, line in enumerate(lines):
        if number == 0:
            out.append(dash + line)
        else:
            out.append(indent + line if line.strip() else "")
    return out
