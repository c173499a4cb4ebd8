"""CSV (RFC 4180) with a header; cells a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from timeline.exporters.base import ExportOptions
from timeline.model import Event

HEADER = ("id", "date", "start", "end", "precision", "title", "companies", "kind", "tags", "summary", "url")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A cell that starts with the quote itself gets one more, so `timeline import` can take exactly
# one off again and give back the text (a title "'=x" stays "'=x", not "=x").
_PREFIXED = (*FORMULA_STARTS, "'")


def neutralise(cell: str) -> str:
    """OWASP CSV injection advice: prefix a quote so the cell is text, not a formula."""
    return "'" + cell if cell.startswith(_PREFIXED) else cell


def export(events: Sequence[Event], options: ExportOptions) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    for event in events:
        row = (
            event.id,
            str(event.date),
            event.date.first_day.isoformat(),
            event.date.last_day.isoformat(),
            event.date.precision,
            event.title,
            "; ".join(event.companies),
            event.kind,
            "; ".join(event.tags),
            event.summary or "",
            event.sources[0].url if event.sources else "",
        )
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()
