"""CSV: `timeline export --format csv` files, any CSV with a column map, and Present of AI.

Rows are numbered as a spreadsheet shows them (the header is row 1), whatever line breaks
quoted cells hold; columns from 1. Cells are text: a formula (``=SUM(A1)``) is stored as the
literal text, and the ``'`` our CSV export puts before such a cell is taken off again.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping

from timeline.importers._records import Draft, Problem, ReadResult
from timeline.model import Source
from timeline.text import visible

# Where each of our own columns goes (the export's start, end and precision are derived).
OUR_COLUMNS: dict[str, str] = {
    "id": "id",
    "date": "date",
    "title": "title",
    "companies": "companies",
    "company": "companies",
    "kind": "kind",
    "tags": "tags",
    "summary": "summary",
    "url": "url",
    "sources": "sources",
    "source_title": "source_title",
    "publisher": "publisher",
    "related": "related",
    "start": "",
    "end": "",
    "precision": "",
}
# What a column can be mapped to with --map COLUMN=FIELD ("" ignores the column).
TARGETS = (
    "id",
    "record_id",
    "date",
    "title",
    "companies",
    "company",
    "kind",
    "tags",
    "summary",
    "url",
    "sources",
    "source_title",
    "publisher",
    "permalink",
    "related",
    "",
)
def cell_text(cell: str) -> str:
    """A cell as text: the quote our export puts before a formula-like cell (or before a cell
    that starts with a quote) is removed; the rule is the exporter's own, ``neutralise``."""
    from timeline.exporters.csv_format import neutralise

    if cell.startswith("'") and neutralise(cell[1:]) == cell:
        return cell[1:]
    return cell


def header_line(text: str) -> tuple[int, str]:
    """How many comment lines (``# ...``, e.g. a licence notice) open the file, and the header."""
    lines = text.lstrip("\ufeff").splitlines()
    skipped = 0
    while skipped < len(lines) and lines[skipped].startswith("#"):
        skipped += 1
    return skipped, lines[skipped] if skipped < len(lines) else ""


def _split(value: str, separators: str = ";") -> list[str]:
    for separator in separators[1:]:
        value = value.replace(separator, separators[0])
    return [part.strip() for part in value.split(separators[0]) if part.strip()]


def read_csv(
    text: str,
    label: str,
    columns: Mapping[str, str],
    *,
    delimiter: str = ",",
    single_company: bool = False,
    permalink_publisher: str | None = None,
) -> ReadResult:
    """Drafts from CSV ``text``; ``columns`` maps lower-case header names to fields."""
    result = ReadResult([])
    skipped, _ = header_line(text)
    reader = csv.reader(text.splitlines(keepends=True)[skipped:], delimiter=delimiter, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        return ReadResult([], [Problem(label, skipped + 1, 1, f"cannot read the header as CSV: {error}")])
    if header is None or not any(h.strip() for h in header):
        return ReadResult([], [Problem(label, skipped + 1, 1, "the file is empty: a CSV import needs a header row")])
    names = [h.strip().casefold() for h in header]
    if len(names) == 1:
        for other, word in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if other in header[0] and other != delimiter:
                shown = "\\t" if other == "\t" else other
                result.problems.append(
                    Problem(
                        label,
                        skipped + 1,
                        1,
                        f"the header is one column holding {word}s: the file looks {word}-separated; "
                        f"give --delimiter '{shown}'",
                    )
                )
                return result
    fields: dict[int, str] = {}
    for index, name in enumerate(names):
        target = columns.get(name)
        if target is None:
            result.ignored.append(header[index].strip())
        elif target:
            fields[index] = target
    for row_number, row in _rows(reader, label, result, skipped + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            result.problems.append(
                Problem(
                    label,
                    row_number,
                    min(len(row), len(header)) + 1,
                    f"this row has {len(row)} cells, the header has {len(header)}",
                )
            )
            continue
        draft = Draft(row_number, raw={names[i]: cell for i, cell in enumerate(row)})
        link: dict[str, str] = {}
        for index, target in fields.items():
            value = cell_text(row[index])
            if target in ("url", "source_title", "publisher", "permalink"):
                link[target] = value.strip()
                draft.columns.setdefault("sources", index + 1)
            else:
                _put(draft, target, value, index + 1, single_company)
        sources = []
        if link.get("url"):
            sources.append(Source(link["url"], link.get("source_title") or None, link.get("publisher") or None))
        sources += draft.sources
        if link.get("permalink"):
            sources.append(Source(link["permalink"], None, permalink_publisher, "aggregator"))
        first: dict[str, Source] = {}
        for source in sources:
            first.setdefault(source.url, source)
        draft.sources = list(first.values())
        result.drafts.append(draft)
    return result


def _rows(reader: object, label: str, result: ReadResult, number: int) -> list[tuple[int, list[str]]]:
    """The rows with their numbers as a spreadsheet shows them (``number`` is the header's)."""
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:  # type: ignore[attr-defined]
            number += 1
            rows.append((number, row))
    except csv.Error as error:
        message = str(error)
        if "field larger than field limit" in message:
            message = f"a cell is larger than {csv.field_size_limit()} characters"
        result.problems.append(Problem(label, number + 1, 1, f"cannot read this row as CSV: {visible(message)}"))
    return rows


def _put(draft: Draft, target: str, value: str, column: int, single_company: bool) -> None:
    """Set one field of ``draft`` from a cell, remembering the column."""
    draft.columns.setdefault(target, column)
    stripped = value.strip()
    if target in ("companies", "company"):
        draft.companies = [stripped] if single_company and stripped else _split(value)
        draft.columns["companies"] = column
    elif target == "tags":
        draft.tags = _split(value, ";,")
    elif target == "related":
        draft.related = _split(value)
    elif target == "sources":
        draft.sources += [Source(url) for url in _split(value) if all(s.url != url for s in draft.sources)]
    elif target in ("id", "record_id"):
        setattr(draft, target, stripped or None)
    elif target == "summary":
        draft.summary = value.strip() or None
    elif target == "kind":
        draft.kind = stripped or None
    elif target in ("date", "title"):
        setattr(draft, target, value)
