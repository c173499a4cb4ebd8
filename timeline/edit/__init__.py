"""Changing a store: plan an edit as text in the file's own style, then write it safely.

Every edit re-reads the store under its lock, validates the result as a whole store, and writes
through ``timeline.fileio.atomic_write``: a failure leaves the file byte-identical.
"""

from timeline.edit._add import AddResult, DuplicateError, NewEvent, add_event, find_duplicate, make_id, plan_text

__all__ = ["AddResult", "DuplicateError", "NewEvent", "add_event", "find_duplicate", "make_id", "plan_text"]
