"""Where the store is: ``-f``, ``$TIMELINE_FILE``, else found like git finds a repository:
``events.yaml``, ``events.yml`` or a ``timeline/`` folder in the current folder or the nearest
parent, stopping at a folder holding ``.git`` (after looking in it) or at the filesystem root;
else the shipped store."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from timeline.errors import Finding, NotFoundError, StoreError
from timeline.text import visible

STORE_NAME = "events.yaml"
STORE_NAMES = ("events.yaml", "events.yml", "timeline")  # looked for in this order, in each folder


class StoreLocation:
    """The store a command works on, whether it is the read-only packaged default, and how it
    was found (``how``: "--file", "$TIMELINE_FILE", "found from the current folder", "shipped")."""

    __slots__ = ("how", "is_default", "path")

    def __init__(self, path: Path, is_default: bool = False, how: str = "") -> None:
        self.path = path
        self.is_default = is_default
        self.how = how or ("shipped" if is_default else "")

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
    """``--file``, else ``$TIMELINE_FILE``, else the nearest store (see ``discover``), else the
    packaged default.

    ``cwd`` is None when the current folder no longer exists; only discovery needs it.
    """
    chosen = explicit or environ.get("TIMELINE_FILE") or None
    if chosen is not None:
        path = Path(chosen).expanduser()
        if not _exists(path):
            raise NotFoundError(f"store not found: {visible(str(path))}")
        return StoreLocation(path, how="--file" if explicit else "$TIMELINE_FILE")
    if cwd is None:
        raise NotFoundError("the current folder no longer exists; change to another one, or name the store with -f")
    found = discover(cwd)
    if found is not None:
        return StoreLocation(found, how="found from the current folder")
    return StoreLocation(packaged_store(), is_default=True)


def discover(cwd: Path) -> Path | None:
    """The nearest ``events.yaml``, ``events.yml`` or ``timeline/`` folder of YAML files, from
    ``cwd`` up to the folder that holds ``.git`` (a repository's root) or the filesystem root."""
    for folder in (cwd, *cwd.parents):
        for name in STORE_NAMES:
            candidate = folder / name
            if name == "timeline":
                if candidate.is_dir() and any(p.suffix in (".yaml", ".yml") for p in candidate.iterdir()):
                    return candidate
            elif candidate.is_file():
                return candidate
        if (folder / ".git").exists():
            return None
    return None


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
