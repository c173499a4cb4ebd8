"""Bringing events in from other tools and data sets: `timeline import`.

``plan_import`` reads a file (CSV, JSON, Present of AI) and decides, row by row, what to add,
merge, skip as a duplicate or reject; ``run_import`` does that under the store's lock and writes
the result through ``timeline.edit``'s bulk writer. One module per format; the shared rules live
in ``_dates`` (strict partial dates), ``_companies`` (registry names and aliases), ``_dedup``
(the duplicate rules), ``_provenance`` (the ``imported`` record) and ``_plan``.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from timeline.errors import UnwritableEvents
from timeline.importers._plan import CONFLICTS, FORMATS, Decision, ImportOptions, ImportPlan, plan_import
from timeline.importers._records import ImportError_, Problem

__all__ = [
    "CONFLICTS",
    "FORMATS",
    "Decision",
    "ImportError_",
    "ImportOptions",
    "ImportPlan",
    "Problem",
    "plan_import",
    "run_import",
]


def run_import(
    store_path: Path, file: Path, options: ImportOptions, *, dry_run: bool, cache: Path | None, label: str | None = None
) -> tuple[ImportPlan, bool]:
    """Plan the import and, unless ``dry_run`` or the plan is blocked, write it; (plan, written).

    The dry run takes no lock and writes nothing. Into a folder store, new events go to the file
    of their year (see ``timeline.edit._bulk.write_folder``). A real run re-reads the store under its lock,
    plans against what it read, writes atomically and saves the new store's cache entry, so the
    next command starts warm.
    """
    from timeline.fileio import locked
    from timeline.store import load_cached

    if dry_run:
        return plan_import(file, load_cached(store_path, cache), options, label), False
    from timeline.edit._bulk import BulkEdit, write_bulk, write_folder
    from timeline.store import _cache as cache_module
    from timeline.store import _entry as entry_format
    from timeline.store import read_text
    from timeline.store._parts import company_texts

    with locked(store_path):
        original, text = (b"", "") if store_path.is_dir() else read_text(store_path)
        store = load_cached(store_path, cache)
        plan = plan_import(file, store, options, label)
        if plan.blocked or not (plan.added or plan.updated):
            return plan, False
        edit = BulkEdit(list(plan.added), [after for _, after in plan.updated.values()], list(plan.new_companies))
        try:
            if store_path.is_dir():
                written, new_store = write_folder(store_path, store, edit)
                contents = dict(written)
                files = [(f, contents.get(f) or f.read_bytes()) for f in new_store.files]
            else:
                data, new_store = write_bulk(store_path, text, original, store, edit)
                files = [(store_path, data)]
        except UnwritableEvents as error:
            raise _located(plan, error) from None
        if cache is not None:
            with contextlib.suppress(OSError):
                keys = tuple(entry_format._file_key(f, data) for f, data in files)
                texts = company_texts([data for _, data in files])
                cache_module.prepare(cache, store_path, new_store, keys, texts=texts)()
    return plan, True


def _located(plan: ImportPlan, error: UnwritableEvents) -> ImportError_:
    """The write's problems at the rows their events came from (FILE:ROW:COLUMN), not at lines
    of a store text that was never written."""
    rows: dict[str, int] = {}
    for decision in plan.decisions:
        if decision.action in ("add", "update"):
            rows.setdefault(decision.event_id, decision.row)
    return ImportError_([Problem(plan.file, rows.get(event_id, 1), 1, message) for event_id, message in error.problems])
