"""Safe writes: one atomic replace, one lock, one signal guard; used by edits, exports and the cache.

Readers see the old file or the new one, never a half-written one; a failed write leaves the
target exactly as it was.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from timeline.errors import BusyError, ReadError, TooLargeError, WriteError

LOCK_TIMEOUT = 10.0


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words, for messages."""
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def irregular(path: Path) -> str | None:
    """Why ``path`` cannot be read as a store file without opening it (a FIFO, a device, a
    dangling link...), or None for a regular file or one that cannot be looked at (the reader
    then says why). Store discovery checks this first, so that no reader, the cache's included,
    ever opens a FIFO and waits."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return f"cannot read file: it is a symbolic link to a missing file ({os.readlink(path)})"
        return None
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return f"cannot read file: it is {file_kind(mode)}, not a regular file"


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them, or ReadError.

    The checks are made on the opened descriptor (``fstat``), not on the name, so nothing can
    be swapped in between; ``O_NONBLOCK`` makes opening a FIFO return at once instead of
    waiting for a writer, and the read stops at the limit whatever ``st_size`` says (it is 0
    for ``/dev/zero``, which would otherwise be read until memory runs out).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise ReadError(irregular(path) or f"cannot read file: {error.strerror or error}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError(f"cannot read file: it is {file_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise TooLargeError(f"file is {info.st_size} bytes; the limit is {limit} bytes")
        chunks: list[bytes] = []
        total = 0
        want = info.st_size + 1  # one more byte than expected: a file that grew is noticed
        while True:
            chunk = os.read(fd, min(want, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise TooLargeError(f"file is more than {limit} bytes; the limit is {limit} bytes")
            want = 1 << 20
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from None
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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
    data: bytes | list[bytes],
    *,
    mode: int | None = None,
    durable: bool = True,
    before_replace: Callable[[], None] | None = None,
    meanwhile: Callable[[os.stat_result], None] | None = None,
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    The temporary file is made with ``O_EXCL`` and a random name rather than with ``tempfile``,
    whose import (random, and more) costs more than a warm start. ``durable`` fsyncs the file
    and its folder (the cache skips that: losing an entry only means a slower next run; it also
    removes the old file first, see below). On any
    failure, KeyboardInterrupt included, the temporary file is removed and ``path`` is untouched.
    ``before_replace`` runs just before the rename, as late as possible: an edit checks there
    that nobody replaced the file since it was read (raising leaves ``path`` untouched).
    ``meanwhile`` gets the written file's status (its size and mtime are the final file's) and
    runs while another thread waits for the fsync: an edit prepares its cache entry there
    (10-15 ms of work at 10,000 events, about as long as the fsync of the store file).
    """
    folder = path.parent
    try:
        fd, temp = create_temp(path)
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror}") from error
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in [data] if isinstance(data, bytes) else data:  # parts: no copy to join them
                handle.write(part)
            handle.flush()
            if durable and meanwhile is not None:
                _fsync_while(handle.fileno(), meanwhile)
            elif durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        if before_replace is not None:
            before_replace()
        if not durable:
            # Renaming over an existing file makes ext4 (auto_da_alloc) write the new data out
            # at once: 10-15 ms for a 5 MB cache entry. Without durability there is nothing to
            # keep: a reader that comes between the two calls finds no entry (a miss).
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        os.replace(temp, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(error, OSError):
            raise WriteError(f"cannot write {path}: {error.strerror or error}") from error
        raise
    if durable:
        fsync_dir(folder)


def _fsync_while(fd: int, work: Callable[[os.stat_result], None]) -> None:
    """``os.fsync(fd)`` in a second thread (it releases the GIL) while ``work`` runs in this
    one; the fsync's error, or the work's, is raised after both have finished."""
    import threading

    failed: list[BaseException] = []

    def sync() -> None:
        try:
            os.fsync(fd)
        except BaseException as error:  # an interrupt too: raised again in the calling thread
            failed.append(error)

    status = os.fstat(fd)
    syncing = threading.Thread(target=sync, name="fsync", daemon=True)
    syncing.start()
    try:
        work(status)
    finally:
        syncing.join()  # the descriptor stays open until the fsync is over, whatever happened
    if failed:
        raise failed[0]


def _open_lock(lock_path: Path) -> int:
    """The lock file's descriptor; a symlink (which could point the lock, and its creation, at
    any file) or anything but a regular file is refused."""
    flags = (
        os.O_RDWR
        | os.O_CREAT
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_NONBLOCK", 0)
    )
    try:
        fd = os.open(lock_path, flags, 0o644)
    except OSError as error:
        if os.path.islink(lock_path):
            raise WriteError(f"the lock file {lock_path} is a symbolic link; refusing to use it (remove it)") from None
        raise WriteError(f"cannot create lock file {lock_path}: {error.strerror}") from error
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise WriteError(f"the lock file {lock_path} is not a regular file; refusing to use it (remove it)")
    return fd


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def remove_stale_temps(real: Path) -> int:
    """Remove the temporary files that writers killed mid-write (``kill -9``) left beside the
    store. Called under the lock, when no other writer of this store can be writing one; a
    temporary file whose process still runs is left alone all the same. Returns how many."""
    prefix = f".{real.name}."
    removed = 0
    try:
        names = os.listdir(real.parent)
    except OSError:
        return 0
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix) : -4].partition("-")[0]
        if not pid_text.isdigit() or _pid_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(real.parent / name)
            removed += 1
    return removed


@contextlib.contextmanager
def locked(store_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold ``<store>.lock`` (beside the real file when the store is a symlink) exclusively.

    Waits up to ``timeout`` seconds (default ``LOCK_TIMEOUT``), then raises BusyError (exit 75,
    "try again"). Once held, stale temporary files of killed writers are removed.
    """
    import fcntl

    timeout = LOCK_TIMEOUT if timeout is None else timeout
    real = store_path.resolve()
    lock_path = real.with_name(real.name + ".lock")
    fd = _open_lock(lock_path)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"the store is locked by another writer ({lock_path}); gave up after {timeout:g} seconds; "
                        "try again (TIMELINE_LOCK_TIMEOUT sets the wait)"
                    ) from None
                time.sleep(0.02)
        try:
            remove_stale_temps(real)
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


def new_file_mode() -> int:
    """The mode a new file gets under the current umask (0644 under umask 022), as ``open`` and
    the shell would give it; atomic writes start from a private temporary file, so they set it."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


_STANDARD_STREAMS = {"/dev/stdout": 1, "/dev/stderr": 2}


def _stream_fd(path: Path) -> int | None:
    """The descriptor ``path`` names when it is /dev/stdout, /dev/stderr or /dev/fd/N."""
    text = str(path)
    if text in _STANDARD_STREAMS:
        return _STANDARD_STREAMS[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return int(text[len(prefix) :])
    return None


def _write_fd(fd: int, data: bytes, label: Path) -> None:
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as error:
        raise WriteError(f"cannot write {label}: {error.strerror or error}") from None


def write_output(path: Path, data: bytes) -> None:
    """Write an export to ``path`` the way a user expects ``> path`` to, but atomically.

    - a regular file (or a new one) is replaced atomically; an existing file keeps its mode, a
      new one gets the umask's (never a private 0600), and missing parent folders are made;
    - a symlink is followed: its target is replaced, the link stays;
    - ``/dev/stdout``, ``/dev/stderr`` and ``/dev/fd/N`` write to that descriptor;
    - a device or a FIFO is written into in place (as the shell's ``>`` does), never replaced
      by a regular file: ``-o /dev/null`` discards, ``-o /dev/full`` reports the full disk;
    - a file with several hard links is refused: replacing it would break the links, and
      writing in place could leave it half written, so nothing is changed.
    """
    fd = _stream_fd(path)
    if fd is not None:
        _write_fd(fd, data, path)
        return
    real = Path(os.path.realpath(path))  # follows every link; a dangling one names its target
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
    if info is None:
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise WriteError(f"cannot create the folder {real.parent}: {error.strerror or error}") from None
        atomic_write(real, data, mode=new_file_mode())
        return
    if stat.S_ISDIR(info.st_mode):
        raise WriteError(f"cannot write {path}: it is a folder")
    if stat.S_ISREG(info.st_mode):
        if info.st_nlink > 1:
            raise WriteError(
                f"cannot write {path}: it has {info.st_nlink} hard links, which replacing it would break; "
                "nothing was written (remove the other links or choose another file)"
            )
        atomic_write(real, data, mode=stat.S_IMODE(info.st_mode))
        return
    if stat.S_ISSOCK(info.st_mode):
        raise WriteError(f"cannot write {path}: it is a socket")
    try:  # a device or a FIFO: in place, as `>` does (a FIFO waits for its reader)
        out = os.open(real, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise WriteError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        after = os.fstat(out)
        if stat.S_ISREG(after.st_mode) or stat.S_ISDIR(after.st_mode):  # swapped since the check
            raise WriteError(f"cannot write {path}: it changed while being opened; nothing was written")
        _write_fd(out, data, path)
    finally:
        os.close(out)
