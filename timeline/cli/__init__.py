"""The command line: ``run(argv)`` builds the typer app and is the one error boundary.

Each run registers only the command it runs: typer turns every registered command into a click
command on every run, so registering one keeps start-up short. Heavy modules (yaml, rich,
dateutil, exporters) are imported inside the commands that use them, and each command's module
is imported only when that command runs.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import sys
from collections.abc import Callable, Sequence
from typing import Annotated

import typer

from timeline import __version__
from timeline.cli._common import COLOR_CHOICES, Settings
from timeline.errors import StoreError, TimelineError, UsageError


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"timeline {__version__}\n")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            "-f",
            help="Store file or folder (default: $TIMELINE_FILE, events.yaml, events.yml or timeline/ here or "
            "in a parent folder, the shipped store).",
        ),
    ] = None,
    color: Annotated[
        str,
        typer.Option("--color", "--colour", metavar="WHEN", help="auto (default), always or never."),
    ] = "auto",
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page output (default: page on a terminal when taller than it).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Ask questions of a YAML timeline of the AI industry."""
    if color not in COLOR_CHOICES:
        raise UsageError(f"--color: {color!r} is not one of {', '.join(COLOR_CHOICES)}")
    ctx.obj = Settings(file, color, not no_pager)


# Each command: the module and function that implement it, imported only when registered.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("_read", "validate"),
    "schema": ("_read", "schema"),
    "list": ("_read", "list_events"),
    "show": ("_read", "show"),
    "companies": ("_read", "companies"),
    "tags": ("_read", "tags"),
    "stats": ("_read", "stats"),
    "where": ("_read", "where"),
    "completion": ("_read", "completion"),
    "export": ("_export", "export_events"),
    "changes": ("_changes", "changes"),
    "init": ("_write", "init"),
    "add": ("_write", "add"),
    "import": ("_import", "import_events"),
    "edit": ("_edit", "edit"),
    "rm": ("_edit", "rm"),
}


def _command(name: str) -> Callable[..., None]:
    module, function = COMMANDS[name]
    command: Callable[..., None] = getattr(importlib.import_module(f"timeline.cli.{module}"), function)
    return command


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command, or with just ``only``."""
    application = typer.Typer(
        name="timeline",
        help="Ask questions of a YAML timeline of the AI industry.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(main_options)
    for name in COMMANDS:
        if only is None or name == only:
            application.command(name)(_command(name))
    return application


_GLOBAL_WITH_VALUE = ("-f", "--file", "--color", "--colour")


def requested_command(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` after the global options, if it is a known one."""
    args = iter(argv)
    for arg in args:
        if arg in _GLOBAL_WITH_VALUE:
            next(args, None)
        elif arg.startswith(("--file=", "--color=", "--colour=")) or (arg.startswith("-f") and len(arg) > 2):
            continue
        elif arg.startswith("-"):
            if arg == "--no-pager":
                continue
            return None
        else:
            return arg if arg in COMMANDS else None
    return None


def normalise(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``--color``/``--no-pager`` moved before the command (they are accepted
    anywhere, as in git); ``-f`` after the command is a usage error that says where it goes."""
    command = requested_command(argv)
    if command is None:
        return list(argv)
    at = list(argv).index(command)
    before, after, moved = list(argv[: at + 1]), [], []
    rest = iter(argv[at + 1 :])
    for arg in rest:
        if arg == "--":
            after += [arg, *rest]
            break
        if arg in ("--color", "--colour"):
            moved += [arg, next(rest, "")]
        elif arg.startswith(("--color=", "--colour=")) or arg == "--no-pager":
            moved.append(arg)
        elif command == "edit" and arg == "--file":  # edit's own flag: open the whole file
            after.append(arg)
        elif arg in ("-f", "--file") or arg.startswith("--file="):
            option = arg.split("=")[0]
            raise UsageError(f"{option} is a global option: put it before the command: `timeline -f FILE {command}`")
        else:
            after.append(arg)
    return [*moved, *before, *after]


ERROR_CAP = 20  # store problems shown by a command other than validate


def report(error: TimelineError) -> int:
    """Write ``error`` to stderr (its text shown, never interpreted) and return its exit code."""
    from timeline.text import visible

    lines = [visible(line) for line in error.message.splitlines()] or ["error"]
    if isinstance(error, StoreError) and len(error.findings) > ERROR_CAP and not error.complete:
        hidden = len(error.findings) - ERROR_CAP
        lines = [visible(str(f)) for f in error.findings[:ERROR_CAP]]
        lines.append(f"... and {hidden:,} more; run `timeline validate` to see them all")
    if isinstance(error, StoreError):
        text = "\n".join(lines) + "\n" + error.hint
    else:
        prefix = "usage error: " if isinstance(error, UsageError) else "error: "
        text = prefix + "\n".join(lines)
    sys.stderr.write(text + "\n")
    return error.exit_code


# Options whose values are file names, which may be any bytes; every other argument is text and
# must be valid UTF-8 (a raw 0xFF in --title reached the exporters as a lone surrogate).
_PATH_OPTIONS = ("-f", "--file", "-o", "--output")


def undecodable_argument(argv: Sequence[str]) -> str | None:
    """The first text argument that was not valid UTF-8 on the command line, if any."""
    previous = ""
    paths_follow = False  # init's PATH argument is a file name too
    for arg in argv:
        is_path = previous in _PATH_OPTIONS or arg.startswith(tuple(o + "=" for o in _PATH_OPTIONS[1::2]))
        is_path = is_path or (paths_follow and not arg.startswith("-"))
        paths_follow = paths_follow or (arg == "init" and requested_command(argv) == "init")
        previous = arg
        if is_path or arg.isascii():
            continue
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return arg
    return None


def output_failed(error: OSError) -> int:
    """Report a failure of the environment that no command caused (standard output closed,
    full or gone, a file that vanished under us) as one line, and exit 1 without a traceback.

    Standard output is pointed at /dev/null afterwards, so flushing it at exit cannot fail again.
    """
    import errno
    import os

    from timeline.text import visible

    if error.filename is None:
        text = f"error: cannot write the output: {error.strerror or error}"
    else:
        text = f"error: {visible(os.fsdecode(error.filename))}: {error.strerror or error}"
    if error.errno != errno.EPIPE:  # a closed pipe (`| head`) is the reader's choice, not news
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    return 1


def run(argv: Sequence[str]) -> int:
    """Run one command line and return its exit status: the one place errors become exits.

    0 ok, 1 a data or store error, 2 a usage error, 75 the store is busy (try again), 130
    interrupted (typer maps Ctrl-C). TimelineError is reported with its exit code; an OSError
    that reaches here is the environment failing (stdout full or closed, a folder removed under
    us), reported in one line. Any other exception is a bug and keeps its traceback.
    """
    bad = undecodable_argument(argv)
    if bad is not None:
        from timeline.text import visible

        shown = visible(bad.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
        return report(UsageError(f"argument '{shown}' is not valid UTF-8 text (only file names may be any bytes)"))
    try:
        argv = normalise(argv)
        app = build_app(requested_command(argv))
        try:
            app(args=list(argv), prog_name="timeline")
        except SystemExit as done:  # typer ends every run this way, with the command's status
            code = done.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
        else:
            status = 0
        sys.stdout.flush()  # a full disk or a closed stdout shows here, not after exit
        return status
    except TimelineError as error:
        return report(error)
    except OSError as error:
        return output_failed(error)
