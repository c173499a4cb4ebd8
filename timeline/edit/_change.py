"""Changing and removing events: the block's own lines, and nothing else, change.

``set_fields`` rewrites only the lines of the fields it changes (each in the block's own style,
else the file's); ``replace_block`` puts an edited block (from an editor) in place of the old
one; ``remove_event`` takes the block out, refusing while other events relate to it unless
their links go too. All go through ``_commit``: locked, validated, checked, atomic.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from timeline.edit._check import validate_fast
from timeline.edit._commit import commit, read_snapshot
from timeline.edit._fields import check_company, check_kind, check_source, check_tag, store_date
from timeline.edit._layout import Style, dedent_block, indent_block
from timeline.edit._render import Value, field_lines, key_order
from timeline.edit._snapshot import Change, Committed, Op, OrderMismatch, Snapshot, event_block
from timeline.errors import NotFoundError, TimelineError, UsageError, WriteError
from timeline.fileio import LOCK_TIMEOUT
from timeline.model import Event, Source
from timeline.store._lazy import UntrustedRow, event_ids, events_linking
from timeline.store._parse import ID_MAX, ID_RE
from timeline.store._yaml import prepare_yaml
from timeline.text import did_you_mean, visible

SETTABLE = ("id", "date", "title", "kind", "summary")


class RelatedError(TimelineError):
    """The event cannot go: others still relate to it."""


@dataclass(frozen=True, repr=False, eq=False)
class FieldChanges:
    """What ``timeline edit ID --set/--add-*/--remove-*`` asks for."""

    set: tuple[tuple[str, str], ...] = ()
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    add_sources: tuple[str, ...] = ()
    remove_sources: tuple[str, ...] = ()
    add_companies: tuple[str, ...] = ()
    remove_companies: tuple[str, ...] = ()
    add_related: tuple[str, ...] = ()
    remove_related: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in dataclasses.fields(self))


@dataclass(frozen=True, repr=False, eq=False)
class ChangeResult:
    """What was (or would be) written: the changed files' texts before and after."""

    event_id: str
    before: dict[Path, str]
    after: dict[Path, str]
    written: bool
    unlinked: tuple[str, ...] = ()


def _locate(snapshot: Snapshot, event_id: str) -> tuple[int, int]:
    try:
        return snapshot.file_of(event_id)
    except KeyError:
        ids = sorted(event_ids(snapshot.store.events))
        raise NotFoundError(f"no event with id {visible(event_id)!r}{did_you_mean(event_id, ids)}") from None


# --- fields inside one block ------------------------------------------------------------


@dataclass(repr=False, eq=False)  # internal: no generated __repr__/__eq__, whose making costs every edit's import time
class _Field:
    key: str
    first: int
    end: int


def _block_fields(lines: list[str]) -> tuple[list[_Field], dict[str, object]]:
    """The fields of a dedented block (top-level mapping lines) and their nodes."""
    prepare_yaml()
    import yaml

    from timeline.store import yaml_loader

    root = yaml.compose("\n".join(lines) + "\n", Loader=yaml_loader())
    if root is None or not isinstance(root.value, list):
        raise WriteError("the event's block is not a mapping")
    pairs = root.value
    fields: list[_Field] = []
    for number, (key, _value) in enumerate(pairs):
        first = key.start_mark.line
        end = pairs[number + 1][0].start_mark.line if number + 1 < len(pairs) else len(lines)
        while end > first + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        fields.append(_Field(key.value, first, end))
    return fields, {k.value: v for k, v in pairs}


def _block_style(style: Style, nodes: dict[str, object]) -> Style:
    """The file's style, overridden by how this block already writes its lists."""
    flow = dict(style.flow)
    mappings = style.source_mappings
    for key, node in nodes.items():
        value = getattr(node, "value", None)
        if isinstance(value, list) and value and getattr(node, "tag", "").endswith(":seq"):
            flow[key] = bool(getattr(node, "flow_style", False))
            if key == "sources":
                mappings = any(getattr(item, "tag", "").endswith(":map") for item in value)
    summary = nodes.get("summary")
    summary_style = style.summary
    if summary is not None and getattr(summary, "style", None) in (">", "|"):
        summary_style = str(getattr(summary, "style", ">"))
    return dataclasses.replace(style, flow=flow, source_mappings=mappings, summary=summary_style)


def rewrite_fields(lines: list[str], values: dict[str, Value], style: Style) -> list[str]:
    """The dedented block with each field in ``values`` rewritten (None or empty: removed)."""
    fields, nodes = _block_fields(lines)
    style = _block_style(style, nodes)
    out = list(lines)
    present = [f.key for f in fields]
    order = key_order(style, [*present, *(k for k in values if k not in present)])
    for field in sorted(fields, key=lambda f: f.first, reverse=True):
        if field.key in values:
            out[field.first : field.end] = field_lines(field.key, values[field.key], style)
    for key, value in values.items():
        if key in present or not field_lines(key, value, style):
            continue
        current, _ = _block_fields(out)
        after = [f for f in current if f.key in order and order.index(f.key) > order.index(key)]
        at = min(f.first for f in after) if after else (current[-1].end if current else len(out))
        out[at:at] = field_lines(key, value, style)
    return out


def _new_values(
    event: Event, changes: FieldChanges, store_ids: set[str], snapshot: Snapshot, today: date
) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for key, text in changes.set:
        where = f"--set {key}"
        if key == "date":
            values["date"] = store_date(text, today, where)
        elif key == "title":
            if not text.strip() or "\n" in text.strip() or "\r" in text:
                raise UsageError(f"{where}: give a non-empty, single-line title")
            values["title"] = text.strip()
        elif key == "kind":
            values["kind"] = check_kind(text, where)
        elif key == "summary":
            values["summary"] = text if text.strip() else None
        elif key == "id":
            if not ID_RE.fullmatch(text) or len(text) > ID_MAX:
                raise UsageError(f"{where}: {text!r} must be lower-case letters, digits and hyphens (at most {ID_MAX})")
            if text != event.id and text in store_ids:
                raise UsageError(f"{where}: an event with id {text!r} already exists")
            linked = [e.id for e in events_linking(snapshot.store.events, event.id)]
            if text != event.id and linked:
                raise UsageError(f"{where}: {len(linked)} event(s) relate to {event.id!r}: {', '.join(linked)}")
            values["id"] = text
        else:
            raise UsageError(
                f"--set: {key!r} cannot be set; settable: {', '.join(SETTABLE)} (lists: --add-*/--remove-*)"
            )
    registry = snapshot.store.registry
    if changes.add_tags or changes.remove_tags:
        tags = [t for t in event.tags if t not in changes.remove_tags]
        for tag in changes.remove_tags:
            if tag not in event.tags:
                raise UsageError(f"--remove-tag: {event.id!r} has no tag {tag!r}")
        tags += [check_tag(t, "--add-tag") for t in changes.add_tags if t not in tags]
        values["tags"] = tags
    if changes.add_sources or changes.remove_sources:
        urls = [s.url for s in event.sources]
        for url in changes.remove_sources:
            if url not in urls:
                raise UsageError(f"--remove-source: {event.id!r} has no source {visible(url)!r}")
        sources = [s for s in event.sources if s.url not in changes.remove_sources]
        sources += [Source(check_source(u, "--add-source")) for u in changes.add_sources if u not in urls]
        values["sources"] = sources
    if changes.add_companies or changes.remove_companies:
        removing = [check_company(c, registry, "--remove-company") for c in changes.remove_companies]
        for name in removing:
            if name not in event.companies:
                raise UsageError(f"--remove-company: {event.id!r} does not name {name!r}")
        companies = [c for c in event.companies if c not in removing]
        companies += [check_company(n, registry, "--add-company") for n in changes.add_companies]
        companies = list(dict.fromkeys(companies))
        if not companies:
            raise UsageError("--remove-company: an event needs at least one company")
        values["companies"] = companies
    if changes.add_related or changes.remove_related:
        for related in changes.remove_related:
            if related not in event.related:
                raise UsageError(f"--remove-related: {event.id!r} is not related to {related!r}")
        for related in changes.add_related:
            if related not in store_ids:
                raise UsageError(f"--add-related: no event with id {related!r}{did_you_mean(related, store_ids)}")
        related_ids = [r for r in event.related if r not in changes.remove_related]
        values["related"] = list(dict.fromkeys([*related_ids, *changes.add_related]))
    return values


def _run(
    path: Path,
    event_id: str,
    plan: Callable[[Snapshot], Change[tuple[str, ...]]],
    *,
    dry_run: bool,
    lock_timeout: float,
    cache_folder: Path | None,
) -> ChangeResult:
    done: Committed[tuple[str, ...]] = commit(
        path, plan, validate=validate_fast, dry_run=dry_run, lock_timeout=lock_timeout, cache_folder=cache_folder
    )
    return ChangeResult(event_id, done.before, done.after, done.written, done.change.info)


def set_fields(
    path: Path,
    event_id: str,
    changes: FieldChanges,
    *,
    today: date,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    cache_folder: Path | None = None,
) -> ChangeResult:
    """Change some fields of one event; only their lines in the block change."""
    plan = plan_set_fields(event_id, changes, today)
    return _run(path, event_id, plan, dry_run=dry_run, lock_timeout=lock_timeout, cache_folder=cache_folder)


Plan = Callable[[Snapshot], Change[tuple[str, ...]]]


def plan_set_fields(event_id: str, changes: FieldChanges, today: date) -> Plan:
    def plan(snapshot: Snapshot) -> Change[tuple[str, ...]]:
        number, index = _locate(snapshot, event_id)
        event = snapshot.store.event(event_id)
        if event is None:  # pragma: no cover - _locate found it
            raise NotFoundError(f"no event with id {visible(event_id)!r}")
        values = _new_values(event, changes, event_ids(snapshot.store.events), snapshot, today)
        state = snapshot.files[number]
        style = state.style
        lines = dedent_block(event_block(state, index), style)
        new = indent_block(rewrite_fields(lines, values, style), style)
        return Change([Op("replace", number, index, new)], ())

    return plan


@dataclass(frozen=True, repr=False, eq=False)
class Block:
    """An event's block as an editor shows it: dedented, with where it is."""

    path: Path  # the file holding it
    line: int  # 1-based line of its first line in that file
    lines: tuple[str, ...]
    key_column: int


def read_block(path: Path, event_id: str, cache_folder: Path | None = None) -> Block:
    snapshot = read_snapshot(path, cache_folder)
    try:
        number, index = _locate(snapshot, event_id)
    except (OrderMismatch, UntrustedRow):
        snapshot = read_snapshot(path, None)
        number, index = _locate(snapshot, event_id)
    state = snapshot.files[number]
    first = state.layout.section("events").items[index]
    return Block(
        state.path, first + 1, tuple(dedent_block(event_block(state, index), state.style)), state.style.key_column
    )


def replace_block(
    path: Path,
    event_id: str,
    original: Sequence[str],
    edited: Sequence[str],
    *,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    cache_folder: Path | None = None,
) -> ChangeResult:
    """Put ``edited`` (dedented lines, from an editor) in place of the event's block, if the
    block is still ``original`` in the store; the whole store is validated with it."""
    plan = plan_replace_block(event_id, original, edited)
    return _run(path, event_id, plan, dry_run=dry_run, lock_timeout=lock_timeout, cache_folder=cache_folder)


def plan_replace_block(event_id: str, original: Sequence[str], edited: Sequence[str]) -> Plan:
    def plan(snapshot: Snapshot) -> Change[tuple[str, ...]]:
        number, index = _locate(snapshot, event_id)
        state = snapshot.files[number]
        style = state.style
        if dedent_block(event_block(state, index), style) != list(original):
            raise WriteError(
                f"event {event_id!r} was changed in the store while you were editing it; nothing was written"
            )
        body = list(edited)
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        if not body:
            raise UsageError("the edited event is empty; to remove it, use `timeline rm`")
        return Change([Op("replace", number, index, indent_block(body, style))], ())

    return plan


def replace_file(
    path: Path,
    file: Path,
    original: str,
    edited: str,
    *,
    lock_timeout: float = LOCK_TIMEOUT,
    cache_folder: Path | None = None,
) -> ChangeResult:
    """Replace one file of the store with ``edited`` (``edit --file``), if it is still ``original``."""

    def plan(snapshot: Snapshot) -> Change[tuple[str, ...]]:
        number = next((n for n, s in enumerate(snapshot.files) if s.path == file), None)
        if number is None or snapshot.files[number].text != original:
            raise WriteError(f"{file} was changed while you were editing it; nothing was written")
        return Change([Op("text", number, lines=edited.splitlines())], ())

    return _run(path, "", plan, dry_run=False, lock_timeout=lock_timeout, cache_folder=cache_folder)


def remove_event(
    path: Path,
    event_id: str,
    *,
    unlink: bool = False,
    dry_run: bool = False,
    lock_timeout: float = LOCK_TIMEOUT,
    cache_folder: Path | None = None,
) -> ChangeResult:
    """Take the event's block out; other events' links to it go too only with ``unlink``."""
    plan = plan_remove(event_id, unlink)
    return _run(path, event_id, plan, dry_run=dry_run, lock_timeout=lock_timeout, cache_folder=cache_folder)


def plan_remove(event_id: str, unlink: bool) -> Plan:
    def plan(snapshot: Snapshot) -> Change[tuple[str, ...]]:
        number, index = _locate(snapshot, event_id)
        linked = [e for e in events_linking(snapshot.store.events, event_id) if e.id != event_id]
        if linked and not unlink:
            raise RelatedError(
                f"{len(linked)} event(s) relate to {event_id!r}: {', '.join(e.id for e in linked)}; "
                "add --unlink to remove those links too"
            )
        ops = [Op("delete", number, index)]
        for event in linked:
            where, at = snapshot.file_of(event.id)
            state = snapshot.files[where]
            lines = dedent_block(event_block(state, at), state.style)
            values: dict[str, Value] = {"related": [r for r in event.related if r != event_id]}
            ops.append(Op("replace", where, at, indent_block(rewrite_fields(lines, values, state.style), state.style)))
        return Change(ops, tuple(e.id for e in linked))

    return plan
