"""What every reader hands on: drafts of events, with the row and column each value came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from timeline.errors import Finding, StoreError
from timeline.model import Source

# A file larger than this is refused before it is read: the store itself is capped at 128 MiB,
# and an import of that size would be a mistake (a log, a database dump), not a data set.
MAX_IMPORT_BYTES = 64 * 1024 * 1024


class Problem(NamedTuple):
    """One bad value, located as a spreadsheet shows it: ``FILE:ROW:COLUMN: error: message``."""

    file: str
    row: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: error: {self.message}"


class ImportError_(StoreError):
    """The file cannot be imported; every problem, in file order, then what happened."""

    def __init__(self, problems: list[Problem], hint: str = "nothing was imported") -> None:
        ordered = sorted(problems, key=lambda p: (p.row, p.column))
        super().__init__([Finding(p.file, p.row, p.column, "error", p.message) for p in ordered], hint)


@dataclass
class Draft:
    """An incoming record before it is checked: text exactly as read, and where it was.

    ``columns`` maps a field name to the column it came from (1-based), so a problem with that
    field points at its cell; ``raw`` is the record's own columns, for ``--filter``.
    """

    row: int
    columns: dict[str, int] = field(default_factory=dict)
    id: str | None = None
    record_id: str | None = None
    date: str = ""
    title: str = ""
    companies: list[str] = field(default_factory=list)
    kind: str | None = None
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    sources: list[Source] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> int:
        return self.columns.get(name, 1)


@dataclass
class ReadResult:
    """A reader's output: the drafts, problems with the file as a whole, columns left unused."""

    drafts: list[Draft]
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
