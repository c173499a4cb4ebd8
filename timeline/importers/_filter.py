"""``--filter EXPR``: keep only the rows whose own columns pass, before anything is checked.

``COLUMN OP VALUE`` with OP one of ``= != > >= < <= ~`` (``~``: contains, ignoring case);
``=`` and ``!=`` take alternatives separated by commas (``realm=virtual,space``). Numbers
compare as numbers; ``materiality`` is read on the 0-100 scale (a fraction counts as percent).
Several filters must all pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from timeline.errors import UsageError
from timeline.importers.presentofai import materiality

_EXPR = re.compile(r"\s*([^\s=!<>~]+)\s*(>=|<=|!=|=|>|<|~)\s*(.*?)\s*")


def _number(column: str, value: str) -> float | None:
    if column == "materiality":
        return materiality(value)
    try:
        return float(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class RowFilter:
    column: str
    op: str
    value: str

    def __str__(self) -> str:
        return f"{self.column}{self.op}{self.value}"

    def passes(self, raw: dict[str, str]) -> bool:
        cell = raw.get(self.column, "").strip()
        if self.op in ("=", "!="):
            hit = cell.casefold() in {v.strip().casefold() for v in self.value.split(",")}
            return hit if self.op == "=" else not hit
        if self.op == "~":
            return self.value.casefold() in cell.casefold()
        left, right = _number(self.column, cell), _number(self.column, self.value)
        if left is None or right is None:
            return False
        compare: dict[str, Callable[[float, float], bool]] = {
            ">": float.__gt__,
            ">=": float.__ge__,
            "<": float.__lt__,
            "<=": float.__le__,
        }
        return compare[self.op](left, right)


def parse_filter(text: str) -> RowFilter:
    match = _EXPR.fullmatch(text)
    if match is None or not match[3]:
        raise UsageError(f"--filter: {text!r} is not COLUMN OP VALUE (OP: = != > >= < <= ~), e.g. realm=virtual")
    column, op, value = match[1].casefold(), match[2], match[3]
    if op in (">", ">=", "<", "<=") and _number(column, value) is None:
        raise UsageError(f"--filter: {text!r} compares with {value!r}, which is not a number")
    return RowFilter(column, op, value)
