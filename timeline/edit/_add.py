"""Adding events to a store file without ever losing data.

Under an exclusive lock (``<store>.lock`` beside the real file) the store is read again,
validated, edited as text (see ``_yamltext``), the new text is validated by loading it, and only
then written through a temporary file, fsync and rename. Any failure leaves the store untouched.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from timeline.dates import DateSyntaxError, parse_event_date
from timeline.edit._yamltext import (
    date_scalar,
    detect_style,
    end_line,
    insertion_line,
    quote,
    render_mapping,
    splice,
)
from timeline.errors import NotFoundError, TimelineError, UsageError, WriteError
from timeline.fileio import atomic_write, locked, signals_as_interrupts
from timeline.model import EVENT_FIELDS, KINDS, Event, sort_key, unknown_company, unknown_kind
from timeline.store import Store, load_text, read_text, yaml_loader
from timeline.store._parse import ID_MAX, ID_RE
from timeline.text import did_you_mean, fold_name, visible


# The edit path's value types are dataclasses: built once per write, where their definition cost
# (a fraction of a millisecond) is nothing beside the write, unlike the values a read builds.
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


@dataclass(frozen=True)
class AddResult:
    """The event as it loaded back, and the YAML lines that were (or would be) added."""

    event: Event
    inserted: str
    written: bool


class DuplicateError(TimelineError):
    """The new event looks like one already in the store."""


def make_id(title: str, date_text: str, taken: set[str]) -> str:
    """A readable unique id from the title and the year: ``microsoft-invests-in-openai-2019``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "event"
    year = date_text[:4]
    limit = ID_MAX - len(year) - 4
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    base = slug if slug.endswith(year) else f"{slug}-{year}"
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}-{counter}", counter + 1
    return candidate


def find_duplicate(store: Store, event: Event) -> Event | None:
    """An existing event that is probably the same: similar title within 3 days, or same
    companies and kind on the same day."""
    title = event.title.casefold()
    for other in store.events:
        gap = abs((other.date.first_day - event.date.first_day).days)
        if gap <= 3 and difflib.SequenceMatcher(None, title, other.title.casefold()).ratio() >= 0.8:
            return other
        if gap == 0 and other.kind == event.kind and set(other.companies) == set(event.companies):
            return other
    return None


def _check_fields(new: NewEvent, store: Store) -> None:
    """Friendly usage errors for option values, before any text is produced."""
    try:
        parse_event_date(new.date)
    except DateSyntaxError as error:
        raise UsageError(f"--date: {error}") from None
    if not new.title.strip() or "\n" in new.title.strip():
        raise UsageError("--title: give a non-empty, single-line title")
    if new.kind not in KINDS:
        raise UsageError(f"--kind: {unknown_kind(new.kind)}")
    registering = {fold_name(n) for n in new.new_companies}
    for name in new.new_companies:
        if store.registry.resolve(name) is not None:
            raise UsageError(f"--new-company: {name!r} is already registered as {store.registry.resolve(name)!r}")
    for name in new.companies:
        if store.registry.resolve(name) is None and fold_name(name) not in registering:
            raise UsageError(
                f"--company: {unknown_company(name, store.registry)}; to register it, add --new-company {name!r}"
            )
    ids = {e.id for e in store.events}
    if new.id is not None:
        if not ID_RE.fullmatch(new.id) or len(new.id) > ID_MAX:
            raise UsageError(f"--id: {new.id!r} must be lower-case letters, digits and hyphens (at most {ID_MAX})")
        if new.id in ids:
            raise UsageError(f"--id: an event with id {new.id!r} already exists")
    for related in new.related:
        if related not in ids:
            raise UsageError(f"--related: no event with id {related!r}{did_you_mean(related, ids)}")


def _event_fields(new: NewEvent, event_id: str, order: Sequence[str]) -> list[tuple[str, str | list[str]]]:
    values: dict[str, str | list[str]] = {
        "id": event_id,
        "date": date_scalar(new.date),
        "title": quote(new.title.strip()),
        "companies": [quote(c) for c in new.companies],
        "kind": new.kind,
    }
    if new.tags:
        values["tags"] = [quote(t) for t in new.tags]
    if new.summary:
        values["summary"] = quote(new.summary)
    if new.sources:
        values["sources"] = [quote(s) for s in new.sources]
    if new.related:
        values["related"] = list(new.related)
    keys = [k for k in order if k in values]
    for key in EVENT_FIELDS:  # a key the file's events lack goes after its usual predecessor
        if key in values and key not in keys:
            before = [k for k in EVENT_FIELDS[: EVENT_FIELDS.index(key)] if k in keys]
            keys.insert(keys.index(before[-1]) + 1 if before else 0, key)
    return [(k, values[k]) for k in keys]


def plan_text(text: str, store: Store, new: NewEvent, label: str) -> tuple[str, list[str], Event]:
    """The store text with the new event (and companies) inserted, the added lines, the event."""
    import yaml

    _check_fields(new, store)
    event_id = new.id or make_id(new.title.strip(), new.date, {e.id for e in store.events})
    root = yaml.compose(text, Loader=yaml_loader())
    if root is None:  # pragma: no cover - the store was loaded (and so is not empty) just before
        raise WriteError("the store is empty")
    top = {k.value: v for k, v in root.value}
    lines = text.splitlines()
    edits: list[tuple[int, list[str], tuple[int, str] | None]] = []  # (line, new lines, line rewrite)

    events_node = top["events"]
    items = events_node.value if isinstance(events_node.value, list) else []
    style = detect_style(items, lines)
    block = render_mapping(_event_fields(new, event_id, style.key_order), style)
    new_key = sort_key(parse_event_date(new.date), event_id)
    position = next(
        (i for i, node in enumerate(items) if (key := _item_key(node)) is not None and key > new_key), len(items)
    )
    edits.append(_item_edit(events_node, items, position, block, style.blank_between, lines))

    if new.new_companies:
        companies_node = top["companies"]
        company_items = companies_node.value if isinstance(companies_node.value, list) else []
        company_style = detect_style(company_items, lines)
        added = [line for name in new.new_companies for line in render_mapping([("name", quote(name))], company_style)]
        edits.append(_item_edit(companies_node, company_items, len(company_items), added, False, lines))

    new_text = text
    for line, new_lines, rewrite in sorted(edits, key=lambda e: e[0], reverse=True):
        if rewrite is not None:
            row, replacement = rewrite
            all_lines = new_text.splitlines(keepends=True)
            ending = all_lines[row][len(all_lines[row].rstrip("\r\n")) :]
            all_lines[row] = replacement + ending
            new_text = "".join(all_lines)
        new_text = splice(new_text, line, new_lines)
    checked = load_text(new_text, label)  # the new text must pass the same validation
    event = checked.event(event_id)
    if event is None:  # pragma: no cover - load_text would have failed
        raise WriteError("the new event did not load back")
    return new_text, block, event


def _item_key(node: object) -> tuple[int, int, int, int, int, int, str] | None:
    """The chronological sort key of an existing event node, read from its date and id."""
    value = getattr(node, "value", None)
    if not isinstance(value, list):
        return None
    fields = {k.value: v.value for k, v in value if hasattr(v, "value") and isinstance(v.value, str)}
    try:
        date = parse_event_date(fields["date"])
    except (KeyError, DateSyntaxError):
        return None
    return sort_key(date, fields.get("id", ""))


def _item_edit(
    list_node: object, items: list[object], position: int, block: list[str], blank: bool, lines: list[str]
) -> tuple[int, list[str], tuple[int, str] | None]:
    """Where and what to insert so that ``block`` becomes item ``position`` of ``list_node``."""
    mark = list_node.start_mark  # type: ignore[attr-defined]
    if not items:
        if getattr(list_node, "flow_style", False):  # `events: []` becomes a block list
            row = mark.line
            original = lines[row]
            replacement = original[: mark.column].rstrip() + original[list_node.end_mark.column :]  # type: ignore[attr-defined]
            return row + 1, block, (row, replacement.rstrip())
        return mark.line + 1, block, None
    if getattr(list_node, "flow_style", False):
        raise WriteError("cannot add to a flow-style list ([...]); write it as a block list first")
    if position < len(items):
        line = insertion_line(items, position, lines)  # type: ignore[arg-type]
        return line, block + ([""] if blank else []), None
    line = end_line(items[-1])  # type: ignore[arg-type]
    while line > 0 and not lines[line - 1].strip():
        line -= 1
    return line, ([""] if blank else []) + block, None


def add_event(
    path: Path, new: NewEvent, *, dry_run: bool = False, force: bool = False, lock_timeout: float | None = None
) -> AddResult:
    """Add ``new`` to the store file at ``path`` safely; see the module docstring."""
    if path.is_dir():
        raise UsageError("timeline add writes to one file; choose it with -f FILE")
    if not path.exists():
        raise NotFoundError(f"store not found: {path}")
    real = path.resolve()
    with locked(path, lock_timeout):
        original, text = read_text(path)
        store = load_text(text, str(path))
        new_text, block, event = plan_text(text, store, new, str(path))
        duplicate = None if force else find_duplicate(store, event)
        if duplicate is not None:
            raise DuplicateError(
                f"this looks like an existing event: {duplicate.id} ({duplicate.date.short()}) "
                f"{visible(duplicate.title)!r}; add --force to add it anyway"
            )
        if dry_run:
            return AddResult(event, "\n".join(block) + "\n", written=False)
        data = new_text.encode("utf-8")
        if original.startswith(b"\xef\xbb\xbf"):
            data = b"\xef\xbb\xbf" + data
        mode = real.stat().st_mode & 0o7777
        with signals_as_interrupts():
            atomic_write(real, data, mode=mode)
    return AddResult(event, "\n".join(block) + "\n", written=True)
