"""A store's packed rows as marshalled chunks, decoded only as they are read and re-encoded
only when changed (the rows of a cache entry; see ``_entry``)."""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

from timeline.dates import EventDate, PartialDate
from timeline.model import sort_key
from timeline.store._checks import RELATED_COLUMN

_RELATED = itemgetter(RELATED_COLUMN)

CHUNK_ROWS = 1024  # rows per marshalled chunk: an edit re-encodes about this many, not all
DayKey = tuple[int, int, str]


def day_number(year: int, month: int, day: int) -> int:
    """A day as yyyymmdd: ordered as the (year, month, day) it stands for."""
    return year * 10000 + month * 100 + day


def compact(key: tuple[int, int, int, int, int, int, str]) -> DayKey:
    """A sort key (``model.sort_key``) as its first and last day numbers and the id: the same
    order, and two machine integers per row to keep beside the chunks."""
    return (day_number(*key[:3]), day_number(*key[3:6]), key[6])


def _days(row: Any) -> tuple[int, int]:
    new = tuple.__new__
    date = new(EventDate, (new(PartialDate, row[1]), None if row[2] is None else new(PartialDate, row[2])))
    first, last, _ = compact(sort_key(date, row[0]))
    return first, last


class PackedRows:
    """A store's packed rows, in store order, as chunks that stay marshalled until read or
    changed, with the rows' ids beside them. Writing the entry after an edit re-encodes only
    the chunks the edit touched (at 100,000 events, marshalling every row again cost more than
    the rest of an ``add``), and an edit decodes only the chunks it reads. A chunk decoded from
    an entry must hold exactly the ids the entry lists for its place (else ValueError)."""

    __slots__ = ("_chunks", "ends", "ids", "linked", "starts")

    def __init__(
        self, chunks: list[list[Any]], ids: list[str], starts: array[int], ends: array[int], linked: set[str]
    ) -> None:
        self._chunks = [chunk for chunk in chunks if chunk[2]]  # [blob or None, rows or None, length]
        self.ids = ids
        # Each row's first and last day (see ``compact``): edits find where an event sorts, and
        # which events fall in a period, without decoding chunks.
        self.starts = starts
        self.ends = ends
        # The ids some row's related links name (after edits, perhaps more): `rm` of any other
        # event needs no look at the rows for links to it.
        self.linked = linked

    @classmethod
    def from_rows(cls, rows: Sequence[Any]) -> PackedRows:
        pieces = [rows[i : i + CHUNK_ROWS] for i in range(0, len(rows), CHUNK_ROWS)]
        days = list(map(_days, rows))
        starts, ends = array("q", [d[0] for d in days]), array("q", [d[1] for d in days])
        linked = set(chain.from_iterable(map(_RELATED, rows)))
        return cls([[None, piece, len(piece)] for piece in pieces], [row[0] for row in rows], starts, ends, linked)

    @classmethod
    def from_entry(cls, blobs: object, lengths: object, ids: list[str], days: object, linked: object) -> PackedRows:
        """Chunks as read from an entry, not yet decoded (ValueError when they are odd)."""
        if type(blobs) is not tuple or type(lengths) is not tuple or len(blobs) != len(lengths):
            raise ValueError("cache rows are not chunks")
        if not all(type(b) in (bytes, memoryview) for b in blobs) or not all(type(n) is int and n > 0 for n in lengths):
            raise ValueError("cache rows are not chunks")
        if sum(lengths) != len(ids):
            raise ValueError("cache chunks do not hold the ids")
        if type(days) is not bytes or len(days) != 16 * len(ids):
            raise ValueError("cache days do not match the rows")
        if type(linked) is not str:
            raise ValueError("cache links are not ids")
        starts, ends = array("q"), array("q")
        starts.frombytes(days[: 8 * len(ids)])
        ends.frombytes(days[8 * len(ids) :])
        chunks = [[blob, None, n] for blob, n in zip(blobs, lengths, strict=True)]
        return cls(chunks, ids, starts, ends, set(linked.split("\n")) if linked else set())

    def copy(self) -> PackedRows:
        chunks = [list(chunk) for chunk in self._chunks]
        return PackedRows(chunks, list(self.ids), array("q", self.starts), array("q", self.ends), set(self.linked))

    def key_at(self, index: int) -> DayKey:
        """Row ``index``'s sort key in ``compact`` form, without decoding its chunk."""
        return (self.starts[index], self.ends[index], self.ids[index])

    def days(self) -> bytes:
        """The day columns as an entry stores them."""
        return self.starts.tobytes() + self.ends.tobytes()

    def links(self) -> str:
        """The linked ids as an entry stores them (a line each)."""
        return "\n".join(sorted(self.linked))

    def __len__(self) -> int:
        return len(self.ids)

    def _rows_of(self, number: int, start: int) -> Sequence[Any]:
        chunk = self._chunks[number]
        if chunk[1] is None:
            rows = marshal.loads(chunk[0])  # noqa: S302 - our own file; ids here, values by check_rows
            ids = tuple(row[0] if type(row) is tuple and row else None for row in rows) if type(rows) is tuple else ()
            if len(ids) != chunk[2] or ids != tuple(self.ids[start : start + chunk[2]]):
                raise ValueError("cache chunk does not hold the ids listed for it")
            chunk[1] = rows
        rows_read: Sequence[Any] = chunk[1]
        return rows_read

    def __iter__(self) -> Any:
        return iter(self.between(0, len(self.ids)))

    def all_rows(self, *, keep: bool = False) -> list[Any]:
        """Every row, for a full read of a signed entry: decoded without comparing each chunk's
        ids with the list (only an edit, which looks rows up by those ids, needs that).
        ``keep``: the chunks keep their decoded rows (for ``merged``, which reads them again)."""
        out: list[Any] = []
        for chunk in self._chunks:
            if chunk[1] is None:
                rows = marshal.loads(chunk[0])  # noqa: S302 - signed
                if keep:
                    chunk[1] = rows
            else:
                rows = chunk[1]
            out.extend(rows)
        if len(out) != len(self.ids):
            raise ValueError("cache chunks do not hold the rows listed")
        return out

    def between(self, start: int, stop: int) -> list[Any]:
        """Rows ``start`` to ``stop``, decoding only the chunks they are in."""
        out: list[Any] = []
        offset = 0
        for number, chunk in enumerate(self._chunks):
            end = offset + chunk[2]
            if end > start and offset < stop:
                rows = self._rows_of(number, offset)
                out.extend(rows[max(start - offset, 0) : stop - offset])
            if end >= stop:
                break
            offset = end
        return out

    def _find(self, index: int) -> tuple[int, int, int]:
        """(chunk, place in it, chunk's first row) of row ``index``; the end of the rows is the
        end of the last chunk."""
        offset = 0
        for number, chunk in enumerate(self._chunks):
            if index < offset + chunk[2]:
                return number, index - offset, offset
            offset += chunk[2]
        last = len(self._chunks) - 1
        return last, self._chunks[last][2], offset - self._chunks[last][2]

    def _changed(self, number: int, offset: int) -> list[Any]:
        rows = list(self._rows_of(number, offset))  # a copy: copies of this object share chunks
        self._chunks[number] = [None, rows, len(rows)]
        return rows

    def insert(self, index: int, row: Any) -> None:
        first, last = _days(row)
        self.starts.insert(index, first)
        self.ends.insert(index, last)
        self.linked.update(_RELATED(row))
        if not self._chunks:
            self._chunks.append([None, [row], 1])
            self.ids.insert(index, row[0])
            return
        number, at, offset = self._find(index)
        rows = self._changed(number, offset)
        rows.insert(at, row)
        self.ids.insert(index, row[0])
        self._chunks[number][2] = len(rows)
        if len(rows) > 2 * CHUNK_ROWS:
            self._chunks[number : number + 1] = [
                [None, rows[:CHUNK_ROWS], CHUNK_ROWS],
                [None, rows[CHUNK_ROWS:], len(rows) - CHUNK_ROWS],
            ]

    def __delitem__(self, index: int) -> None:
        number, at, offset = self._find(index)
        rows = self._changed(number, offset)
        del rows[at]
        del self.ids[index]
        del self.starts[index]
        del self.ends[index]
        if rows:
            self._chunks[number][2] = len(rows)
        else:
            del self._chunks[number]

    def merged(self, dropped: set[str], inserts: Sequence[tuple[int, Any]]) -> PackedRows:
        """These rows without those whose ids are in ``dropped``, with ``inserts`` added: (p, row)
        puts ``row`` before the p-th row kept (p non-decreasing). A chunk that loses no row and
        gains none keeps its bytes: after a folder store's file changes, only the chunks its
        events are in are encoded again. Short runs are merged into the next chunk."""
        chunks: list[list[Any]] = []
        ids: list[str] = []
        starts, ends = array("q"), array("q")
        pending: list[tuple[Any, int, int]] = []  # (row, first day, last day): old rows keep theirs
        k, kept, offset = 0, 0, 0

        def insert_due() -> None:
            nonlocal k
            while k < len(inserts) and inserts[k][0] <= kept:
                row = inserts[k][1]
                pending.append((row, *_days(row)))
                k += 1

        def emit(count: int) -> None:
            piece = pending[:count]
            del pending[:count]
            chunks.append([None, [p[0] for p in piece], len(piece)])
            ids.extend(p[0][0] for p in piece)
            starts.extend(p[1] for p in piece)
            ends.extend(p[2] for p in piece)

        for number, chunk in enumerate(self._chunks):
            end = offset + chunk[2]
            insert_due()
            touched = (k < len(inserts) and inserts[k][0] < kept + chunk[2]) or not dropped.isdisjoint(
                self.ids[offset:end]
            )
            if not touched and (not pending or len(pending) >= CHUNK_ROWS // 2):
                if pending:
                    emit(len(pending))
                chunks.append(list(chunk))
                ids.extend(self.ids[offset:end])
                starts.extend(self.starts[offset:end])
                ends.extend(self.ends[offset:end])
                kept += chunk[2]
            else:
                for place, row in enumerate(self._rows_of(number, offset), offset):
                    if row[0] in dropped:
                        continue
                    insert_due()
                    pending.append((row, self.starts[place], self.ends[place]))
                    kept += 1
                while len(pending) >= 2 * CHUNK_ROWS:
                    emit(CHUNK_ROWS)
            offset = end
        kept = len(self.ids) + len(inserts)  # the inserts left go at the end
        insert_due()
        while pending:
            emit(CHUNK_ROWS if len(pending) >= 2 * CHUNK_ROWS else len(pending))
        linked = self.linked.union(*(_RELATED(row) for _, row in inserts))
        return PackedRows(chunks, ids, starts, ends, linked)

    def lengths(self) -> tuple[int, ...]:
        return tuple(chunk[2] for chunk in self._chunks)

    def blobs(self) -> tuple[bytes | memoryview, ...]:
        return tuple(blob if blob is not None else marshal.dumps(tuple(rows)) for blob, rows, _ in self._chunks)
