"""Where the store is: ``-f``, ``$TIMELINE_FILE``, ``./events.yaml``, or the shipped store."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from timeline.errors import Finding, NotFoundError, StoreError
from timeline.text import visible

STORE_NAME = "events.yaml"


class StoreLocation:
    """The store a command works on, and whether it is the read-only packaged default."""

    __slots__ = ("is_default", "path")

    def __init__(self, path: Path, is_default: bool = False) -> None:
        self.path = path
        self.is_default = is_default

    def __repr__(self) -> str:
        return f"StoreLocation({self.path!s}, is_default={self.is_default})"


def packaged_store() -> Path:
    """The ``events.yaml`` shipped inside the installed package."""
    return Path(__file__).parent.parent / STORE_NAME


def _exists(path: Path) -> bool:
    """Whether ``path`` exists; a name that cannot even be looked up (a folder on the way that
    cannot be searched, a name too long) is an error that says so, not a traceback."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return os.path.islink(path)  # a dangling link exists: reading it reports it
    except NotADirectoryError:
        return False
    except OSError as error:
        raise NotFoundError(f"cannot use the store {visible(str(path))}: {error.strerror or error}") from None
    return True


def find_store(explicit: str | None, environ: Mapping[str, str], cwd: Path | None) -> StoreLocation:
    """``--file``, else ``$TIMELINE_FILE``, else ``./events.yaml``, else the packaged default.

    ``cwd`` is None when the current folder no longer exists; only ``./events.yaml`` needs it.
    """
    chosen = explicit or environ.get("TIMELINE_FILE") or None
    if chosen is not None:
        path = Path(chosen).expanduser()
        if not _exists(path):
            raise NotFoundError(f"store not found: {visible(str(path))}")
        return StoreLocation(path)
    if cwd is None:
        raise NotFoundError("the current folder no longer exists; change to another one, or name the store with -f")
    local = cwd / STORE_NAME
    if local.is_file():
        return StoreLocation(local)
    return StoreLocation(packaged_store(), is_default=True)


def store_files(path: Path) -> list[Path]:
    """The YAML files that make up a store: the file itself, or every *.yaml/*.yml in a folder.

    A FIFO, a device or a dangling link among them is an error here, at its path (it used to
    be skipped without a word in a folder), before any reader, the cache's included, opens it.
    """
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir())
        if not files:
            raise NotFoundError(f"no *.yaml or *.yml files in {visible(str(path))}")
    elif not _exists(path):
        raise NotFoundError(f"store not found: {visible(str(path))}")
    else:
        files = [path]
    from timeline.fileio import irregular

    problems = [Finding(str(f), 1, 1, "error", why) for f in files if (why := irregular(f)) is not None]
    if problems:
        raise StoreError(problems)
    return files
