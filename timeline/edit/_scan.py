"""Finding a store's list items by their lines, without composing the whole YAML document.

An import into a large store needs only where each event starts and ends, and its id and date
(for the chronological place of new ones). Composing 10,000 events for that costs as much as
parsing the store; reading the lines costs a few milliseconds. The scan is conservative: it
accepts only the plain block style the writer itself produces (a top-level ``events:`` line,
items starting with ``-`` at one column, ``id:`` and ``date:`` keys at the item's key column)
and must find exactly the ids the store loaded from this text; anything else returns None and
the caller composes the document instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from timeline.dates import DateSyntaxError, parse_event_date
from timeline.edit._blocktext import ListStyle, detect_style
from timeline.model import sort_key

SortKey = tuple[int, int, int, int, int, int, str]


@dataclass(frozen=True)
class Layout:
    """Where the items of one top-level list are, line by line (0-based)."""

    dash: list[int]  # the line of each item's "-"
    heads: list[int]  # where an item goes to stand before item i (above its heading comments)
    ends: list[int]  # the line after each item's last line of content
    keys: list[SortKey | None]
    ids: dict[str, int]
    style: ListStyle


def _scalar(text: str) -> str | None:
    """A one-line plain or quoted scalar's text, or None when it is anything more."""
    value = text.strip()
    if value.startswith('"'):
        import json

        end = value.rfind('"')
        try:
            loaded = json.loads(value[: end + 1]) if end > 0 else None
        except ValueError:
            return None
        return loaded if isinstance(loaded, str) and not value[end + 1 :].strip().lstrip("#") else None
    if value.startswith("'"):
        end = value.rfind("'")
        return value[1:end].replace("''", "'") if end > 0 and not value[end + 1 :].strip().lstrip("#") else None
    value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
    return value or None


def scan_list(lines: list[str], name: str, key_field: str, expected: set[str]) -> Layout | None:
    """The layout of top-level list ``name`` whose items are told apart by ``key_field``."""
    import yaml

    from timeline.store import yaml_loader

    starts = [i for i, line in enumerate(lines) if re.fullmatch(rf"{name}:\s*(#.*)?", line)]
    if len(starts) != 1:
        return None
    top = starts[0]
    first = next(
        (i for i in range(top + 1, len(lines)) if lines[i].strip() and not lines[i].lstrip().startswith("#")), None
    )
    if first is None:
        return None
    match = re.match(r"( *)-(?: |$)", lines[first])
    if match is None:
        return None
    dash_col = len(match[1])
    block_end = len(lines)
    for i in range(first, len(lines)):
        line = lines[i]
        if line and not line[0].isspace() and not line.startswith("#") and not (dash_col == 0 and line.startswith("-")):
            block_end = i
            break
    item_re = re.compile(rf" {{{dash_col}}}-(?: |$)")
    dash = [i for i in range(first, block_end) if item_re.match(lines[i])]
    bounds = [*dash, block_end]
    keys: list[SortKey | None] = []
    ids: dict[str, int] = {}
    for index, start in enumerate(dash):
        rest = lines[start][dash_col + 1 :]
        key_col = dash_col + 1 + len(rest) - len(rest.lstrip(" "))
        field_re = re.compile(rf"(?: {{{dash_col}}}- +| {{{key_col}}})(?P<k>{key_field}|date):(?P<v>.*)")
        found: dict[str, str] = {}
        for line in lines[start : bounds[index + 1]]:
            hit = field_re.fullmatch(line)
            if hit is not None and hit["k"] not in found:
                value = _scalar(hit["v"])
                if value is None:
                    return None
                found[hit["k"]] = value
        if key_field not in found or found[key_field] in ids:
            return None
        ids[found[key_field]] = index
        try:
            keys.append(sort_key(parse_event_date(found["date"]), found[key_field]) if "date" in found else None)
        except DateSyntaxError:
            keys.append(None)
    if set(ids) != expected:
        return None
    heads: list[int] = []
    for start in dash:
        head = start
        while head > 0 and lines[head - 1].lstrip().startswith("#"):
            head -= 1
        heads.append(head)
    ends: list[int] = []
    for index in range(len(dash)):
        end = heads[index + 1] if index + 1 < len(dash) else block_end
        while end > dash[index] + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        ends.append(end)
    sample_end = ends[1] if len(ends) > 1 else ends[0]
    # the style, from the first two items alone; line numbers relative to the list's own line
    shifted = lines[top:sample_end]
    root = yaml.compose("\n".join(shifted) + "\n", Loader=yaml_loader())
    if root is None or not isinstance(root.value, list) or not root.value:
        return None
    items = root.value[0][1].value
    if not isinstance(items, list):
        return None
    style = detect_style(items, shifted)
    return Layout(dash, heads, ends, keys, ids, style)
