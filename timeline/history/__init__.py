"""The store's git history: what changed between two revisions, as events rather than lines.

``compare`` reads the store at two revisions (or one revision and the working tree) with the
strict loader and returns a ``Comparison``: both sides, and their ``Changes`` when both loaded.
A side whose store is invalid keeps its ``StoreError`` (located as ``REV:FILE:LINE:COL``) and
the other side is still there to show. ``select_changes`` applies the list filters; the views
live in ``timeline.history.views``. The library never prints; git problems raise ``GitError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from timeline.errors import StoreError
from timeline.history._diff import Changes, EventChange, FieldChange, RegistryChange, diff_stores
from timeline.history._git import Commit, GitError, Repository, moment
from timeline.history._read import load_revision
from timeline.model import Company, Registry
from timeline.query import Query, matches
from timeline.store import Store, load_cached
from timeline.store._yaml import gc_paused

__all__ = [
    "Changes",
    "Commit",
    "Comparison",
    "EventChange",
    "FieldChange",
    "GitError",
    "RegistryChange",
    "Repository",
    "Side",
    "added_since",
    "compare",
    "diff_stores",
    "load_revision",
    "moment",
    "select_changes",
]


class Side:
    """One side of a comparison: a commit (None for the working tree) and its store or error."""

    __slots__ = ("commit", "error", "store")

    def __init__(self, commit: Commit | None, store: Store | None, error: StoreError | None = None) -> None:
        self.commit = commit
        self.store = store
        self.error = error

    @property
    def label(self) -> str:
        return "the working tree" if self.commit is None else self.commit.label


class Comparison:
    """Two sides and, when both stores are valid, what changed from the old to the new."""

    __slots__ = ("changes", "new", "old")

    def __init__(self, old: Side, new: Side) -> None:
        self.old = old
        self.new = new
        self.changes: Changes | None = None
        if old.store is not None and new.store is not None:
            with gc_paused():  # many small objects, none of them cyclic garbage
                self.changes = diff(old.store, new.store)

    def registry(self) -> Registry:
        """Every company either side knows (the new side's first), for resolving filters."""
        stores = [s.store for s in (self.new, self.old) if s.store is not None]
        seen: dict[str, Company] = {}
        for store in stores:
            for company in store.registry.companies:
                seen.setdefault(company.name, company)
        return Registry(tuple(seen.values()))


def diff(old: Store, new: Store) -> Changes:
    return diff_stores(old.events, old.registry, new.events, new.registry)


def compare(
    store_path: Path,
    old: str | datetime | None = None,
    new: str | datetime | None = None,
    *,
    cache: Path | None = None,
) -> Comparison:
    """Compare the store at ``old`` (a revision, or the last commit before a moment; default
    HEAD) with the store at ``new`` (likewise; default the working tree, through the cache)."""
    repository = Repository.of(store_path)
    old_commit = _commit(repository, "HEAD" if old is None else old)
    new_commit = None if new is None else _commit(repository, new)
    sides = []
    for commit in (old_commit, new_commit):
        try:
            store = load_cached(store_path, cache) if commit is None else load_revision(repository, commit, cache)
            sides.append(Side(commit, store))
        except StoreError as error:
            sides.append(Side(commit, None, error))
    return Comparison(sides[0], sides[1])


def _commit(repository: Repository, revision: str | datetime) -> Commit:
    if isinstance(revision, datetime):
        return repository.commit_before(revision)
    return repository.commit(revision)


def added_since(store_path: Path, store: Store, revision: str, *, cache: Path | None = None) -> set[str]:
    """The ids of ``store``'s events that are new since ``revision`` (renamed ones are not new).

    An invalid store at ``revision`` raises its StoreError: nothing can be called new then.
    """
    repository = Repository.of(store_path)
    old = load_revision(repository, repository.commit(revision), cache)
    return {change.event.id for change in diff(old, store).added}


def select_changes(changes: Changes, query: Query, registry: Registry) -> Changes:
    """The changes whose event matches ``query`` as it was or as it is now.

    Registry changes are company facts, not events: ``-c`` keeps those of the named companies
    (and their subsidiaries); any other filter leaves them out, since they have no date, kind,
    tag or text to match.
    """
    groups = tuple(registry.with_subsidiaries(name) for name in query.companies)

    def keep(change: EventChange) -> bool:
        return any(e is not None and matches(e, query, groups) for e in (change.old, change.new))

    def kept(group: Sequence[EventChange]) -> list[EventChange]:
        return [c for c in group if keep(c)]

    other = query.since or query.until or query.tags or query.kinds or query.search
    if other:
        registry_kept: list[RegistryChange] = []
    elif groups:
        names = frozenset().union(*groups)
        registry_kept = [
            r
            for r in changes.registry
            if r.company in names or (r.change == "parent changed" and {r.old, r.new} & names)
        ]
    else:
        registry_kept = list(changes.registry)
    return Changes(
        kept(changes.added), kept(changes.removed), kept(changes.renamed), kept(changes.changed), registry_kept
    )
