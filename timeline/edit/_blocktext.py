"""Block-level YAML text for the bulk writer (``timeline import``): the style of a file's
event list, where an item starts and ends, where a new one goes, and how a mapping is rendered
in that style. Scalars are quoted by ``_yamltext`` (the one quoting rule of edits).

Nothing here re-serialises the document: new lines are spliced into the original text.
(``add``, ``edit`` and ``rm`` use ``_layout``, which scans lines instead of composing; unifying
the two is left for later.)
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from timeline.dates import DateSyntaxError, parse_event_date
from timeline.edit._yamltext import date_scalar, quote
from timeline.errors import WriteError
from timeline.model import sort_key

if TYPE_CHECKING:
    from yaml.nodes import Node

__all__ = ["date_scalar", "quote"]


@dataclass(frozen=True)
class ListStyle:
    """How a file writes its lists of mappings: where the dash and the keys sit."""

    dash_column: int = 2
    key_column: int = 4
    flow_lists: bool = True
    blank_between: bool = True
    key_order: tuple[str, ...] = ()


def detect_style(items: list[Node], lines: list[str]) -> ListStyle:
    """Read the style of the existing events (or companies), so new ones look the same."""
    if not items or items[0].tag != "tag:yaml.org,2002:map":
        return ListStyle()
    first = items[0]
    key_column = first.start_mark.column
    dash_line = _dash_line(first, lines)
    dash_column = lines[dash_line].index("-") if dash_line is not None else max(0, key_column - 2)
    flow = True
    order = []
    for key, value in first.value:
        order.append(key.value)
        if value.tag == "tag:yaml.org,2002:seq" and value.value:
            flow = bool(value.flow_style)
    blank = True
    if len(items) > 1:
        with contextlib.suppress(WriteError):
            second = insertion_line(items, 1, lines)  # above any comment heading the item
            blank = second > 0 and not lines[second - 1].strip()
    return ListStyle(dash_column, key_column, flow, blank, tuple(order))


def _dash_line(item: Node, lines: list[str]) -> int | None:
    """The line of the ``-`` that starts a block sequence item (the item may start below it)."""
    line = item.start_mark.line
    column = item.start_mark.column
    text = lines[line] if line < len(lines) else ""
    before = text[:column].rstrip()
    if before.endswith("-"):
        return line
    for index in range(line - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped == "-":
            return index
        if stripped and not stripped.startswith("#"):
            return None
    return None


def render_mapping(fields: list[tuple[str, str | list[str]]], style: ListStyle) -> list[str]:
    """A block-sequence item (``- key: value`` lines) in the given style; values already quoted."""
    indent = " " * style.key_column
    dash = " " * style.dash_column + "-" + " " * (style.key_column - style.dash_column - 1)
    out: list[str] = []
    for key, value in fields:
        prefix = dash if not out else indent
        if isinstance(value, list):
            if style.flow_lists:
                out.append(f"{prefix}{key}: [{', '.join(value)}]")
            else:
                out.append(f"{prefix}{key}:")
                out += [f"{indent}  - {item}" for item in value]
        else:
            out.append(f"{prefix}{key}: {value}")
    return out


def insertion_line(items: list[Node], index: int, lines: list[str]) -> int:
    """The line before which a new item goes so that it becomes ``items[index]`` (or the last)."""
    if index < len(items):
        line = _dash_line(items[index], lines)
        if line is None:
            raise WriteError("cannot find where to insert: the events list is not a plain block list")
        while line > 0 and lines[line - 1].strip().startswith("#"):
            line -= 1
        return line
    return end_line(items[-1]) if items else 0


def end_line(node: Node) -> int:
    """The line just after the last line with content in ``node`` (trailing blanks excluded)."""
    last = node.start_mark.line
    stack = [node]
    while stack:
        current = stack.pop()
        end = current.end_mark
        last = max(last, end.line if end.column > 0 else end.line - 1)
        value = current.value
        if isinstance(value, list):
            for item in value:
                stack.extend(item if isinstance(item, tuple) else (item,))
    return last + 1


def splice(text: str, line: int, new_lines: list[str]) -> str:
    """Insert ``new_lines`` before line ``line`` (0-based) of ``text``, keeping its line endings."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    line = min(line, len(lines))
    if line == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    block = [item + newline for item in new_lines]
    return "".join(lines[:line] + block + lines[line:])


def _item_key(node: object) -> tuple[int, int, int, int, int, int, str] | None:
    """The chronological sort key of an existing event node, read from its date and id."""
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return None
    fields = {k.value: v.value for k, v in value if hasattr(v, "value") and isinstance(v.value, str)}
    try:
        date = parse_event_date(fields["date"])
    except (KeyError, DateSyntaxError):
        return None
    return sort_key(date, fields.get("id", ""))


def _item_edit(
    list_node: object, items: list[object], position: int, block: list[str], blank: bool, lines: list[str]
) -> tuple[int, list[str], tuple[int, str] | None]:
    """Where and what to insert so that ``block`` becomes item ``position`` of ``list_node``."""
    mark = list_node.start_mark  # type: ignore[attr-defined]
    if not items:
        if getattr(list_node, "flow_style", False):  # `events: []` becomes a block list
            row = mark.line
            original = lines[row]
            replacement = original[: mark.column].rstrip() + original[list_node.end_mark.column :]  # type: ignore[attr-defined]
            return row + 1, block, (row, replacement.rstrip())
        return mark.line + 1, block, None
    if getattr(list_node, "flow_style", False):
        raise WriteError("cannot add to a flow-style list ([...]); write it as a block list first")
    if position < len(items):
        line = insertion_line(items, position, lines)  # type: ignore[arg-type]
        return line, block + ([""] if blank else []), None
    line = end_line(items[-1])  # type: ignore[arg-type]
    while line > 0 and not lines[line - 1].strip():
        line -= 1
    return line, ([""] if blank else []) + block, None
