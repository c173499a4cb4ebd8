"""Changing a store: plan an edit as item operations in the file's own style, then write safely.

Every change re-reads the store under its lock, validates the result (in full, or only the
changed blocks when the cache vouches for the rest), checks that nobody else wrote the files
meanwhile, and writes through ``timeline.fileio.atomic_write``: a failure leaves the files
byte-identical.
"""

from timeline.edit._add import AddResult, DuplicateError, NewEvent, add_event, find_duplicate, make_id

__all__ = ["AddResult", "DuplicateError", "NewEvent", "add_event", "find_duplicate", "make_id"]
