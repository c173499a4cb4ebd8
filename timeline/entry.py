"""The ``timeline`` console script: answers ``--version`` without importing typer at all."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from timeline import __version__

        sys.stdout.write(f"timeline {__version__}\n")
        return
    from timeline.cli import main as cli_main

    cli_main()
