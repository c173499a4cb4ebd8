"""The command line: ``run(argv)`` builds the typer app and is the one error boundary.

Each run registers only the command it runs: typer turns every registered command into a click
command on every run, so registering one keeps start-up short. Heavy modules (yaml, rich,
dateutil, exporters) are imported inside the commands that use them, and each command's module
is imported only when that command runs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from typing import Annotated

import typer

from timeline import __version__
from timeline.cli._common import Settings
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
            help="Store file or folder (default: $TIMELINE_FILE, ./events.yaml, the shipped store).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Ask questions of a YAML timeline of the AI industry."""
    ctx.obj = Settings(file)


# Each command: the module and function that implement it, imported only when registered.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("_read", "validate"),
    "schema": ("_read", "schema"),
    "list": ("_read", "list_events"),
    "show": ("_read", "show"),
    "companies": ("_read", "companies"),
    "tags": ("_read", "tags"),
    "stats": ("_read", "stats"),
    "export": ("_export", "export_events"),
    "init": ("_write", "init"),
    "add": ("_write", "add"),
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
    )
    application.callback()(main_options)
    for name in COMMANDS:
        if only is None or name == only:
            application.command(name)(_command(name))
    return application


def requested_command(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` after the global options, if it is a known one."""
    args = iter(argv)
    for arg in args:
        if arg in ("-f", "--file"):
            next(args, None)
        elif arg.startswith("--file=") or (arg.startswith("-f") and len(arg) > 2):
            continue
        elif arg.startswith("-"):
            return None
        else:
            return arg if arg in COMMANDS else None
    return None


def report(error: TimelineError) -> int:
    """Write ``error`` to stderr (its text shown, never interpreted) and return its exit code."""
    from timeline.text import visible

    lines = [visible(line) for line in error.message.splitlines()] or ["error"]
    if isinstance(error, StoreError):
        text = "\n".join(lines) + "\n" + error.hint
    else:
        prefix = "usage error: " if isinstance(error, UsageError) else "error: "
        text = prefix + "\n".join(lines)
    sys.stderr.write(text + "\n")
    return error.exit_code


def run(argv: Sequence[str]) -> int:
    """Run one command line and return its exit status: the one place errors become exits.

    0 ok, 1 a data or store error, 2 a usage error, 130 interrupted (typer maps Ctrl-C). Only
    TimelineError is caught: any other exception is a bug and keeps its traceback.
    """
    app = build_app(requested_command(argv))
    try:
        app(args=list(argv), prog_name="timeline")
    except TimelineError as error:
        return report(error)
    except SystemExit as done:  # typer ends every run this way, with the command's status
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0
