"""One safe change of a store: read it, plan item operations, validate, check, replace, cache.

A change is a list of item operations (insert, replace or delete an event block, append a
company) planned against a snapshot of the store's files. The new store is validated either in
full (every file loaded again) or, when the files still match the cache entry, only the blocks
that changed against the cached store (``_check``); both give the same answer, which a property
test checks. Just before each rename, the files are compared with what was read (device, inode,
size, mtime and bytes): an editor that saved meanwhile makes the change re-planned on the new
content, or refused with nothing written. The new cache entry is written with the store, so the
next command is warm.
"""

from __future__ import annotations

import functools
import os
import zlib
from collections.abc import Callable
from pathlib import Path

from timeline.edit._snapshot import Change, Committed, FileState, OrderMismatch, R, Snapshot
from timeline.edit._textops import new_texts
from timeline.errors import Finding, StoreError, WriteError
from timeline.fileio import LOCK_TIMEOUT, atomic_write, locked, signals_as_interrupts
from timeline.model import Event
from timeline.store import Store, load_bytes, store_files
from timeline.store._lazy import UntrustedRow
from timeline.store._rows import PackedRows
from timeline.store._yaml import decode, gc_paused, read_bytes

CHANGED = "the store changed while writing; nothing was written"
_ATTEMPTS = 3


class StoreChanged(WriteError):
    """Another program replaced a store file between the read and the write."""


def _stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def read_snapshot(store_path: Path, cache_folder: Path | None) -> Snapshot:
    """Read every file of the store; StoreError (as validate reports it) if it is invalid."""
    findings: list[Finding] = []
    states: list[FileState] = []
    for path in store_files(store_path):
        real = path.resolve()
        for _ in range(_ATTEMPTS):  # a file replaced while being read is read again
            before = os.stat(real)
            data = read_bytes(real, findings)
            if data is None or _stat_key(os.stat(real)) == _stat_key(before):
                break
        if data is None:
            for finding in findings:
                finding.path = str(path)
            raise StoreError(findings)
        text = decode(data, str(path), findings)
        if text is None:
            raise StoreError(findings)
        states.append(FileState(path, real, data, text, _stat_key(before)))
    found = _cached_store(store_path, cache_folder, states)
    if found is not None:
        return Snapshot(store_path, states, found[0], True, found[1])
    return Snapshot(store_path, states, load_bytes([(s.path, s.data or b"") for s in states]), False)


def _cached_store(store_path: Path, folder: Path | None, states: list[FileState]) -> tuple[Store, PackedRows] | None:
    if folder is None:
        return None
    from timeline.store import _cache

    keys = tuple(
        (str(s.real), s.stat[2], s.stat[3], zlib.crc32(s.data)) for s in states if s.stat and s.data is not None
    )
    return _cache.read_matching(folder, store_path, keys, tuple(s.path for s in states))


def validate_full(snapshot: Snapshot, texts: dict[int, str]) -> Store:
    """Load every file again, with the new texts: the validation `timeline validate` runs."""
    contents = [
        (state.path, texts[n].encode("utf-8") if n in texts else state.data or b"")
        for n, state in enumerate(snapshot.files)
    ]
    return load_bytes(sorted(contents, key=lambda c: str(c[0])) if len(contents) > 1 else contents)


# --- the transaction ------------------------------------------------------------------------


def _check_unchanged(states: list[FileState], skip: set[int]) -> None:
    for number, state in enumerate(states):
        if number in skip:
            continue
        try:
            if state.data is None:
                if os.path.lexists(state.real):
                    raise StoreChanged(CHANGED)
                continue
            if state.path.resolve() != state.real or _stat_key(os.stat(state.real)) != state.stat:
                raise StoreChanged(CHANGED)
            if state.real.read_bytes() != state.data:
                raise StoreChanged(CHANGED)
        except OSError as error:
            raise StoreChanged(CHANGED) from error


def _mode(state: FileState) -> int:
    if state.stat is not None:
        return os.stat(state.real).st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def commit(
    store_path: Path,
    plan: Callable[[Snapshot], Change[R]],
    *,
    validate: Callable[[Snapshot, Change[R], dict[int, str]], Store] | None = None,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    cache_folder: Path | None = None,
) -> Committed[R]:
    """Plan and write one change; see the module docstring. ``validate`` is the fast check
    (used only when the store came from the cache); otherwise the full one runs."""
    if dry_run:  # no lock file, no write: only reading
        try:
            return _attempt(store_path, plan, validate, cache_folder, write=False)
        except (OrderMismatch, UntrustedRow):
            return _attempt(store_path, plan, validate, None, write=False)
    if not store_path.exists():
        from timeline.errors import NotFoundError

        raise NotFoundError(f"store not found: {store_path}")
    with locked(store_path, lock_timeout):
        for _ in range(_ATTEMPTS):
            try:
                return _attempt(store_path, plan, validate, cache_folder, write=True)
            except StoreChanged:
                continue  # re-plan on the new content
            except (OrderMismatch, UntrustedRow):
                _forget_entry(cache_folder, store_path)
                cache_folder = None
    raise WriteError(CHANGED)


def _forget_entry(folder: Path | None, store_path: Path) -> None:
    """Plan on a full read: the cache entry's order did not describe the file. The entry is
    removed, so the next command does not trust it either."""
    if folder is not None:
        from timeline.store import _cache

        _cache.forget(folder, store_path)


def _attempt(
    store_path: Path,
    plan: Callable[[Snapshot], Change[R]],
    validate: Callable[[Snapshot, Change[R], dict[int, str]], Store] | None,
    cache_folder: Path | None,
    *,
    write: bool,
) -> Committed[R]:
    with gc_paused():  # many small objects, all kept until the write: no collections meanwhile
        snapshot = read_snapshot(store_path, cache_folder)
        change = plan(snapshot)
        return _plan_and_write(store_path, snapshot, change, validate, cache_folder, write=write)


def _plan_and_write(
    store_path: Path,
    snapshot: Snapshot,
    change: Change[R],
    validate: Callable[[Snapshot, Change[R], dict[int, str]], Store] | None,
    cache_folder: Path | None,
    *,
    write: bool,
) -> Committed[R]:
    texts = new_texts(snapshot, change.ops)
    if snapshot.cached and validate is not None:
        store = validate(snapshot, change, texts)
    else:
        store = validate_full(snapshot, texts)
    before = {snapshot.files[n].path: snapshot.files[n].text for n in texts}
    after = {snapshot.files[n].path: text for n, text in texts.items()}
    if not write or not texts:
        return Committed(change, store, before, after, written=False)
    written: set[int] = set()
    saves: list[Callable[[], None]] = []
    with signals_as_interrupts():
        for number, text in texts.items():
            state = snapshot.files[number]
            data = text.encode("utf-8")
            if state.data is not None and state.data.startswith(b"\xef\xbb\xbf") and not text.startswith("\ufeff"):
                data = b"\xef\xbb\xbf" + data
            check = functools.partial(_check_unchanged, snapshot.files, set(written))
            meanwhile = None
            if cache_folder is not None and len(written) == len(texts) - 1 and state.stat is not None:
                # the last file written, already in the folder's listing: its entry is made
                # while the file is fsynced, from the status of the file about to be renamed
                meanwhile = functools.partial(
                    _prepare_cache, saves, cache_folder, store_path, store, snapshot, number, data
                )
            atomic_write(state.real, data, mode=_mode(state), before_replace=check, meanwhile=meanwhile)
            written.add(number)
            state.data = data
    if cache_folder is not None:
        if not saves:
            _prepare_cache(saves, cache_folder, store_path, store, snapshot)
        for save in saves:
            save()
    return Committed(change, store, before, after, written=True)


def _prepare_cache(
    saves: list[Callable[[], None]],
    folder: Path,
    store_path: Path,
    store: Store,
    snapshot: Snapshot,
    writing: int | None = None,
    data: bytes = b"",
    status: os.stat_result | None = None,
) -> None:
    """The entry for the files as they are once the change is written (``writing``: the file
    being written, whose ``data`` and ``status`` are given), so the next command is warm; its
    save is appended to ``saves``."""
    from timeline.store import _cache
    from timeline.store._parts import company_texts

    keys = []
    contents = []
    by_path = {str(s.real): n for n, s in enumerate(snapshot.files)}
    try:
        for path in store_files(store_path):
            number = by_path.get(str(path.resolve()))
            if number is None:
                return
            state = snapshot.files[number]
            content = data if number == writing else state.data
            if content is None:
                return
            stat = status if number == writing and status is not None else os.stat(state.real)
            keys.append((str(state.real), stat.st_size, stat.st_mtime_ns, zlib.crc32(content)))
            contents.append(content)
    except OSError:
        return
    texts = company_texts(contents)
    saves.append(_cache.prepare(folder, store_path, store, tuple(keys), snapshot.new_rows, texts))


def events_by_id(store: Store) -> dict[str, Event]:
    return {e.id: e for e in store.events}
