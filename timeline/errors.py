"""The one exception hierarchy: each error carries a complete user message and its exit code.

The CLI maps these to stderr and an exit status in one place (``timeline.cli.run``); the library
raises them and never prints.
"""

from __future__ import annotations

from collections.abc import Sequence


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


class Interrupted(TimelineError):
    """The user stopped the command (Ctrl-C) before anything was written (exit status 130)."""

    exit_code = 130


class Finding:
    """One validation problem, located in a file (1-based line and column)."""

    __slots__ = ("column", "line", "message", "path", "severity")

    def __init__(self, path: str, line: int, column: int, severity: str, message: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.severity = severity  # "error" or "warning"
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"

    def __repr__(self) -> str:
        return f"Finding({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Finding) and str(other) == str(self)

    def __hash__(self) -> int:
        return hash(str(self))

    @property
    def order(self) -> tuple[str, int, int]:
        """File order: how findings are always reported."""
        return (self.path, self.line, self.column)


class StoreError(TimelineError):
    """The store has errors; ``findings`` lists every one of them, in file order.

    ``hint`` is the line printed after them: the CLI's validate replaces it with its counts.
    """

    def __init__(self, findings: Sequence[Finding], hint: str = "hint: run `timeline validate` for details") -> None:
        self.findings = tuple(findings)
        self.hint = hint
        super().__init__("\n".join(str(f) for f in self.findings))
