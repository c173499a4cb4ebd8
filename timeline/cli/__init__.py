"""The typer app: each run registers only the command it runs.

Heavy modules (yaml, rich tables, dateutil, exporters) are imported inside the commands that use
them, and each command's module is imported only when that command runs, so ``timeline --help``
and a single command start close to typer's own start-up.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Annotated, Optional

import typer

from timeline import __version__
from timeline.cli.common import Settings


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"timeline {__version__}\n")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    file: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional at runtime on 3.11
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
    "validate": ("read", "validate"),
    "schema": ("read", "schema"),
    "list": ("read", "list_events"),
    "show": ("read", "show"),
    "companies": ("read", "companies"),
    "tags": ("read", "tags"),
    "stats": ("read", "stats"),
    "export": ("export", "export_events"),
    "init": ("write", "init"),
    "add": ("write", "add"),
}


def _command(name: str) -> Callable[..., None]:
    module, function = COMMANDS[name]
    command: Callable[..., None] = getattr(importlib.import_module(f"timeline.cli.{module}"), function)
    return command


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command, or with just ``only``: typer turns each registered
    command into a click command on every run, so registering one keeps start-up short."""
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


def __getattr__(name: str) -> typer.Typer:
    """``timeline.cli.app``, the app with every command, built on first use (tests use it)."""
    if name == "app":
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def requested_command(argv: list[str]) -> str | None:
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


def main() -> None:
    """Console-script entry point."""
    build_app(requested_command(sys.argv[1:]))()
