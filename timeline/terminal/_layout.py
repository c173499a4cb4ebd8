"""Fast text layout for the list views: cell widths, word wrapping and a table, in plain Python.

The list views can show thousands of rows, and rich's Table measures every cell through its
whole render pipeline (~0.25 ms a row). Laying the views out here keeps them linear and cheap;
``views.StyledView`` turns the same styled lines into rich Segments for a colour terminal, and
the CLI writes them as plain text when there is no colour (no rich import at all).

A line is a list of runs ``(text, style)``; ``style`` is a rich style string or "".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

Run = tuple[str, str]
Line = list[Run]


def cell_width(text: str) -> int:
    """Terminal cells taken by ``text`` (East Asian wide characters take two, combining none)."""
    if text.isascii():
        return len(text)
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def _split_cells(text: str, width: int) -> list[str]:
    """Cut a word that is wider than ``width`` into pieces that fit (nothing is ever dropped)."""
    pieces, current, used = [], "", 0
    for char in text:
        w = cell_width(char)
        if used + w > width and current:
            pieces.append(current)
            current, used = "", 0
        current += char
        used += w
    if current:
        pieces.append(current)
    return pieces


def wrap(runs: Sequence[Run], width: int) -> list[Line]:
    """Greedy word wrap of styled runs to ``width`` cells; over-long words are folded."""
    width = max(1, width)
    lines: list[Line] = [[]]
    used = 0
    for text, style in runs:
        for index, word in enumerate(text.split(" ")):
            space = index > 0
            if space:
                if used and used + 1 <= width:
                    lines[-1].append((" ", ""))
                    used += 1
                elif used:
                    lines.append([])
                    used = 0
            if not word:
                continue
            w = cell_width(word)
            if used + w > width and used:
                if lines[-1] and lines[-1][-1] == (" ", ""):
                    lines[-1].pop()
                lines.append([])
                used = 0
            last = word
            if w > width:
                pieces = _split_cells(word, width)
                for piece in pieces[:-1]:
                    lines[-1].append((piece, style))
                    lines.append([])
                last, w = pieces[-1], cell_width(pieces[-1])
            lines[-1].append((last, style))
            used += w
    return [_strip(line) for line in lines]


def _strip(line: Line) -> Line:
    while line and not line[-1][0].strip():
        line.pop()
    return line


def line_width(line: Line) -> int:
    return sum(cell_width(text) for text, _ in line)


def pad(line: Line, width: int) -> Line:
    gap = width - line_width(line)
    return [*line, (" " * gap, "")] if gap > 0 else line


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Sequence[Run]]], width: int, flexible: Sequence[int]
) -> list[Line]:
    """A table in the style of rich's default box, with columns ``flexible`` shrunk to fit.

    Other columns keep their natural width. Flexible columns share what is left in proportion
    to their natural widths, never below 8 cells; cells wrap, so no text is ever cut off.
    """
    count = len(headers)
    natural = [cell_width(h) for h in headers]
    for row in rows:
        for column, cell in enumerate(row):
            natural[column] = max(natural[column], sum(cell_width(t) for t, _ in cell))
    widths = list(natural)
    available = width - 3 * (count - 1)
    if sum(widths) > available and flexible:
        fixed = sum(w for i, w in enumerate(widths) if i not in flexible)
        room = max(8 * len(flexible), available - fixed)
        total = sum(natural[i] for i in flexible) or 1
        for i in flexible:
            widths[i] = max(min(8, natural[i]), natural[i] * room // total)
        spare = room - sum(widths[i] for i in flexible)
        widths[flexible[-1]] += max(0, spare)
    out: list[Line] = []
    header_line: Line = []
    for column, title in enumerate(headers):
        if column:
            header_line.append((" ┃ ", ""))
        header_line += pad([(title, "bold")], widths[column]) if column < count - 1 else [(title, "bold")]
    out.append(header_line)
    out.append([("╇".join("━" * (w + (1 if i == 0 else 2 if i < count - 1 else 1)) for i, w in enumerate(widths)), "")])
    for row in rows:
        wrapped = [wrap(cell, widths[column]) for column, cell in enumerate(row)]
        height = max(len(c) for c in wrapped)
        for index in range(height):
            line: Line = []
            for column, cell_lines in enumerate(wrapped):
                if column:
                    line.append((" │ ", ""))
                part = cell_lines[index] if index < len(cell_lines) else []
                line += pad(part, widths[column]) if column < count - 1 else part
            out.append(_strip(line))
    return out


def plain(lines: Sequence[Line]) -> str:
    """The lines as plain text, one per line."""
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)
