"""Fast text layout for every terminal view: cell widths, word wrapping, tables, in plain Python.

The list views can show thousands of rows, and rich's Table measures every cell through its
whole render pipeline (~0.25 ms a row). Laying the views out here keeps them linear and cheap,
and gives every view the same promises, proved by the width-sweep tests:

- no line is wider than the width (a URL, which is never broken, is the one exception);
- the header's ``┃`` and the rule's ``╇`` stand exactly above the rows' ``│``;
- a word is never split while it fits its column; the column named first in ``shrink``
  gives up space first; when even whole words cannot fit, the table becomes stacked records;
- no line ends in spaces.

``views.StyledView`` turns the same styled lines into rich Segments for a colour terminal, and
the CLI writes them as plain text when there is no colour (no rich import at all).

A line is a list of runs ``(text, style)``; ``style`` is a rich style string or "". A run whose
style contains ``link URL`` is a hyperlink, and one whose style starts with ``keep`` is a phrase
such as a date: neither is ever broken inside, whatever the width.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

Run = tuple[str, str]
Line = list[Run]

# The drawing characters of every view, and their ASCII twins for a stdout that cannot encode
# them (Windows Python writing to a file uses cp1252). Each twin takes the same cells, except
# the arrows, which stand at the start of a line where the extra cell cannot misalign anything.
UNICODE_GLYPHS: dict[str, str] = {
    "head": "┃",
    "col": "│",
    "head_rule": "━",
    "head_cross": "╇",
    "rule": "─",
    "cross": "┼",
    "bar": "█",
    "exact": "●",
    "inexact": "○",
    "rail": "│",
    "to": "→",
    "from": "←",
    "dot": "·",
    "dash": "—",
}
ASCII_GLYPHS: dict[str, str] = {
    "head": "|",
    "col": "|",
    "head_rule": "=",
    "head_cross": "+",
    "rule": "-",
    "cross": "+",
    "bar": "#",
    "exact": "*",
    "inexact": "o",
    "rail": "|",
    "to": "->",
    "from": "<-",
    "dot": ".",
    "dash": "-",
}
_glyphs: list[dict[str, str]] = [UNICODE_GLYPHS]  # the set in use; the CLI picks it per run


def use_ascii(ascii_only: bool) -> None:
    """Draw with ASCII (for an output that cannot encode box drawing) or with Unicode."""
    _glyphs[0] = ASCII_GLYPHS if ascii_only else UNICODE_GLYPHS


def glyph(name: str) -> str:
    """The drawing character ``name`` in the current set (see ``use_ascii``)."""
    return _glyphs[0][name]


def cell_width(text: str) -> int:
    """Terminal cells taken by ``text``, as rich counts them: East Asian wide characters and
    emoji take two, combining marks and skin-tone modifiers none, VS16 widens a narrow emoji."""
    if text.isascii():
        return len(text)
    width = 0
    last = 0
    for char in text:
        code = ord(char)
        if code == 0xFE0F:  # emoji presentation: a narrow symbol becomes a two-cell emoji
            if last == 1:
                width += 1
                last = 2
            continue
        if 0x1F3FB <= code <= 0x1F3FF or 0x1160 <= code <= 0x11FF:
            continue
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        last = 2 if unicodedata.east_asian_width(char) in "WF" else 1
        width += last
    return width


def _split_cells(text: str, width: int) -> list[str]:
    """Cut a word that is wider than ``width`` into pieces that fit (nothing is ever dropped).
    A zero-width character (a combining mark, VS16, a skin-tone modifier) stays with the
    character before it, and widths are measured on whole pieces."""
    clusters: list[str] = []
    for char in text:
        if clusters and cell_width(char) == 0:
            clusters[-1] += char
        else:
            clusters.append(char)
    pieces, current = [], ""
    for cluster in clusters:
        if current and cell_width(current + cluster) > width:
            pieces.append(current)
            current = ""
        current += cluster
    if current:
        pieces.append(current)
    return pieces


KEEP = "keep"  # a style word of our own: a run that is never broken (a date); not shown


def is_link(style: str) -> bool:
    """Whether a run is unbreakable: a hyperlink, or marked ``keep``."""
    return "link " in style or style.startswith(KEEP)


_Word = tuple[int, list[Run], int, bool]  # spaces before it, its styled pieces, its width, a link
_BREAK: _Word = (-1, [], 0, False)


def _words(runs: Sequence[Run]) -> list[_Word]:
    """The runs cut into words: text between spaces, even when a word spans runs (``4`` then
    ``,`` is one word ``4,``); ``_BREAK`` for a newline."""
    words: list[_Word] = []
    spaces = 0
    current: list[Run] = []
    width = 0
    keep = False

    def finish() -> None:
        nonlocal current, width, keep, spaces
        if current:
            words.append((spaces, current, width, keep))
            spaces = 0
        current, width, keep = [], 0, False

    for text, style in runs:
        link = is_link(style)
        for index, paragraph in enumerate(text.split("\n")):
            if index:
                finish()
                words.append(_BREAK)
                spaces = 0
            for position, word in enumerate([paragraph] if link else paragraph.split(" ")):
                if position:
                    finish()
                    spaces += 1
                if word:
                    current.append((word, style))
                    width += cell_width(word)
                    keep = keep or link
    finish()
    return words


def wrap(runs: Sequence[Run], width: int) -> list[Line]:
    """Greedy word wrap of styled runs to ``width`` cells.

    Spaces between words are kept (two stay two) except at a line break; ``\\n`` in a run
    breaks the line. A word wider than ``width`` is folded, unless it is a link (never broken).
    """
    width = max(1, width)
    if len(runs) == 1:  # the common case, a one-run cell that fits: nothing to do
        text, style = runs[0]
        if "\n" not in text and "  " not in text and cell_width(text) <= width:
            return [strip([(text.lstrip(" "), style)])]
    lines: list[Line] = [[]]
    used = 0
    for spaces, pieces, w, _ in _words(runs):
        if spaces < 0:
            lines.append([])
            used = 0
            continue
        if used and used + spaces + w > width:
            lines.append([])
            used = 0
        elif used and spaces:
            lines[-1].append((" " * spaces, ""))
            used += spaces
        if w > width and not any("link " in style for _, style in pieces):
            if any(" " in text for text, _ in pieces):  # a kept phrase that cannot fit: wrap it
                sub = wrap([(text, style.removeprefix(KEEP).strip()) for text, style in pieces], width)
                if used:
                    lines.append([])
                lines[-1].extend(sub[0])
                lines += sub[1:]
                used = line_width(lines[-1])
                continue
            for text, style in pieces:
                for piece in _split_cells(text, width):
                    pw = cell_width(piece)
                    if used + pw > width:
                        lines.append([])
                        used = 0
                    lines[-1].append((piece, style))
                    used += pw
            continue
        lines[-1].extend(pieces)
        used += w
    return [strip(line) for line in lines]


def merge(line: Line) -> Line:
    """Neighbouring runs of one style as one run (a space between two such runs joins them):
    fewer colour codes on a terminal, the same text."""
    out: Line = []
    for index, (text, style) in enumerate(line):
        joins = out and not text.strip() and not style and index + 1 < len(line) and line[index + 1][1] == out[-1][1]
        if joins and not is_link(out[-1][1]):
            out[-1] = (out[-1][0] + text, out[-1][1])
            continue
        if out and style == out[-1][1] and not is_link(style):
            out[-1] = (out[-1][0] + text, style)
        else:
            out.append((text, style))
    return out


def strip(line: Line) -> Line:
    """The line without trailing blanks (no plain output line ends in spaces)."""
    while line and not line[-1][0].strip():
        line.pop()
    if line and line[-1][0] != line[-1][0].rstrip():
        line[-1] = (line[-1][0].rstrip(), line[-1][1])
    return line


def line_width(line: Line) -> int:
    return sum(cell_width(text) for text, _ in line)


def pad(line: Line, width: int, right: bool = False) -> Line:
    gap = width - line_width(line)
    if gap <= 0:
        return line
    return [(" " * gap, ""), *line] if right else [*line, (" " * gap, "")]


def longest_word(runs: Sequence[Run]) -> int:
    """The widest unbreakable piece of a cell (links and kept phrases count as one piece)."""
    if len(runs) == 1 and not is_link(runs[0][1]):  # the common case, without building words
        return max(cell_width(word) for word in runs[0][0].replace("\n", " ").split(" "))
    return max((w for _, _, w, _ in _words(runs)), default=0)


def natural_width(runs: Sequence[Run]) -> int:
    """The width of a cell laid out on one line per paragraph."""
    text = "".join(t for t, _ in runs)
    if "\n" not in text:
        return cell_width(text)
    return max(cell_width(part) for part in text.split("\n"))


class Column(NamedTuple):
    """How one table column behaves: its header, whether it may wrap, its alignment."""

    header: str
    wrap: bool = True
    right: bool = False


SEPARATOR = 3  # " │ " between two columns


def soft_floor(width: int) -> int:
    """How far a column gives up space before the next one starts to: 24 cells up to 88
    columns, then more (half of what 40 fixed cells leave), so a wide terminal keeps titles wide."""
    return max(24, (width - 40) // 2)


def column_widths(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Sequence[Run]]],
    width: int,
    shrink: Sequence[int],
    hard: Sequence[int] | None = None,
) -> list[int] | None:
    """Each column's width, or None when the table cannot fit ``width`` without splitting words.

    Columns take their natural width when that fits. Otherwise the columns in ``shrink`` give
    up space: each in that order down to ``soft_floor(width)`` cells (or its longest word), then each in ``hard``
    order (default: the same) down to its longest word. Columns that do not wrap never shrink.
    """
    count = len(columns)
    natural = [natural_width([(c.header, "")]) for c in columns]
    for row in rows:
        for index, cell in enumerate(row):
            natural[index] = max(natural[index], natural_width(cell))
    widths = list(natural)
    excess = sum(widths) + SEPARATOR * (count - 1) - width
    if excess <= 0:
        return widths
    floor = [longest_word([(c.header, "")]) for c in columns]
    for index, column in enumerate(columns):
        if not column.wrap or index not in shrink:
            floor[index] = natural[index]
        else:
            floor[index] = max(floor[index], *(longest_word(row[index]) for row in rows))
    for soft, order in ((True, shrink), (False, shrink if hard is None else hard)):
        for index in order:
            if excess <= 0:
                return widths
            target = max(floor[index], min(soft_floor(width), natural[index])) if soft else floor[index]
            give = min(excess, widths[index] - target)
            if give > 0:
                widths[index] -= give
                excess -= give
    return widths if excess <= 0 else None


def _separator(name: str) -> Run:
    return (f" {glyph(name)} ", "")


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Sequence[Run]]],
    width: int,
    shrink: Sequence[int],
    footer: Sequence[Sequence[Run]] | None = None,
    hard: Sequence[int] | None = None,
) -> list[Line]:
    """A table in the style of rich's default box (header, heavy rule, rows, optional footer),
    or stacked records when it cannot fit ``width``; see ``column_widths``."""
    widths = column_widths(columns, [*rows, *([footer] if footer else [])], width, shrink, hard)
    if widths is None:
        return stacked(columns, rows, width, footer)
    count = len(columns)
    out: list[Line] = []
    header = [wrap([(c.header, "bold")], widths[i]) for i, c in enumerate(columns)]
    out += _row_lines(columns, header, widths, separator="head")
    rule = glyph("head_cross").join(
        glyph("head_rule") * (w + (0 if count == 1 else 1 if i in (0, count - 1) else 2)) for i, w in enumerate(widths)
    )
    out.append([(rule, "")])
    for row in rows:
        out += _row_lines(columns, [wrap(cell, widths[i]) for i, cell in enumerate(row)], widths, separator="col")
    if footer is not None:
        rule = glyph("cross").join(
            glyph("rule") * (w + (0 if count == 1 else 1 if i in (0, count - 1) else 2)) for i, w in enumerate(widths)
        )
        out.append([(rule, "")])
        out += _row_lines(columns, [wrap(cell, widths[i]) for i, cell in enumerate(footer)], widths, separator="col")
    return out


def _row_lines(
    columns: Sequence[Column], cells: Sequence[list[Line]], widths: Sequence[int], separator: str
) -> list[Line]:
    height = max(len(c) for c in cells)
    last = len(cells) - 1
    out: list[Line] = []
    for index in range(height):
        line: Line = []
        for column, cell_lines in enumerate(cells):
            if column:
                line.append(_separator(separator))
            part = list(cell_lines[index]) if index < len(cell_lines) else []
            if column < last or columns[column].right:
                part = pad(part, widths[column], right=columns[column].right)
            line += part
        out.append(strip(line))
    return out


def stacked(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Sequence[Run]]],
    width: int,
    footer: Sequence[Sequence[Run]] | None = None,
) -> list[Line]:
    """Each row as a record of ``Header  value`` lines, a blank line between records: the
    fallback for a width too narrow for a table. Labels go on a line of their own when even
    that is too narrow."""
    label_width = max(cell_width(c.header) for c in columns)
    inline = width - label_width - 2 >= 12
    out: list[Line] = []
    for number, row in enumerate([*rows, *([footer] if footer else [])]):
        if number:
            out.append([])
        for column, cell in zip(columns, row, strict=True):
            if not "".join(t for t, _ in cell).strip():
                continue
            if inline:
                body = wrap(cell, width - label_width - 2)
                for index, part in enumerate(body):
                    label = column.header if index == 0 else ""
                    out.append(strip([(label.ljust(label_width), "bold" if label else ""), ("  ", ""), *part]))
            else:
                if column.header:
                    out.append([(column.header, "bold")])
                out += [strip([("  ", ""), *part]) for part in wrap(cell, width - 2)]
    return out


def plain(lines: Sequence[Line]) -> str:
    """The lines as plain text, one per line."""
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)
