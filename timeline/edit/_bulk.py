"""Many events at once (``timeline import``): inserted in chronological order, merged ones
rewritten, new companies appended, all in one locked, atomic write of each file.

Like ``add``, nothing is re-serialised: the new and merged events are rendered in the file's
own style and spliced in as lines, so every other byte stays as it was. Before anything is
written, the rendered lines are read back with the store's own parser and must give exactly
the planned events; a difference is a bug and stops the write.
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.edit._blocktext import (
    _dash_line,
    _item_edit,
    _item_key,
    date_scalar,
    detect_style,
    end_line,
    insertion_line,
    quote,
    render_mapping,
)
from timeline.errors import Finding, UnwritableEvents, WriteError
from timeline.model import EVENT_FIELDS, IMPORTED_FIELDS, Company, Event, Registry, Source
from timeline.store import Store, yaml_loader

if TYPE_CHECKING:
    from yaml.nodes import Node


_FAST_PLAIN = re.compile(r"[A-Za-z][^\n\r\t,\[\]{}#]* [^\n\r\t,\[\]{}#]*")


def _text(text: str) -> str:
    """``quote(text)``, without its YAML round trip for the common case: several words starting
    with a letter (no YAML type reads those, so ``quote`` would leave them plain too)."""
    if _FAST_PLAIN.fullmatch(text) and ": " not in text and not text.endswith((":", " ")) and text.isprintable():
        return text
    return quote(text)


def _q(text: str) -> str:
    """Always quoted (inside a flow mapping a plain ``?`` or ``,`` would end the scalar)."""
    quoted = quote(text)
    return quoted if quoted.startswith('"') else json.dumps(text, ensure_ascii=False)


def _flow(pairs: Sequence[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


def _source(source: Source) -> str:
    if source.title is None and source.publisher is None and source.note is None:
        return _q(source.url)
    return _flow([(k, _q(v)) for k, v in zip(source._fields, source, strict=True) if v is not None])


def event_fields(event: Event, order: Sequence[str]) -> list[tuple[str, str | list[str]]]:
    """The event's keys and rendered values, in the file's key order, then the model's."""
    values: dict[str, str | list[str]] = {
        "id": quote(event.id),  # ids like `on`, `2024` or `2024-01-02` read as a yes/no, a number, a date
        "date": date_scalar(str(event.date)),
        "title": _text(event.title),
        "companies": [quote(c) for c in event.companies],
        "kind": event.kind,
    }
    if event.tags:
        values["tags"] = [quote(t) for t in event.tags]
    if event.summary:
        values["summary"] = _text(event.summary)
    if event.sources:
        values["sources"] = [_source(s) for s in event.sources]
    if event.related:
        values["related"] = [quote(r) for r in event.related]
    if event.imported is not None:
        pairs = [
            (k, str(v) if k in ("row", "at") else _q(str(v)))
            for k, v in zip(IMPORTED_FIELDS, event.imported, strict=True)
            if v is not None
        ]
        values["imported"] = _flow(pairs)
    keys = [k for k in order if k in values]
    for key in EVENT_FIELDS:
        if key in values and key not in keys:
            before = [k for k in EVENT_FIELDS[: EVENT_FIELDS.index(key)] if k in keys]
            keys.insert(keys.index(before[-1]) + 1 if before else 0, key)
    return [(k, values[k]) for k in keys]


@dataclass(frozen=True)
class BulkEdit:
    """What to change in one file."""

    added: list[Event] = field(default_factory=list)
    replaced: list[Event] = field(default_factory=list)  # merged events, by id
    companies: list[str] = field(default_factory=list)


def _check(blocks: list[str], expected: list[Event], registry: Registry, label: str) -> None:
    """Read the rendered events back with the store's parser: they must be exactly the plan."""
    import yaml

    from timeline.store._parse import Walker, parse_event

    if not expected:
        return
    findings: list[Finding] = []
    walker = Walker(findings)
    walker.label = label
    root = yaml.compose("events:\n" + "\n".join(blocks) + "\n", Loader=yaml_loader())
    nodes = root.value[0][1].value if root is not None else []
    got = [parse_event(walker, node, registry) for node in nodes]
    if findings:  # located in text that is never written: say which event instead
        starts = [node.start_mark.line + 1 for node in nodes]  # 1-based, as the findings are
        raise UnwritableEvents(
            [(expected[max(bisect.bisect_right(starts, f.line) - 1, 0)].id, f.message) for f in findings]
        )
    if got != expected:  # pragma: no cover - a rendering bug; never write it
        raise WriteError("the imported events did not read back as planned; nothing was written")


def apply(text: str, edit: BulkEdit, registry: Registry, label: str, event_ids: set[str] | None = None) -> str:
    """``text`` with ``edit`` applied (see the module docstring).

    With ``event_ids`` (the ids the store loaded from ``text``), the events are found by their
    lines (``_scan``) when the file is in plain block style; otherwise the document is composed.
    """
    if event_ids:
        fast = _apply_scanned(text, edit, registry, label, event_ids)
        if fast is not None:
            return fast
    import yaml

    root = yaml.compose(text, Loader=yaml_loader())
    if root is None:  # pragma: no cover - the store was loaded just before
        raise WriteError("the store is empty")
    if getattr(root, "flow_style", False):
        raise WriteError("cannot import into a store written as one flow mapping ({...}); write it as block YAML first")
    top = {k.value: v for k, v in root.value}
    lines = text.splitlines()
    events_node = top["events"]
    items = events_node.value if isinstance(events_node.value, list) else []
    style = detect_style(items, lines)
    checked: list[str] = []
    # line -> lines to insert before it; (first, end) -> replacement for a merged event's lines
    inserts: dict[int, list[str]] = {}
    replace: dict[int, tuple[int, list[str]]] = {}
    found = [_item_key(node) for node in items]
    keys = [k for k in found if k is not None]
    ids = {}
    for i, node in enumerate(items):
        for key_node, value_node in getattr(node, "value", ()):
            if getattr(key_node, "value", None) == "id" and isinstance(value_node.value, str):
                ids[value_node.value] = i
    for event in edit.replaced:
        index = ids[event.id]
        rendering = render_mapping(event_fields(event, style.key_order), style)
        first = _dash_line(items[index], lines)
        if first is None:
            raise WriteError("cannot find where an event starts: the events list is not a plain block list")
        replace[first] = (_item_end(items, index, lines), rendering)
        checked += rendering
    ordered = sorted(edit.added, key=lambda e: e.sort_key)
    sortable = len(keys) == len(found) and all(a <= b for a, b in itertools.pairwise(keys))
    groups: dict[int, list[Event]] = {}
    for event in ordered:
        if sortable:
            position = bisect.bisect_right(keys, event.sort_key)
        else:
            position = next((i for i, k in enumerate(found) if k is not None and k > event.sort_key), len(items))
        groups.setdefault(position, []).append(event)
    edits: list[tuple[int, list[str], tuple[int, str] | None]] = []
    for position, events in groups.items():
        block: list[str] = []
        for n, event in enumerate(events):
            rendered = render_mapping(event_fields(event, style.key_order), style)
            checked += rendered
            block += ([""] if n and style.blank_between else []) + rendered
        edits.append(_item_edit(events_node, items, position, block, style.blank_between, lines))
    if edit.companies:
        node = top["companies"]
        company_items = node.value if isinstance(node.value, list) else []
        company_style = detect_style(company_items, lines)
        added = [line for name in edit.companies for line in render_mapping([("name", quote(name))], company_style)]
        edits.append(_item_edit(node, company_items, len(company_items), added, False, lines))
    full = Registry(registry.companies + tuple(Company(name) for name in edit.companies))
    _check(checked, [*edit.replaced, *ordered], full, label)
    return _assemble(text, inserts, replace, edits)


def _apply_scanned(text: str, edit: BulkEdit, registry: Registry, label: str, event_ids: set[str]) -> str | None:
    """``apply`` for a plain block-style file, without composing it; None to compose instead."""
    from timeline.edit._scan import scan_list

    lines = text.splitlines()
    layout = scan_list(lines, "events", "id", event_ids)
    if layout is None:
        return None
    companies = None
    if edit.companies:
        companies = scan_list(lines, "companies", "name", {c.name for c in registry.companies})
        if companies is None:
            return None
    style = layout.style
    checked: list[str] = []
    replace: dict[int, tuple[int, list[str]]] = {}
    for event in edit.replaced:
        index = layout.ids[event.id]
        rendering = render_mapping(event_fields(event, style.key_order), style)
        replace[layout.dash[index]] = (layout.ends[index], rendering)
        checked += rendering
    ordered = sorted(edit.added, key=lambda e: e.sort_key)
    keys = [k for k in layout.keys if k is not None]
    sortable = len(keys) == len(layout.keys) and all(a <= b for a, b in itertools.pairwise(keys))
    groups: dict[int, list[Event]] = {}
    for event in ordered:
        if sortable:
            position = bisect.bisect_right(keys, event.sort_key)
        else:
            position = next(
                (i for i, k in enumerate(layout.keys) if k is not None and k > event.sort_key), len(layout.keys)
            )
        groups.setdefault(position, []).append(event)
    inserts: dict[int, list[str]] = {}
    blank = [""] if style.blank_between else []
    for position, events in groups.items():
        block: list[str] = []
        for n, event in enumerate(events):
            rendered = render_mapping(event_fields(event, style.key_order), style)
            checked += rendered
            block += (blank if n else []) + rendered
        if position < len(layout.dash):
            inserts.setdefault(layout.heads[position], []).extend(block + blank)
        else:
            inserts.setdefault(layout.ends[-1], []).extend(blank + block)
    if companies is not None:
        added = [line for name in edit.companies for line in render_mapping([("name", quote(name))], companies.style)]
        inserts.setdefault(companies.ends[-1], []).extend(added)
    full = Registry(registry.companies + tuple(Company(name) for name in edit.companies))
    _check(checked, [*edit.replaced, *ordered], full, label)
    return _assemble(text, inserts, replace, [])


def _item_end(items: list[Node], index: int, lines: list[str]) -> int:
    """The line after the last content line of ``items[index]``: before the next item's dash,
    above the blank lines and comments that lead up to it."""
    # above the next item's heading comments, or after the last item
    end = insertion_line(items, index + 1, lines) if index + 1 < len(items) else end_line(items[index])
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    return end


def _assemble(
    text: str,
    inserts: dict[int, list[str]],
    replace: dict[int, tuple[int, list[str]]],
    edits: list[tuple[int, list[str], tuple[int, str] | None]],
) -> str:
    """Build the new text in one pass over the lines (many inserts, each O(1))."""
    source = text.splitlines(keepends=True)
    newline = "\r\n" if source and source[0].endswith("\r\n") else "\n"
    if source and not source[-1].endswith(("\n", "\r")):
        source[-1] += newline
    rewrites: dict[int, str] = {}
    for line, new_lines, rewrite in edits:
        inserts.setdefault(line, []).extend(new_lines)
        if rewrite is not None:
            rewrites[rewrite[0]] = rewrite[1]
    out: list[str] = []
    skip_until = -1
    for number in range(len(source) + 1):
        for new_line in inserts.get(number, ()):
            out.append(new_line + newline)
        if number == len(source):
            break
        if number in replace:
            end, block = replace[number]
            out += [line + newline for line in block]
            skip_until = end
        if number < skip_until:
            continue
        if number in rewrites:
            ending = source[number][len(source[number].rstrip("\r\n")) :]
            out.append(rewrites[number] + ending)
        else:
            out.append(source[number])
    return "".join(out)


def new_store(store: Store, edit: BulkEdit, files: tuple[Path, ...], order: tuple[tuple[str, ...], ...]) -> Store:
    """The store after ``edit``, without reading it again (for the cache entry); ``order``:
    each file's ids in file order."""
    replaced = {e.id: e for e in edit.replaced}
    events = [replaced.get(e.id, e) for e in store.events] + list(edit.added)
    events.sort(key=lambda e: e.sort_key)
    registry = Registry(store.registry.companies + tuple(Company(name) for name in edit.companies))
    return Store(tuple(events), registry, files, (), order)


def write_bulk(path: Path, text: str, original: bytes, store: Store, edit: BulkEdit) -> tuple[bytes, Store]:
    """Write ``edit`` into the file at ``path`` (the caller holds its lock); the bytes written
    and the store they hold."""
    from timeline.fileio import atomic_write, signals_as_interrupts

    new_text = apply(text, edit, store.registry, str(path), {e.id for e in store.events})
    data = new_text.encode("utf-8")
    if original.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    real = path.resolve()
    mode = real.stat().st_mode & 0o7777
    with signals_as_interrupts():
        atomic_write(real, data, mode=mode)
    ids = {e.id for e in store.events} | {e.id for e in edit.added}
    return data, new_store(store, edit, store.files, (_ids_of(new_text, ids),))


SKELETON = "version: 1\ncompanies: []\nevents: []\n"


def _ids_in(text: str) -> set[str]:
    """The event ids of one file of a folder store."""
    return set(_ids_of(text))


def _ids_of(text: str, expected: set[str] | None = None) -> tuple[str, ...]:
    """The event ids of one store file in file order (the store's ``order``, which edits use
    to find blocks): from a line scan when it finds exactly ``expected``, else composed."""
    if expected:
        from timeline.edit._scan import scan_list

        layout = scan_list(text.splitlines(), "events", "id", expected)
        if layout is not None:
            return tuple(sorted(layout.ids, key=layout.ids.__getitem__))
    import yaml

    root = yaml.compose(text, Loader=yaml_loader())
    top = {k.value: v for k, v in root.value} if root is not None and isinstance(root.value, list) else {}
    items = top["events"].value if "events" in top and isinstance(top["events"].value, list) else []
    return tuple(
        v.value
        for item in items
        if isinstance(item.value, list)
        for k, v in item.value
        if getattr(k, "value", None) == "id" and isinstance(v.value, str)
    )


def write_folder(folder: Path, store: Store, edit: BulkEdit) -> tuple[list[tuple[Path, bytes]], Store]:
    """Write ``edit`` into a folder store (the caller holds its lock): each new event goes to the
    file of its year, ``YYYY.yaml`` (made when missing), a merged event stays in its file, new
    companies go to the first file. Every file's new text is made and checked before any is
    written; each is then written atomically."""
    from timeline.fileio import atomic_write, signals_as_interrupts
    from timeline.store import read_text, store_files

    files = store_files(folder)
    texts: dict[Path, tuple[bytes, str]] = {f: read_text(f) for f in files}
    owner = {event_id: f for f in files for event_id in _ids_in(texts[f][1])}
    plans: dict[Path, BulkEdit] = {}

    def plan(path: Path) -> BulkEdit:
        return plans.setdefault(path, BulkEdit([], [], []))

    for event in edit.added:
        target = folder / f"{event.date.start.year}.yaml"
        if target not in texts and (folder / f"{event.date.start.year}.yml") in texts:
            target = folder / f"{event.date.start.year}.yml"
        if target not in texts:
            texts[target] = (b"", SKELETON)
        plan(target).added.append(event)
    for event in edit.replaced:
        plan(owner[event.id]).replaced.append(event)
    if edit.companies:
        plan(files[0]).companies.extend(edit.companies)
    registry = Registry(store.registry.companies + tuple(Company(name) for name in edit.companies))
    new_texts: dict[Path, bytes] = {}
    for path, part in plans.items():
        original, text = texts[path]
        data = apply(text, part, registry if not part.companies else store.registry, str(path)).encode("utf-8")
        new_texts[path] = b"\xef\xbb\xbf" + data if original.startswith(b"\xef\xbb\xbf") else data
    written: list[tuple[Path, bytes]] = []
    with signals_as_interrupts():
        for path, data in sorted(new_texts.items()):
            real = path.resolve() if path.exists() else path
            mode = real.stat().st_mode & 0o7777 if path.exists() else 0o644
            atomic_write(real, data, mode=mode)
            written.append((path, data))
    now = tuple(store_files(folder))
    order = tuple(_ids_of(new_texts[f].decode("utf-8-sig") if f in new_texts else texts[f][1]) for f in now)
    return written, new_store(store, edit, now, order)
