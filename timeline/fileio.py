"""Safe writes: one atomic replace, one lock, one signal guard; used by edits, exports and the cache.

Readers see the old file or the new one, never a half-written one; a failed write leaves the
target exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from timeline.errors import WriteError

LOCK_TIMEOUT = 10.0


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


def create_temp(path: Path) -> tuple[int, Path]:
    """A new private file beside ``path``, for writing its replacement into."""
    temp = path.parent / f".{path.name}.{os.getpid()}-{os.urandom(6).hex()}.tmp"
    return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), temp


def atomic_write(
    path: Path,
    data: bytes,
    *,
    mode: int | None = None,
    durable: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is made with ``O_EXCL`` and a random name rather than with ``tempfile``,
    whose import (random, and more) costs more than a warm start. ``durable`` fsyncs the file
    and its folder (the cache skips that: losing an entry only means a slower next run). On any
    failure, KeyboardInterrupt included, the temporary file is removed and ``path`` is untouched.
    ``before_replace`` runs just before the rename, as late as possible: an edit checks there
    that nobody replaced the file since it was read (raising leaves ``path`` untouched).
    """
    folder = path.parent
    try:
        fd, temp = create_temp(path)
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror}") from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        if before_replace is not None:
            before_replace()
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise WriteError(f"cannot write {path}: {error.strerror or error}") from error
        raise
    if durable:
        fsync_dir(folder)


@contextlib.contextmanager
def locked(store_path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold ``<store>.lock`` (beside the real file when the store is a symlink) exclusively."""
    import fcntl

    real = store_path.resolve()
    lock_path = real.with_name(real.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise WriteError(f"cannot create lock file {lock_path}: {error.strerror}") from error
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriteError(
                        f"the store is locked by another writer ({lock_path}); gave up after {timeout:g} seconds"
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into KeyboardInterrupt while writing, so clean-up code runs."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous: dict[signal.Signals, object] = {}
    try:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            previous[sig] = signal.signal(sig, interrupt)
    except ValueError:  # not the main thread: signals cannot be handled here
        previous.clear()
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
