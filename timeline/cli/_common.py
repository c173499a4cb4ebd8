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
        width=width(),
    )


def colour_wanted() -> bool:
    """Colour on a terminal, or when FORCE_COLOR asks for it; never when NO_COLOR is set."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or sys.stdout.isatty()


# No terminal is wider; COLUMNS=1000000000 made a view allocate 3.8 GB before failing.
MAX_WIDTH = 1000


def width() -> int:
    """The terminal's width: $COLUMNS when it is a positive number (at most MAX_WIDTH), else
    the terminal's own size, else 80. ``COLUMNS=0`` or garbage counts as not set."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return min(int(columns), MAX_WIDTH)
    import shutil

    if not sys.stdout.isatty():
        return 80
    try:
        found = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        found = shutil.get_terminal_size((80, 24)).columns
    return min(found, MAX_WIDTH) if found > 0 else 80


def today() -> date:
    """The real date, unless ``TIMELINE_NOW=YYYY-MM-DD`` pins it (tests always pin it)."""
    pinned = os.environ.get("TIMELINE_NOW")
    if not pinned:
        return date.today()
    # fromisoformat alone also takes 20260101 and 2026-W01-1, which the message does not promise.
    shape = len(pinned) == 10 and pinned[4] == pinned[7] == "-" and pinned.replace("-", "").isascii()
    try:
        if not (shape and pinned.replace("-", "").isdigit()):
            raise ValueError(pinned)
        return date.fromisoformat(pinned)
    except ValueError:
        raise UsageError(f"TIMELINE_NOW must be YYYY-MM-DD, not {pinned!r}") from None


def lock_timeout() -> float | None:
    """``$TIMELINE_LOCK_TIMEOUT``: seconds a write waits for another writer (None: the default)."""
    import math

    text = os.environ.get("TIMELINE_LOCK_TIMEOUT", "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not (math.isfinite(seconds) and seconds >= 0):
        raise UsageError(f"TIMELINE_LOCK_TIMEOUT must be a number of seconds (0 or more), not {text!r}")
    return seconds


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings(None)


def locate(ctx: typer.Context) -> StoreLocation:
    from timeline.store import find_store

    try:
        cwd: Path | None = Path.cwd()
    except OSError:  # the current folder was deleted: fine as long as the store is named
        cwd = None
    return find_store(settings(ctx).file, os.environ, cwd)


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
