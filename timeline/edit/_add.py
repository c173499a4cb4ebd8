"""Adding an event: checked option by option, written in the file's style, never losing data.

The new block is planned as an item operation (``_commit``): under the store's lock the files are
read, the block rendered in the style of the file's events and inserted at its chronological
place, the result validated, and written atomically after checking nobody else wrote meanwhile.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from timeline.dates import DateSyntaxError, EventDate, parse_event_date
from timeline.edit._check import validate_fast
from timeline.edit._commit import commit
from timeline.edit._fields import check_source, check_tag, future_warning
from timeline.edit._layout import detect_style, indent_block
from timeline.edit._render import company_lines, event_lines
from timeline.edit._snapshot import Change, Committed, Op, Snapshot
from timeline.errors import TimelineError, UsageError
from timeline.fileio import LOCK_TIMEOUT
from timeline.model import KINDS, Company, Event, Source, sort_key, unknown_company, unknown_kind
from timeline.store import Store
from timeline.store._lazy import event_ids, place_among, starting_between
from timeline.store._parse import ID_MAX, ID_RE
from timeline.text import did_you_mean, fold_name, visible

ID_TARGET = 48  # generated ids: short enough to type, long enough to read


@dataclass(frozen=True, kw_only=True)
class NewEvent:
    """What the user asked to add; text is taken exactly as given."""

    date: str
    title: str
    companies: tuple[str, ...]
    kind: str
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    summary: str | None = None
    related: tuple[str, ...] = ()
    id: str | None = None
    new_companies: tuple[str, ...] = ()
    parents: tuple[tuple[str, str], ...] = ()  # (new company, its parent) pairs


@dataclass(frozen=True)
class AddResult:
    """The event as it loaded back, the YAML lines added, and warnings for the user."""

    event: Event
    inserted: str
    written: bool
    warnings: tuple[str, ...] = ()
    path: Path | None = None  # the file written (a folder store's year file)


class DuplicateError(TimelineError):
    """The new event looks like one already in the store."""


def make_id(title: str, date_text: str, taken: set[str] | frozenset[str]) -> str:
    """A readable unique id from the title and the year, at most ~48 characters:
    ``microsoft-invests-in-openai-2019``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "event"
    year = date_text.strip()[:4]
    limit = ID_TARGET - len(year) - 1
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0] if "-" in slug[: limit + 1] else slug[:limit]
    base = slug if slug.endswith(year) else f"{slug}-{year}"
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate[:ID_MAX]


def _same_period(a: EventDate, b: EventDate) -> bool:
    """Whether two dates agree at the coarser precision of the two (3 days' slack for days)."""
    levels = {"year": 0, "month": 1, "day": 2}
    coarse = min(levels[a.precision], levels[b.precision])
    if coarse == 2:
        return abs((a.first_day - b.first_day).days) <= 3
    if coarse == 1:
        return (a.start.year, a.start.month) == (b.start.year, b.start.month)
    return a.start.year == b.start.year


def _known(store: Store, event_id: str) -> Event:
    event = store.event(event_id)
    if event is None:  # pragma: no cover - the ids come from the store itself
        raise KeyError(event_id)
    return event


def find_duplicate(store: Store, event: Event) -> Event | None:
    """An existing event that is probably the same: a similar title in the same period (at the
    coarser precision of the two dates), or the same companies and kind on the same day."""
    title = event.title.casefold()
    year = event.date.start.year
    events = store.events
    window = starting_between(events, (year - 1, 12, 28), (year + 1, 1, 4))
    matcher = difflib.SequenceMatcher(None, "", title)
    for other in events[window.start : window.stop]:
        if not _same_period(event.date, other.date):
            continue
        matcher.set_seq1(other.title.casefold())
        if matcher.real_quick_ratio() >= 0.8 and matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
            return other
        if (
            other.date.first_day == event.date.first_day
            and other.date.precision == event.date.precision == "day"
            and other.kind == event.kind
            and set(other.companies) == set(event.companies)
        ):
            return other
    return None


def check_fields(new: NewEvent, store: Store) -> None:
    """Friendly usage errors naming the option, before any text is produced."""
    try:
        parse_event_date(new.date)
    except DateSyntaxError as error:
        raise UsageError(f"--date: {error}") from None
    if not new.title.strip() or "\n" in new.title.strip() or "\r" in new.title:
        raise UsageError("--title: give a non-empty, single-line title")
    if new.kind not in KINDS:
        raise UsageError(f"--kind: {unknown_kind(new.kind)}")
    registering = {fold_name(n) for n in new.new_companies}
    if len(registering) != len(new.new_companies):
        raise UsageError("--new-company: the same company is given twice")
    for name in new.new_companies:
        if not name.strip() or not name.isprintable():
            raise UsageError(f"--new-company: {visible(name)!r} is not a usable company name")
        if store.registry.resolve(name) is not None:
            raise UsageError(f"--new-company: {name!r} is already registered as {store.registry.resolve(name)!r}")
    for name, parent in new.parents:
        if store.registry.resolve(parent) is None:
            raise UsageError(f"parent of {name!r}: {unknown_company(parent, store.registry)}")
    if not new.companies:
        raise UsageError("--company: give at least one company")
    for name in new.companies:
        if store.registry.resolve(name) is None and fold_name(name) not in registering:
            raise UsageError(
                f"--company: {unknown_company(name, store.registry)}; to register it, add --new-company {name!r}"
            )
    for tag in new.tags:
        check_tag(tag, "--tag")
    for url in new.sources:
        check_source(url, "--source")
    ids = event_ids(store.events)
    if new.id is not None:
        if not ID_RE.fullmatch(new.id) or len(new.id) > ID_MAX:
            raise UsageError(f"--id: {new.id!r} must be lower-case letters, digits and hyphens (at most {ID_MAX})")
        if new.id in ids:
            raise UsageError(f"--id: an event with id {new.id!r} already exists")
    for related in new.related:
        if related not in ids:
            raise UsageError(f"--related: no event with id {related!r}{did_you_mean(related, ids)}")


def target_file(snapshot: Snapshot, year: int) -> int:
    """The file a new event goes to: the store file, or a folder store's year file (created
    with the folder's conventions when missing)."""
    if not snapshot.store_path.is_dir():
        return 0
    for suffix in (".yaml", ".yml"):
        wanted = snapshot.store_path / f"{year}{suffix}"
        for number, state in enumerate(snapshot.files):
            if state.path.name == wanted.name:
                return number
    suffix = ".yml" if all(s.path.suffix == ".yml" for s in snapshot.files) else ".yaml"
    header = next(
        (line for s in snapshot.files for line in s.text.splitlines() if line.startswith("version:")), "version: 1"
    )
    return snapshot.new_file(snapshot.store_path / f"{year}{suffix}", f"{header}\ncompanies: []\nevents: []\n")


def _plan(new: NewEvent, force: bool) -> tuple[list[str], Callable[[Snapshot], Change[str]]]:
    block: list[str] = []

    def plan(snapshot: Snapshot) -> Change[str]:
        block.clear()  # planned again when another program changed the store meanwhile
        store = snapshot.store
        check_fields(new, store)
        taken = event_ids(store.events)
        event_id = new.id or make_id(new.title.strip(), new.date, taken)
        registering = {fold_name(n): n.strip() for n in new.new_companies}
        companies = list(dict.fromkeys(store.registry.resolve(c) or registering[fold_name(c)] for c in new.companies))
        when = parse_event_date(new.date)
        expected = Event(
            event_id,
            when,
            new.title.strip(),
            tuple(companies),
            new.kind,
            tuple(dict.fromkeys(new.tags)),
            new.summary.strip() if new.summary and new.summary.strip() else None,
            tuple(Source(u) for u in new.sources),
            tuple(new.related),
        )
        if not force and (duplicate := find_duplicate(store, expected)) is not None:
            raise DuplicateError(
                f"this looks like an existing event: {duplicate.id} ({duplicate.date.short()}) "
                f"{visible(duplicate.title)!r}; add --force to add it anyway"
            )
        number = target_file(snapshot, when.start.year)
        state = snapshot.files[number]
        style = state.style
        values = {
            "id": event_id,
            "date": new.date.strip(),
            "title": new.title.strip(),
            "companies": companies,
            "kind": new.kind,
            "tags": list(dict.fromkeys(new.tags)),
            "summary": new.summary if new.summary and new.summary.strip() else None,
            "sources": [Source(u) for u in new.sources],
            "related": list(new.related),
        }
        lines = indent_block(event_lines(values, style), style)
        key = sort_key(when, event_id)
        ids = store.order[number] if number < len(store.order) else ()
        position = place_among(store.events, ids, key)
        ops = [Op("insert", number, position, lines)]
        if new.new_companies:
            company_style = detect_style(state.layout, "companies")
            parents = dict(new.parents)
            for name in new.new_companies:
                parent = store.registry.resolve(parents[name]) if name in parents else None
                added = company_lines(name.strip(), parent, company_style)
                block.extend(added)
                ops.append(Op("company", number, lines=added, company=Company(name.strip(), (), parent)))
        block.extend(lines)
        return Change(ops, event_id)

    return block, plan


def add_event(
    path: Path,
    new: NewEvent,
    *,
    dry_run: bool = False,
    force: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    today: date | None = None,
    cache_folder: Path | None = None,
) -> AddResult:
    """Add ``new`` to the store at ``path`` (a file, or a folder's year file) safely."""
    block, plan = _plan(new, force)
    done: Committed[str] = commit(
        path,
        plan,
        validate=validate_fast,
        dry_run=dry_run,
        lock_timeout=lock_timeout,
        cache_folder=cache_folder,
    )
    event = _known(done.store, done.change.info)
    warning = future_warning(event, today) if today is not None else None
    warnings = (warning,) if warning else ()
    written_path = next(iter(done.after), None)
    return AddResult(event, "\n".join(block) + "\n", done.written, warnings, written_path)
