"""A store's packed rows as marshalled chunks, decoded only as they are read and re-encoded
only when changed (the rows of a cache entry; see ``_entry``)."""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from typing import Any

CHUNK_ROWS = 1024  # rows per marshalled chunk: an edit re-encodes about this many, not all


class PackedRows:
    """A store's packed rows, in store order, as chunks that stay marshalled until read or
    changed, with the rows' ids beside them. Writing the entry after an edit re-encodes only
    the chunks the edit touched (at 100,000 events, marshalling every row again cost more than
    the rest of an ``add``), and an edit decodes only the chunks it reads. A chunk decoded from
    an entry must hold exactly the ids the entry lists for its place (else ValueError)."""

    __slots__ = ("_chunks", "ids")

    def __init__(self, chunks: list[list[Any]], ids: list[str]) -> None:
        self._chunks = [chunk for chunk in chunks if chunk[2]]  # [blob or None, rows or None, length]
        self.ids = ids

    @classmethod
    def from_rows(cls, rows: Sequence[Any]) -> PackedRows:
        pieces = [rows[i : i + CHUNK_ROWS] for i in range(0, len(rows), CHUNK_ROWS)]
        return cls([[None, piece, len(piece)] for piece in pieces], [row[0] for row in rows])

    @classmethod
    def from_entry(cls, blobs: object, lengths: object, ids: list[str]) -> PackedRows:
        """Chunks as read from an entry, not yet decoded (ValueError when they are odd)."""
        if type(blobs) is not tuple or type(lengths) is not tuple or len(blobs) != len(lengths):
            raise ValueError("cache rows are not chunks")
        if not all(type(b) is bytes for b in blobs) or not all(type(n) is int and n > 0 for n in lengths):
            raise ValueError("cache rows are not chunks")
        if sum(lengths) != len(ids):
            raise ValueError("cache chunks do not hold the ids")
        return cls([[blob, None, n] for blob, n in zip(blobs, lengths, strict=True)], ids)

    def copy(self) -> PackedRows:
        return PackedRows([list(chunk) for chunk in self._chunks], list(self.ids))

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

    def all_rows(self) -> list[Any]:
        """Every row, for a full read of a signed entry: decoded without comparing each chunk's
        ids with the list (only an edit, which looks rows up by those ids, needs that)."""
        out: list[Any] = []
        for chunk in self._chunks:
            out.extend(chunk[1] if chunk[1] is not None else marshal.loads(chunk[0]))  # noqa: S302 - signed
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
        if rows:
            self._chunks[number][2] = len(rows)
        else:
            del self._chunks[number]

    def lengths(self) -> tuple[int, ...]:
        return tuple(chunk[2] for chunk in self._chunks)

    def blobs(self) -> tuple[bytes, ...]:
        return tuple(blob if blob is not None else marshal.dumps(tuple(rows)) for blob, rows, _ in self._chunks)
