"""Keeping the cache folder small: entries for stores that no longer exist, odd files, all but
the newest few entries of old revisions, and the least recently used entries beyond a size
budget are removed.

Pruning runs after the cache writes an entry (a miss or an edit), never on a warm read. An
entry's header names the store (or folder-store file) it is for, so finding the entries of
vanished stores reads a few bytes of each, not the entries themselves.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from pathlib import Path

from timeline.store._entry import owned_folder, read_source

BUDGET_BYTES = 64 << 20  # besides the entries of the store in use, however large they are
CONTENT_ENTRIES_KEPT = 8  # entries of old revisions (git blobs): the newest few
SUFFIXES = (".store", ".part", ".content")  # ".part": per-file entries of format 7, pruned
_TEMP_AGE_NS = 3600 * 10**9  # a temporary file this old was left by a killed writer


def prune(folder: Path, keep: set[str]) -> int:
    """Remove what the cache no longer needs; ``keep``: names of entries just written (the
    store in use). Returns how many files were removed. Errors are ignored (a cache)."""
    if not owned_folder(folder, create=False):
        return 0
    removed = 0
    entries: list[tuple[int, int, str]] = []  # (last used, size, name)
    now = time.time_ns()
    try:
        listing = list(os.scandir(folder))
    except OSError:
        return 0
    for item in listing:
        name = item.name
        with contextlib.suppress(OSError):
            info = item.stat(follow_symlinks=False)
            temp = name.startswith(".") and name.endswith(".tmp")
            if temp and now - info.st_mtime_ns < _TEMP_AGE_NS:
                continue
            if not temp and name.endswith(SUFFIXES) and stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                if name in keep:
                    continue
                source = read_source(folder / name)
                if source is not None and (name.endswith(".content") or os.path.lexists(source)):
                    entries.append((info.st_mtime_ns, info.st_size, name))
                    continue
            elif not temp:
                continue  # not ours to judge (a file someone put here that is no entry name)
            os.unlink(folder / name)
            removed += 1
    revisions = sorted((e for e in entries if e[2].endswith(".content")), reverse=True)  # newest first
    room = max(CONTENT_ENTRIES_KEPT - sum(name.endswith(".content") for name in keep), 0)
    for old in revisions[room:]:
        entries.remove(old)
        with contextlib.suppress(OSError):
            os.unlink(folder / old[2])
            removed += 1
    total = sum(size for _, size, _ in entries)
    for _, size, name in sorted(entries):  # oldest first
        if total <= BUDGET_BYTES:
            break
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
            removed += 1
            total -= size
    return removed
