"""Atomic file replacement: readers see the old file or the new one, never a half-written one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from timeline.errors import WriteError


def fsync_dir(folder: Path) -> None:
    """Make a rename durable: fsync the folder that holds the entry (where the OS allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    On any failure (including KeyboardInterrupt) the temporary file is removed and ``path`` is
    left exactly as it was.
    """
    folder = path.parent
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror}") from error
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise WriteError(f"cannot write {path}: {error.strerror or error}") from error
        raise
    fsync_dir(folder)
