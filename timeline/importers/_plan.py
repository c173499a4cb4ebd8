"""Plan an import: read the file, check every row, resolve companies, find duplicates.

Nothing here writes. The plan says, row by row, what would be added, merged into an existing
event, skipped as a duplicate, rejected (with every problem located) or filtered out; the
writer in ``timeline.edit`` carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from timeline.dates import DateSyntaxError, parse_event_date
from timeline.errors import UsageError
from timeline.importers import _filter, csv_format, ics_format, json_format, presentofai, timelinejs_format
from timeline.importers._companies import Companies
from timeline.importers._dates import import_date
from timeline.importers._dedup import Index, Match, normalise_url
from timeline.importers._provenance import provenance
from timeline.importers._records import MAX_IMPORT_BYTES, Draft, ImportError_, Problem, ReadResult
from timeline.model import KINDS, Event, Source, unknown_kind
from timeline.store import Store
from timeline.store._parse import ID_MAX, ID_RE, TAG_RE, URL_RE
from timeline.text import visible

FORMATS = ("csv", "json", "ics", "timelinejs", "presentofai")
CONFLICTS = ("skip", "update", "fail")


@dataclass(frozen=True, kw_only=True)
class ImportOptions:
    """What the user asked for; see `timeline import --help`."""

    today: str
    format: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    company_map: dict[str, str] = field(default_factory=dict)
    filters: tuple[str, ...] = ()
    new_companies: bool = False
    on_conflict: str = "skip"
    skip_bad: bool = False
    date_order: str | None = None
    delimiter: str = ","
    default_company: str | None = None
    kind: str | None = None


@dataclass
class Decision:
    """One row's fate: add, update, skip, reject or filter, with the event id and why."""

    row: int
    action: str
    date: str
    title: str
    event_id: str = ""
    reason: str = ""


@dataclass
class ImportPlan:
    file: str
    format: str
    decisions: list[Decision] = field(default_factory=list)
    added: list[Event] = field(default_factory=list)
    updated: dict[str, tuple[Event, Event]] = field(default_factory=dict)  # id -> (before, after)
    new_companies: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    unknown_full: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for d in self.decisions if d.action == action)

    @property
    def blocked(self) -> bool:
        """True when the import must not write: bad rows (without --skip-bad) or unknown names."""
        return bool(self.unknown) or (any(d.action == "reject" for d in self.decisions) and not self._skip_bad)

    _skip_bad: bool = False


def read_import_text(path: Path, label: str) -> str:
    """The file as text: capped, UTF-8 (a BOM is fine), no NUL bytes; else a located error."""
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportError_(
                [
                    Problem(
                        label,
                        1,
                        1,
                        f"the file is {size / 2**20:.0f} MiB; imports are capped at "
                        f"{MAX_IMPORT_BYTES // 2**20} MiB (split it)",
                    )
                ]
            )
        data = path.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {label}: {error.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise ImportError_(
            [
                Problem(
                    label,
                    line,
                    column,
                    f"byte 0x{data[error.start]:02x} is not UTF-8 text "
                    "(line and column of the byte); save the file as UTF-8",
                )
            ]
        ) from None
    if "\x00" in text:
        offset = text.index("\x00")
        line = text.count("\n", 0, offset) + 1
        raise ImportError_(
            [
                Problem(
                    label,
                    line,
                    offset - (text.rfind("\n", 0, offset) + 1) + 1,
                    "the file contains NUL bytes: it is not a text file",
                )
            ]
        )
    return text


def guess_format(path: Path, text: str) -> str:
    suffix = path.suffix.casefold()
    first = text.lstrip()[:1]
    if suffix in (".ics", ".ical") or text.lstrip().startswith("BEGIN:VCALENDAR"):
        return "ics"
    if suffix == ".json" or (first in "[{" and first):
        document, problems = json_format.load_json(text, path.name)
        return "timelinejs" if not problems and timelinejs_format.looks_like(document) else "json"
    if presentofai.looks_like(csv_format.header_line(text)[1]):
        return "presentofai"
    if suffix in (".csv", ".tsv", ".txt", ""):
        return "csv"
    raise UsageError(f"cannot tell the format of {path.name}; give --from {'|'.join(FORMATS)}")


def _read(fmt: str, text: str, label: str, options: ImportOptions) -> ReadResult:
    if fmt == "presentofai":
        result = presentofai.read(text, label, options.mapping, options.delimiter)
        required: tuple[str, ...] = presentofai.REQUIRED if options.default_company is None else ("event_date", "title")
        skipped, line = csv_format.header_line(text)
        header = {h.strip().casefold() for h in line.split(options.delimiter)}
        missing = [c for c in required if c not in header]
    elif fmt == "csv":
        result = csv_format.read_csv(text, label, csv_format.OUR_COLUMNS | options.mapping, delimiter=options.delimiter)
        skipped, line = csv_format.header_line(text)
        columns = csv_format.OUR_COLUMNS | options.mapping
        header_fields = {columns.get(h.strip().casefold(), "") for h in line.split(options.delimiter)}
        wanted = ["date", "title"] + ([] if options.default_company else ["companies"])
        missing = [
            w for w in wanted if w not in header_fields and not (w == "companies" and "company" in header_fields)
        ]
    elif fmt == "ics":
        return ics_format.read(text, label, options.mapping)
    elif fmt == "timelinejs":
        return timelinejs_format.read(text, label, options.mapping)
    else:
        return json_format.read(text, label, options.mapping)
    if missing and not result.problems and text.strip():
        result.problems.append(
            Problem(
                label,
                skipped + 1,
                1,
                f"missing required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)} (map one with --map COLUMN=FIELD)",
            )
        )
    return result


class _Checker:
    """Turns drafts into events, collecting located problems."""

    def __init__(self, label: str, options: ImportOptions, companies: Companies) -> None:
        self.label = label
        self.options = options
        self.companies = companies

    def event(self, draft: Draft, problems: list[Problem], unknown: list[str]) -> Event | None:
        def bad(name: str, message: str) -> None:
            problems.append(Problem(self.label, draft.row, draft.column(name), message))

        date = None
        try:
            date = parse_event_date(import_date(draft.date, self.options.date_order))
        except DateSyntaxError as error:
            bad("date", visible(str(error)))
        title = _one_line(draft.title) or ""
        if not title.strip():
            bad("title", "the title is empty")
        names = draft.companies or ([self.options.default_company] if self.options.default_company else [])
        if not names:
            bad("companies", "no company: every event names at least one (give --default-company NAME for such rows)")
        resolved: list[str] = []
        for name in names:
            canonical = self.companies.resolve(name)
            if canonical is None:
                unknown.append(name)
            elif canonical not in resolved:
                resolved.append(canonical)
        kind = draft.kind or self.options.kind or "other"
        if kind not in KINDS:
            bad("kind", unknown_kind(kind))
        tags = [t.casefold() for t in draft.tags]
        for tag in tags:
            if not TAG_RE.fullmatch(tag):
                bad("tags", f"invalid tag {visible(tag)!r}: tags are lower-case slugs like 'cloud' or 'ai-safety'")
        for source in draft.sources:
            if not (URL_RE.fullmatch(source.url) and source.url.isprintable()):
                bad(
                    "sources",
                    f"source url {visible(source.url)!r} must start with http:// or https:// and contain no spaces",
                )
        record_id = (draft.record_id or "").strip()
        if record_id and record_id != _one_line(record_id):
            bad("record_id", f"the record id {visible(record_id)!r} must be a single line")
        if draft.id is not None and (not ID_RE.fullmatch(draft.id) or len(draft.id) > ID_MAX):
            bad("id", f"invalid id {visible(draft.id)!r}: lower-case letters, digits and hyphens, at most {ID_MAX}")
        if problems or unknown or date is None:
            return None
        return Event(
            draft.id or "",
            date,
            title,
            tuple(resolved),
            kind,
            tuple(dict.fromkeys(tags)),
            (draft.summary or "").strip() or None,
            tuple(Source(s.url, _one_line(s.title), _one_line(s.publisher), _one_line(s.note)) for s in draft.sources),
            tuple(draft.related),
        )


def _one_line(text: str | None) -> str | None:
    """A title, publisher or note as the store holds it: a line break becomes a space, and a
    blank value is no value (the store refuses both a broken and an empty one)."""
    return " ".join(text.strip().splitlines()).strip() or None if text is not None else None


def merge(existing: Event, incoming: Event) -> Event:
    """``existing`` with the incoming sources and tags it lacks; its date is never changed."""
    urls = {normalise_url(s.url) for s in existing.sources}
    sources = existing.sources + tuple(s for s in incoming.sources if normalise_url(s.url) not in urls)
    tags = tuple(dict.fromkeys(existing.tags + incoming.tags))
    return existing._replace(sources=tuple(dict.fromkeys(sources)), tags=tags)


def plan_import(path: Path, store: Store, options: ImportOptions, label: str | None = None) -> ImportPlan:
    """What importing ``path`` into ``store`` would do; raises ImportError_ if nothing can be read."""
    from timeline.edit import make_id

    label = label or str(path)
    if path.name != _one_line(path.name):  # it is each event's imported.file, which is one line
        raise UsageError(f"cannot import {visible(label)}: its name is recorded in each event and must be one line")
    filters = [_filter.parse_filter(f) for f in options.filters]
    text = read_import_text(path, label)
    fmt = options.format or guess_format(path, text)
    result = _read(fmt, text, label, options)
    if result.problems and not result.drafts:
        raise ImportError_(result.problems)
    plan = ImportPlan(label, fmt, problems=list(result.problems), ignored=result.ignored)
    plan._skip_bad = options.skip_bad
    companies = Companies(store.registry, options.company_map, options.new_companies)
    checker = _Checker(label, options, companies)
    index = Index(store.events)
    taken = set(index.by_id)
    added: dict[str, Event] = {}
    rows: dict[str, Draft] = {}
    explicit: set[str] = set()  # ids this file gave its rows itself
    for draft in result.drafts:
        shown_title = " ".join(draft.title.split())
        if not all(f.passes(draft.raw) for f in filters):
            plan.decisions.append(Decision(draft.row, "filter", draft.date.strip(), shown_title, "", "filtered out"))
            continue
        problems: list[Problem] = []
        unknown: list[str] = []
        event = checker.event(draft, problems, unknown)
        if event is None:
            plan.problems += problems
            reason = problems[0].message if problems else f"unknown company {visible(unknown[0])!r}"
            plan.decisions.append(Decision(draft.row, "reject", draft.date.strip(), shown_title, "", reason))
            continue
        # a blank record id is none: the row keys the record, as when the file has no ids
        record_id = (draft.record_id or "").strip() or draft.id
        imported = provenance(fmt, path.name, record_id, draft.row, options.today)
        event_id = draft.id if draft.id and draft.id not in taken else make_id(event.title, str(event.date), taken)
        event = event._replace(id=event_id, imported=imported)
        match = index.find(event, imported, draft.id, explicit if draft.id else frozenset())
        decision = Decision(draft.row, "add", str(event.date), event.title, event.id)
        if match is None:
            index.add(event)
            taken.add(event.id)
            added[event.id] = event
            rows[event.id] = draft
            if draft.id:
                explicit.add(event.id)
        else:
            decision = _on_match(plan, options, match, event, draft, added, index, label)
        plan.decisions.append(decision)
    _check_related(plan, added, rows, set(index.by_id), label)
    plan.added = list(added.values())
    used = {c for e in plan.added for c in e.companies} | {c for _, e in plan.updated.values() for c in e.companies}
    plan.new_companies = [name for name in companies.new.values() if name in used]
    if companies.unknown and not options.skip_bad:
        plan.unknown = companies.unknown_report(limit=20)
        plan.unknown_full = companies.unknown_report()
    return plan


def _on_match(
    plan: ImportPlan,
    options: ImportOptions,
    match: Match,
    event: Event,
    draft: Draft,
    added: dict[str, Event],
    index: Index,
    label: str,
) -> Decision:
    target = match.event
    where = "earlier in this file" if target.id in added else "in the store"
    reason = f"{match.reason}, {where}"
    if options.on_conflict == "fail":
        plan.problems.append(Problem(label, draft.row, 1, f"duplicate of {target.id} ({reason}); --on-conflict fail"))
        return Decision(draft.row, "reject", str(event.date), event.title, target.id, f"duplicate: {reason}")
    if options.on_conflict == "skip":
        return Decision(draft.row, "skip", str(event.date), event.title, target.id, reason)
    merged = merge(target, event)
    if event.date != target.date:
        reason += f"; date kept as {target.date}, the file says {event.date}"
    if merged == target:
        return Decision(draft.row, "skip", str(event.date), event.title, target.id, f"{reason}; nothing new")
    index.replace(target, merged)
    if target.id in added:
        added[target.id] = merged
    else:
        before = plan.updated.get(target.id, (target, target))[0]
        plan.updated[target.id] = (before, merged)
    return Decision(draft.row, "update", str(event.date), event.title, target.id, reason)


def _check_related(
    plan: ImportPlan, added: dict[str, Event], rows: dict[str, Draft], ids: set[str], label: str
) -> None:
    for event_id, event in list(added.items()):
        missing = [r for r in event.related if r not in ids]
        if missing:
            draft = rows[event_id]
            plan.problems.append(
                Problem(
                    label,
                    draft.row,
                    draft.column("related"),
                    f"related id {visible(missing[0])!r} is neither in the store nor in the file",
                )
            )
            del added[event_id]
            for decision in plan.decisions:
                if decision.row == draft.row and decision.action == "add":
                    decision.action, decision.reason = "reject", "unknown related id"
