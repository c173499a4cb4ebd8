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


class UnwritableEvents(WriteError):
    """Events a write would not read back as planned: a value the store's rules refuse that the
    caller's own checks let through, so nothing was written. ``problems``: (event id, message)
    in event order, for a caller that knows where each event came from (an import's rows)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"event {event_id}: {message}" for event_id, message in self.problems)
        super().__init__(f"{shown}\nnothing was written")


class ReadError(TimelineError):
    """A file could not be read as a regular file within its size limit; the message says why
    (without the path, which the caller puts in front)."""


class TooLargeError(ReadError):
    """A file is over its size limit."""


class BusyError(WriteError):
    """The store is locked by another writer: try again (EX_TEMPFAIL, 75)."""

    exit_code = 75


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


# A store can hold hundreds of thousands of mistakes (a pasted file of aliases gave 330,000 lines
# of stderr): the message shows the first ones in file order and counts the rest.
MAX_SHOWN_FINDINGS = 100


class StoreError(TimelineError):
    """The store has errors; ``findings`` lists every one of them, in file order.

    The message shows the first ``MAX_SHOWN_FINDINGS`` and then "... and N more" (all still in
    ``findings`` and in validate's counts). ``hint`` is the line printed after them: the CLI's
    validate replaces it with its counts. ``complete``: validate prints that message; other
    commands show fewer (the CLI's ERROR_CAP).
    """

    def __init__(
        self,
        findings: Sequence[Finding],
        hint: str = "hint: run `timeline validate` for details",
        complete: bool = False,
    ) -> None:
        self.findings = tuple(findings)
        self.hint = hint
        self.complete = complete
        shown = [str(f) for f in self.findings[:MAX_SHOWN_FINDINGS]]
        hidden = len(self.findings) - len(shown)
        if hidden > 0:
            shown.append(f"... and {hidden} more")
        super().__init__("\n".join(shown))
