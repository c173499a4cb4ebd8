"""What every command shares: settings, consoles, colour and width, today's date, the store.

The CLI package is the only place that knows argv, environment variables, exit codes and
streams; the library below it never prints. Errors are raised, never reported here: the one
boundary in ``timeline.cli.run`` reports them.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from timeline.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from timeline.store import Store, StoreLocation


class Settings:
    """What the global options decided, shared by every command."""

    __slots__ = ("file",)

    def __init__(self, file: str | None) -> None:
        self.file = file


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    no_color = bool(os.environ.get("NO_COLOR"))
    return Console(
        stderr=stderr,
        color_system=None if no_color else "auto",
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )


def colour_wanted() -> bool:
    """Colour on a terminal, or when FORCE_COLOR asks for it; never when NO_COLOR is set."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


def width() -> int:
    """The terminal's width, $COLUMNS when set, else 80 (as rich decides it)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    import shutil

    return shutil.get_terminal_size((80, 24)).columns if sys.stdout.isatty() else 80


def today() -> date:
    """The real date, unless ``TIMELINE_NOW=YYYY-MM-DD`` pins it (tests always pin it)."""
    pinned = os.environ.get("TIMELINE_NOW")
    if not pinned:
        return date.today()
    try:
        return date.fromisoformat(pinned)
    except ValueError:
        raise UsageError(f"TIMELINE_NOW must be YYYY-MM-DD, not {pinned!r}") from None


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings(None)


def locate(ctx: typer.Context) -> StoreLocation:
    from timeline.store import find_store

    return find_store(settings(ctx).file, os.environ, Path.cwd())


def open_store(ctx: typer.Context) -> Store:
    """Load the chosen store (through the cache); StoreError lists its problems."""
    from timeline.store import cache_dir, load_cached

    return load_cached(locate(ctx).path, cache_dir(os.environ))


def visible(text: str) -> str:
    from timeline.text import visible

    return visible(text)


def visible_lines(text: str) -> str:
    from timeline.text import visible

    return visible(text, keep_newlines=True)


def count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
