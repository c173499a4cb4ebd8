"""The one small exception hierarchy: each error carries a complete user message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class TimelineError(Exception):
    """Base of every error `timeline` reports to a user; ``str(err)`` is the whole message."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(TimelineError):
    """The user asked for something that cannot mean anything (exit status 2)."""

    exit_code = 2


class NotFoundError(TimelineError):
    """A named thing (event id, store file) does not exist."""


class WriteError(TimelineError):
    """The store could not be written; the file on disk is unchanged."""


class Finding(NamedTuple):
    """One validation problem, located in a file (1-based line and column)."""

    path: str
    line: int
    column: int
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"


class StoreError(TimelineError):
    """The store has errors; ``findings`` lists every one of them, in file order."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__("\n".join(str(f) for f in self.findings))
