"""Provenance: the ``imported`` record of each new event, and finding earlier imports by it."""

from __future__ import annotations

from collections.abc import Iterable

from timeline.model import Event, Imported


def provenance(origin: str, file: str, record_id: str | None, row: int, today: str) -> Imported:
    """Where a new event comes from: ``{from, file, id, row, at}``."""
    return Imported(origin, file, record_id, row, today)


def by_provenance(events: Iterable[Event]) -> dict[tuple[str, ...], Event]:
    """Events of earlier imports by the key that finds them again (their record id, else row)."""
    return {e.imported.key: e for e in events if e.imported is not None}
