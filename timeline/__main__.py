"""The ``timeline`` command (and ``python -m timeline``): ``--version`` without importing typer."""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point: exits with the status of ``timeline.cli.run``."""
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from timeline import __version__

        sys.stdout.write(f"timeline {__version__}\n")
        return
    if argv[:1] == ["__complete"]:  # a shell asking for completions: no typer run, no rich
        from timeline.cli._complete import main as complete

        sys.exit(complete(argv[1:]))
    from timeline.cli import run

    sys.exit(run(argv))


if __name__ == "__main__":
    main()
