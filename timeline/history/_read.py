"""The store at a revision, read from git with the strict loader and cached by blob id."""

from __future__ import annotations

from pathlib import Path

from timeline.errors import Finding
from timeline.history._git import Commit, Repository
from timeline.store import Store, load_bytes, read_content, write_content
from timeline.store._yaml import MAX_STORE_BYTES


def load_revision(repository: Repository, commit: Commit, cache: Path | None = None) -> Store:
    """The validated store as it was at ``commit``; StoreError locates problems as
    ``REV:FILE:LINE:COL`` (``REV`` as the user named the commit).

    With a cache folder, the store is kept under the ids of its blobs: the same bytes load
    once, whatever revision names them.
    """
    blobs = repository.blobs(commit)
    labels = tuple(Path(f"{commit.label}:{blob.path}") for blob in blobs)
    key = "\n".join(f"{blob.oid} {blob.path}" for blob in blobs)
    if cache is not None:
        cached = read_content(cache, key, labels)
        if cached is not None:
            return cached
    findings: list[Finding] = []
    contents = []
    for label, blob in zip(labels, blobs, strict=True):
        if blob.size > MAX_STORE_BYTES:  # the same limit as for files on disk, checked before reading
            findings.append(
                Finding(str(label), 1, 1, "error", f"file is {blob.size} bytes; the limit is {MAX_STORE_BYTES} bytes")
            )
        else:
            contents.append((label, repository.read(commit, blob)))
    store = load_bytes(contents, findings)  # raises StoreError with every finding, labelled REV:FILE
    if cache is not None:
        write_content(cache, key, store)
    return store
