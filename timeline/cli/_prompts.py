"""The interactive form of `timeline add`: every answer checked when given, re-asked with why.

Only used on a terminal. Checks are the library's own (``timeline.edit._fields``), so a prompt
accepts exactly what the options accept. Ctrl-C anywhere stops with exit status 130 and writes
nothing; Ctrl-D ends the form the same way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TypeVar

from timeline.errors import Interrupted, TimelineError, UsageError
from timeline.model import KINDS, Registry
from timeline.store import Store
from timeline.text import fold_name, visible

T = TypeVar("T")
NOTHING = "interrupted; nothing was written"


@contextmanager
def _completion(words: Sequence[str]) -> Iterator[None]:
    """Tab completes ``words`` (for the current comma-separated item) while asking."""
    try:
        import readline
    except ImportError:  # pragma: no cover - not every Python has readline
        yield
        return
    choices = sorted(set(words), key=str.casefold)

    def complete(text: str, state: int) -> str | None:
        stripped = text.lstrip()
        lead = text[: len(text) - len(stripped)]
        found = [lead + w for w in choices if fold_name(w).startswith(fold_name(stripped))]
        return found[state] if state < len(found) else None

    previous = (readline.get_completer(), readline.get_completer_delims())
    readline.set_completer(complete)
    readline.set_completer_delims(",")
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(previous[0])
        readline.set_completer_delims(previous[1])


def _read(label: str) -> str:
    try:
        if sys.stdout.isatty():
            return input(label)
        sys.stderr.write(label)
        sys.stderr.flush()
        return input()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        raise Interrupted(NOTHING) from None
    except EOFError:
        sys.stderr.write("\n")
        raise Interrupted("input ended; nothing was written") from None


def _note(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def ask(label: str, check: Callable[[str], T], words: Sequence[str] = ()) -> T:
    """Ask until ``check`` accepts the answer; each refusal is shown with its reason."""
    while True:
        with _completion(words):
            answer = _read(label)
        try:
            return check(answer)
        except TimelineError as error:
            _note(f"  ! {visible(error.message)}")


def _yes(label: str, default: bool = False) -> bool:
    while True:
        answer = _read(label).strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        _note("  ! answer y or n")


class Form:
    """The answers so far, with the store they are checked against."""

    def __init__(self, store: Store, today: date) -> None:
        self.store = store
        self.today = today
        self.registry: Registry = store.registry
        self.new_companies: list[str] = []
        self.parents: list[tuple[str, str]] = []

    def date(self) -> str:
        from timeline.edit._fields import DATE_FORMS, store_date

        _note(f"(dates: {DATE_FORMS})")
        return ask("Date: ", lambda text: store_date(text, self.today))

    def title(self) -> str:
        def check(text: str) -> str:
            if not text.strip():
                raise UsageError("the title is empty")
            return text.strip()

        return ask("Title: ", check)

    def companies(self) -> list[str]:
        words = self.registry.all_names()
        _note("(companies: comma-separated names or aliases; Tab completes)")
        while True:
            names = ask("Companies: ", _split_nonempty, words)
            chosen: list[str] = []
            for name in names:
                canonical = self.registry.resolve(name) or next(
                    (n for n in self.new_companies if fold_name(n) == fold_name(name)), None
                )
                if canonical is None:
                    _note(f"  {visible(name)!r} is not a registered company{_close(name, words)}")
                    if not _yes(f"register {visible(name)} as a new company? [y/N] "):
                        break
                    self._register(name)
                    canonical = name
                if canonical not in chosen:
                    chosen.append(canonical)
            else:
                return chosen

    def _register(self, name: str) -> None:
        from timeline.edit._fields import check_company

        self.new_companies.append(name)

        def parent(text: str) -> str | None:
            return check_company(text, self.registry, "parent") if text.strip() else None

        owner = ask(f"parent company of {visible(name)} (empty for none): ", parent, self.registry.names())
        if owner is not None:
            self.parents.append((name, owner))

    def kind(self) -> str:
        from timeline.edit._fields import check_kind

        _note(f"(kinds: {', '.join(KINDS)})")
        return ask("Kind: ", lambda text: check_kind(text, "kind"), KINDS)

    def tags(self) -> list[str]:
        from timeline.edit._fields import check_tag

        known = sorted({t for e in self.store.events for t in e.tags})
        return ask(
            "Tags (comma-separated, empty for none): ",
            lambda text: [check_tag(t, "tag") for t in _split(text)],
            known,
        )

    def summary(self) -> str | None:
        _note("Summary: any number of lines; an empty line ends it (empty for none)")
        lines: list[str] = []
        while True:
            line = _read("> ")
            if not line.strip():
                return "\n".join(lines).strip() or None
            lines.append(line.rstrip())

    def sources(self) -> list[str]:
        from timeline.edit._fields import check_source

        urls = [ask("Source URL (https://...): ", lambda text: check_source(text, "source", https_only=True))]
        while True:
            more = ask(
                "Another source URL (empty to finish): ",
                lambda text: check_source(text, "source", https_only=True) if text.strip() else None,
            )
            if more is None:
                return urls
            urls.append(more)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _split_nonempty(text: str) -> list[str]:
    parts = _split(text)
    if not parts:
        raise UsageError("give at least one company")
    return parts


def _close(name: str, words: Sequence[str]) -> str:
    from timeline.text import did_you_mean

    return did_you_mean(name, words)


def confirm(preview: str, where: str) -> bool:
    """Show the block that would be written and ask before writing it."""
    _note(f"\nto be added to {visible(where)}:")
    sys.stderr.write(visible(preview, keep_newlines=True))
    return _yes("add it? [Y/n] ", default=True)
