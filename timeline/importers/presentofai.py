"""Present of AI (techa-ai/ai-timeline-dataset, CC BY 4.0): ``data/ai-timeline.csv``.

Columns ``id,event_date,realm,title,summary,actor,ticker,materiality,source_url,source_title,
publisher,permalink``. What becomes of them, and why:

- ``id`` is the data set's record id: kept in ``imported.id`` (our ids are made from the title
  and year), so a second import finds each record again;
- ``actor`` is one company per row (often empty): it is resolved like any company name; an
  empty one needs ``--default-company``;
- ``realm`` (virtual, terrestrial, space) becomes a tag, so ``list -t virtual`` still tells
  them apart; ``--filter realm=virtual`` keeps only the software side;
- ``materiality`` is documented as 0-1 but is 0-100 in the data: ``--filter`` compares it on
  the 0-100 scale (a fraction like 0.72 counts as 72); it is not stored, as the store has no
  place for a model's score;
- ``source_url`` (with ``source_title`` and ``publisher``) is the source; ``permalink`` is a
  second source with the note ``aggregator``, naming the data set as the licence asks;
- there is no kind: every event is ``other`` unless ``--kind`` says otherwise;
- ``summary`` is written by the data set's model; it is stored as given (as text, never markup).
"""

from __future__ import annotations

from timeline.importers._records import ReadResult
from timeline.importers.csv_format import read_csv

COLUMNS = (
    "id",
    "event_date",
    "realm",
    "title",
    "summary",
    "actor",
    "ticker",
    "materiality",
    "source_url",
    "source_title",
    "publisher",
    "permalink",
)
REQUIRED = ("id", "event_date", "title", "actor")
PUBLISHER = "Present of AI"
MAPPING: dict[str, str] = {
    "id": "record_id",
    "event_date": "date",
    "realm": "tags",
    "title": "title",
    "summary": "summary",
    "actor": "companies",
    "ticker": "",
    "materiality": "",
    "source_url": "url",
    "source_title": "source_title",
    "publisher": "publisher",
    "permalink": "permalink",
}


def looks_like(header_line: str) -> bool:
    """The data set's header (its first columns are distinctive enough)."""
    return header_line.strip().lstrip("\ufeff").casefold().startswith("id,event_date,realm,title")


def read(text: str, label: str, overrides: dict[str, str], delimiter: str = ",") -> ReadResult:
    return read_csv(
        text, label, MAPPING | overrides, delimiter=delimiter, single_company=True, permalink_publisher=PUBLISHER
    )


def materiality(value: str) -> float | None:
    """A row's materiality on the 0-100 scale, or None when it is not a number."""
    try:
        number = float(value)
    except ValueError:
        return None
    return number * 100 if "." in value and 0 <= number <= 1 else number
