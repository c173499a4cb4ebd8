"""Is an incoming record an event the store (or the file, further up) already has?

Three rules, strongest first; each needs compatible dates except the first:

1. the same event: the same id, or the same record of the same data set imported before
   (its ``imported`` key: the data set's own id, else file and row);
2. a source URL in common, after normalising: scheme, ``www.``, letter case of the host, a
   trailing slash, the fragment and tracking parameters (``utm_*``, ``fbclid``, ...) are ignored;
3. a near-identical title: the Dice coefficient of the two titles' word sets (NFKC, case-folded,
   words of letters and digits, a few function words dropped), ``2|A∩B| / (|A|+|B|)``, at least
   ``TITLE_THRESHOLD``; titles of fewer than three such words must have the same words.

Dates are compatible when one contains the other (``2026-09`` and ``2026-09-18``) or, both
known to the day, when they are at most ``DAY_WINDOW`` days apart (reports of one event often
carry the next day's date).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from timeline.dates import EventDate
from timeline.model import Event, Imported

TITLE_THRESHOLD = 0.8
DAY_WINDOW = 3
_WORD = re.compile(r"\w+")
_STOP = frozenset(
    (
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ),
)
_TRACKING = ("utm_", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src", "cmpid")


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def normalise_url(url: str) -> str:
    """The form two links to the same page share (see the module docstring).

    String operations rather than ``urllib.parse``: an import normalises every source of the
    store, and this is several times faster."""
    text = _SCHEME.sub("", url.strip(), count=1).split("#", 1)[0]
    rest, _, query = text.partition("?")
    host, slash, path = rest.partition("/")
    host = host.rsplit("@", 1)[-1].casefold().removeprefix("www.")
    if host.endswith((":80", ":443")):
        host = host.rsplit(":", 1)[0]
    path = (slash + path).rstrip("/")
    if not query:
        return host + path
    kept = sorted(p for p in query.split("&") if p and not p.split("=", 1)[0].casefold().startswith(_TRACKING))
    return host + path + ("?" + "&".join(kept) if kept else "")


def title_words(title: str) -> frozenset[str]:
    words = _WORD.findall(unicodedata.normalize("NFKC", title).casefold())
    return frozenset(w for w in words if w not in _STOP)


def title_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice's coefficient of two word sets; 0 when either is empty."""
    if not a or not b:
        return 0.0
    if min(len(a), len(b)) < 3:
        return 1.0 if a == b else 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def compatible(a: EventDate, b: EventDate) -> bool:
    """One date contains the other, or both are days at most DAY_WINDOW apart."""
    a0, a1, b0, b1 = a.first_day, a.last_day, b.first_day, b.last_day
    if a.precision == "day" and b.precision == "day" and a.end is None and b.end is None:
        return abs((a0 - b0).days) <= DAY_WINDOW
    return (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)


class Match(NamedTuple):
    """The existing (or earlier incoming) event a record is the same as, and why."""

    event: Event
    reason: str
    same_record: bool  # rule 1: the same id or the same record imported before


def _months(first: date, last: date) -> Iterable[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield (year, month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


class Index:
    """The events seen so far, looked up by id, provenance, URL and date, never pairwise.

    Single days are bucketed by day (a row compares titles only with the events of the few
    days around it); other dates by each month they span.
    """

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.by_id: dict[str, Event] = {}
        self.by_key: dict[tuple[str, ...], Event] = {}
        self.by_url: dict[str, list[Event]] = {}
        self.by_day: dict[int, list[Event]] = {}
        self.by_month: dict[tuple[int, int], list[Event]] = {}
        self.words: dict[str, frozenset[str]] = {}
        for event in events:
            self.add(event)

    def _buckets(self, event: Event) -> list[list[Event]]:
        if event.date.end is None and event.date.precision == "day":
            return [self.by_day.setdefault(event.date.first_day.toordinal(), [])]
        return [self.by_month.setdefault(m, []) for m in _months(event.date.first_day, event.date.last_day)]

    def add(self, event: Event) -> None:
        self.by_id[event.id] = event
        if event.imported is not None:
            self.by_key[event.imported.key] = event
        for source in event.sources:
            self.by_url.setdefault(normalise_url(source.url), []).append(event)
        for bucket in self._buckets(event):
            bucket.append(event)
        self.words[event.id] = title_words(event.title)

    def replace(self, old: Event, new: Event) -> None:
        """``new`` (a merge of ``old``, same id and date) takes ``old``'s place everywhere."""
        self.by_id[new.id] = new
        if old.imported is not None:
            self.by_key[old.imported.key] = new
        buckets = [self.by_url.get(normalise_url(s.url), []) for s in old.sources] + self._buckets(old)
        for bucket in buckets:
            for i, item in enumerate(bucket):
                if item is old:
                    bucket[i] = new
        for source in new.sources:
            bucket = self.by_url.setdefault(normalise_url(source.url), [])
            if new not in bucket:
                bucket.append(new)

    def _near(self, event: Event) -> list[Event]:
        """Every event whose date could be compatible with ``event``'s."""
        first = event.date.first_day.toordinal() - DAY_WINDOW
        last = event.date.last_day.toordinal() + DAY_WINDOW
        near = [e for day in range(first, last + 1) for e in self.by_day.get(day, ())]
        months = _months(event.date.first_day, event.date.last_day)
        return near + [e for m in months for e in self.by_month.get(m, ())]

    def find(
        self,
        event: Event,
        imported: Imported | None,
        given_id: str | None,
        distinct: frozenset[str] | set[str] = frozenset(),
    ) -> Match | None:
        """The first rule that matches ``event`` (see the module docstring), or None.

        ``distinct``: ids that rules 2 and 3 must not match (rows of the same file that carry
        ids of their own: a file that gives two rows different ids says they are different).
        """
        if given_id is not None and given_id in self.by_id:
            return Match(self.by_id[given_id], "same id", True)
        if imported is not None and imported.key in self.by_key:
            what = f"id {imported.id}" if imported.id is not None else f"row {imported.row}"
            return Match(self.by_key[imported.key], f"imported before ({imported.origin} {what})", True)
        for source in event.sources:
            for other in self.by_url.get(normalise_url(source.url), ()):
                if other.id not in distinct and compatible(other.date, event.date):
                    return Match(other, f"same source URL {normalise_url(source.url)}", False)
        words = title_words(event.title)
        size = len(words)
        best: tuple[float, Event] | None = None
        all_words = self.words
        for other in self._near(event):
            theirs = all_words[other.id]
            shared = len(words & theirs)
            # Dice >= threshold, tested without a call for the many that fail
            if 2 * shared < TITLE_THRESHOLD * (size + len(theirs)) or other.id in distinct:
                continue
            score = title_similarity(words, theirs)
            if score >= TITLE_THRESHOLD and compatible(other.date, event.date) and (best is None or score > best[0]):
                best = (score, other)
        if best is not None:
            return Match(best[1], f"similar title ({best[0]:.2f})", False)
        return None
