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
    from timeline.store import Store, StoreLocation
    from timeline.terminal.views import StyledView


COLOR_CHOICES = ("auto", "always", "never")


class Settings:
    """What the global options decided, shared by every command."""

    __slots__ = ("color", "file", "pager")

    def __init__(self, file: str | None, color: str = "auto", pager: bool = True) -> None:
        self.file = file
        self.color = color
        self.pager = pager


def colour_wanted(choice: str = "auto") -> bool:
    """``--color always|never`` decide; ``auto`` follows the environment, then the terminal.

    NO_COLOR (https://no-color.org): set and not empty, no colour. FORCE_COLOR (as Node and
    chalk read it, https://force-color.org): set and not empty, colour even into a pipe, except
    ``0`` or ``false``, which turn colour off. NO_COLOR wins when both are set.
    """
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR")
    if force:
        return force.strip().lower() not in ("0", "false")
    return sys.stdout.isatty()


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


_GLYPHS = "┃│━╇─┼█●○→←·—"


def _encoding() -> str:
    return getattr(sys.stdout, "encoding", None) or "utf-8"


def _encodes(text: str) -> bool:
    try:
        text.encode(_encoding())
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def render(view: StyledView, choice: str) -> str:
    """The view laid out for stdout: ANSI colours (and OSC 8 links) when colour is wanted,
    else plain text; ASCII drawing when stdout cannot encode box-drawing characters."""
    from timeline.terminal._layout import use_ascii

    use_ascii(not _encodes(_GLYPHS))
    columns = width()
    if not colour_wanted(choice):
        return view.plain(columns)
    import io

    from rich.console import Console

    buffer = io.StringIO()
    Console(
        file=buffer,
        width=columns,
        force_terminal=True,
        no_color=False,
        color_system="auto",
        legacy_windows=False,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    ).print(view, crop=False)
    return buffer.getvalue()


def write_out(text: str) -> None:
    """Write to stdout; characters it cannot encode become ``?`` instead of a traceback."""
    if _encodes(text):
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    data = text.encode(_encoding(), errors="replace")
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode(_encoding()))
    else:
        buffer.write(data)
        buffer.flush()


def pager_command() -> str | None:
    """$TIMELINE_PAGER, else $PAGER, else ``less`` (as git does); empty or ``cat``: none."""
    for name in ("TIMELINE_PAGER", "PAGER"):
        if name in os.environ:
            chosen = os.environ[name].strip()
            return None if chosen in ("", "cat") else chosen
    return "less"


def page(text: str, settings: Settings) -> None:
    """Write ``text``, through the pager when stdout is a terminal and the text is taller than
    it (LESS=FRX unless LESS is set: quit if one screen, keep colours, leave the text shown)."""
    command = pager_command() if settings.pager and sys.stdout.isatty() else None
    if command is not None:
        import shutil

        if text.count("\n") >= shutil.get_terminal_size((80, 24)).lines:
            import signal
            import subprocess

            env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
            sys.stdout.flush()
            pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)  # noqa: S602 (the user's own pager setting, as git runs it)
            stdin = pager.stdin
            if stdin is None:  # cannot happen with stdin=PIPE; keeps the type checker honest
                write_out(text)
                return
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C belongs to the pager
            try:
                stdin.write(text.encode(_encoding(), errors="replace"))
                stdin.close()
            except BrokenPipeError:  # the user quit the pager early
                pass
            finally:
                pager.wait()
                signal.signal(signal.SIGINT, previous)
            return
    write_out(text)


def show(ctx: typer.Context, view: StyledView) -> None:
    """Lay ``view`` out for stdout and write it (through the pager when it is taller)."""
    chosen = settings(ctx)
    page(render(view, chosen.color), chosen)


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


def lock_timeout() -> float:
    """``$TIMELINE_LOCK_TIMEOUT``: seconds a write waits for another writer (else the default)."""
    import math

    text = os.environ.get("TIMELINE_LOCK_TIMEOUT", "").strip()
    if not text:
        from timeline.fileio import LOCK_TIMEOUT

        return LOCK_TIMEOUT
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


def nothing_matches(ctx: typer.Context, store: Store) -> None:
    """Say that no event matches, and which store was read when it is the shipped one (a filter
    that finds nothing there often means the user's own store was not found)."""
    sys.stderr.write("No events match.\n")
    if locate(ctx).is_default and store.events:
        last = max(e.date.last_day for e in store.events)
        sys.stderr.write(
            f"note: using the shipped store, events up to {last.isoformat()} "
            "(`timeline where` shows the store in use; `timeline init` starts your own)\n"
        )
