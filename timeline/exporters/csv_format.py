"""CSV (RFC 4180) with a header; ``csv_cell`` (the one place that makes a cell safe) shows
control characters as escapes and neutralises every cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence

from timeline.exporters.base import ExportOptions
from timeline.model import Event
from timeline.text import visible

HEADER = ("id", "date", "start", "end", "precision", "title", "companies", "kind", "tags", "summary", "url")
# What Excel, LibreOffice and Google Sheets read as the start of a formula or a command: the
# ASCII forms, their fullwidth and small forms (matched after NFKC), and the minus sign. Tabs, CRs
# and NULs never reach the check: ``visible`` has turned them into spaces or escapes by then.
FORMULA_STARTS = frozenset("=+-@|%\u2212")


def neutralise(cell: str) -> str:
    """OWASP CSV injection advice: prefix a quote so the cell is text, not a formula (leading
    spaces are skipped first, as spreadsheets skip them). A cell that starts with the quote
    itself gets one more, so `timeline import` can take exactly one off again and give back the
    text (a title "'=x" stays "'=x", not "=x")."""
    first = cell.lstrip()[:1]
    if cell.startswith("'") or (
        first and (first in FORMULA_STARTS or unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS)
    ):
        return "'" + cell
    return cell


def csv_cell(text: str) -> str:
    """A cell that shows ``text`` literally: newlines kept (quoted by the writer), every other
    control or format character escaped, formulas neutralised."""
    return neutralise(visible(text.replace("\r\n", "\n"), keep_newlines=True))


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
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()
