"""Shell completion: the scripts for bash, zsh and fish, and the answers they ask for.

A shell calls ``timeline __complete WORD...`` (the whole command line up to the cursor, the
word being completed last) on every Tab. ``timeline.__main__`` routes that here before typer
runs, and the answers come from the store's cache: neither rich nor (when the cache is warm)
yaml is imported, so a Tab stays quick. Option names come from the commands themselves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

SCRIPTS = {
    "bash": """_timeline_complete() {
    local IFS=$'\\n'
    COMPREPLY=($(timeline __complete "${COMP_WORDS[@]:0:COMP_CWORD+1}" 2>/dev/null))
}
complete -o default -F _timeline_complete timeline
""",
    "zsh": """#compdef timeline
_timeline() {
    local -a candidates
    candidates=("${(@f)$(timeline __complete "${(@)words[1,CURRENT]}" 2>/dev/null)}")
    compadd -Q -- "${candidates[@]}"
}
compdef _timeline timeline
""",
    "fish": """complete -c timeline -f -a '(timeline __complete (commandline -opc) (commandline -ct) 2>/dev/null)'
""",
}

_CHOICES = {
    "--view": ("table", "timeline", "compact"),
    "--sort": ("date", "title", "company"),
    "--by": ("year", "quarter", "month"),
    "--color": ("auto", "always", "never"),
    "--colour": ("auto", "always", "never"),
    "--layout": ("list", "table"),
}
_GLOBAL = ("--file", "-f", "--color", "--no-pager", "--version", "--help", "-h")


def _command_options(command: str) -> list[str]:
    """The option names of ``command``, read from its typer definition."""
    import typer.main

    from timeline.cli import build_app

    group = typer.main.get_command(build_app(command))
    click_command = getattr(group, "commands", {}).get(command)
    if click_command is None:
        return []
    names = [name for param in click_command.params for name in (*param.opts, *param.secondary_opts)]
    return [name for name in names if name.startswith("-")] + ["--help"]


def _store_values(store_file: str | None, kind: str) -> list[str]:
    """Company names and aliases, tags or ids of the store in use, from its cache."""
    from timeline.errors import TimelineError
    from timeline.store import cache_dir, find_store, load_cached

    try:
        store = load_cached(find_store(store_file, os.environ, Path.cwd()).path, cache_dir(os.environ))
    except (TimelineError, OSError):  # no store, or no current folder: nothing to offer
        return []
    if kind == "company":
        return list(store.registry.all_names())
    if kind == "tag":
        return sorted({t for e in store.events for t in e.tags})
    return [e.id for e in store.events]


def candidates(words: Sequence[str]) -> list[str]:
    """What may come at the last word of ``words`` (the program's name first)."""
    from timeline.cli import COMMANDS

    words = list(words[1:]) or [""]
    current, before = words[-1], words[:-1]
    store_file: str | None = None
    command: str | None = None
    skip = False
    for index, word in enumerate(before):
        if skip:
            skip = False
            continue
        if word in ("-f", "--file"):
            store_file = before[index + 1] if index + 1 < len(before) else None
            skip = True
        elif word in ("--color", "--colour"):
            skip = True
        elif command is None and not word.startswith("-"):
            command = word
    previous = before[-1] if before else ""
    if previous in ("-f", "--file", "-o", "--output"):
        return []  # a path: the shell's own file completion
    values: Iterable[str] | None = _CHOICES.get(previous)
    if previous in ("-c", "--company"):
        values = _store_values(store_file, "company")
    elif previous in ("-t", "--tag"):
        values = _store_values(store_file, "tag")
    elif previous in ("-k", "--kind"):
        from timeline.model import KINDS

        values = KINDS
    elif previous in ("-F", "--format"):
        from timeline.exporters import EXPORTERS

        values = list(EXPORTERS)
    elif previous == "--related-to":
        values = _store_values(store_file, "id")
    if values is not None:
        return [v for v in values if v.casefold().startswith(current.casefold())]
    if command is None:
        pool = list(_GLOBAL) if current.startswith("-") else list(COMMANDS)
        return [name for name in pool if name.startswith(current)]
    if current.startswith("-"):
        return [name for name in _command_options(command) if name.startswith(current)] if command in COMMANDS else []
    if command == "completion":
        return [shell for shell in SCRIPTS if shell.startswith(current)]
    if command == "show":
        return [i for i in _store_values(store_file, "id") if i.startswith(current)]
    return []


def main(words: Sequence[str]) -> int:
    """``timeline __complete WORD...``: one candidate a line; ``timeline completion SHELL``."""
    sys.stdout.writelines(f"{candidate}\n" for candidate in candidates(words))
    return 0
