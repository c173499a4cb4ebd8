"""Load and validate a store: merge a folder's files and turn findings into a Store or a StoreError.

Reading and composing live in ``_yaml``, walking nodes in ``_parse``, finding the files in
``_find``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.errors import Finding, StoreError
from timeline.model import Event, Registry, with_ancestors
from timeline.store import _yaml
from timeline.store._find import store_files
from timeline.store._parse import Parsed, Walker, parse_event, parse_top
from timeline.store._registry import build_registry
from timeline.store._yaml import compose, decode, gc_paused, read_bytes
from timeline.text import skeleton, visible

if TYPE_CHECKING:
    from yaml.nodes import Node

# --- the loaded store --------------------------------------------------------------------


class Store:
    """A validated store: events in chronological order and the company registry."""

    __slots__ = ("events", "files", "order", "registry", "warnings")

    def __init__(
        self,
        events: Sequence[Event],
        registry: Registry,
        files: tuple[Path, ...] = (),
        warnings: tuple[Finding, ...] = (),
        order: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        # A tuple, or for an edit's cached snapshot a LazyEvents (built as they are read).
        self.events = events
        self.registry = registry
        self.files = files
        self.warnings = warnings
        # The ids of each file's events in file order: lets an edit find an event's block by
        # scanning lines, without composing the file (see timeline.edit._layout).
        self.order = order

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Store) and (other.events, other.registry, other.files, other.warnings) == (
            self.events,
            self.registry,
            self.files,
            self.warnings,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable attributes: equal stores need not hash alike

    def __repr__(self) -> str:
        return f"Store({len(self.events)} events, {len(self.registry.companies)} companies)"

    def event(self, event_id: str) -> Event | None:
        from timeline.store._lazy import find_event

        return find_event(self.events, event_id)


# --- public entry points -------------------------------------------------------------------


def load(path: Path, *, today: date | None = None) -> Store:
    """Load and validate a store file or folder; raise StoreError listing every problem.

    With ``today``, the returned store also carries the warnings ``timeline validate`` shows.
    """
    findings: list[Finding] = []
    return load_bytes(read_files(path, findings), findings, today=today)


def read_files(path: Path, findings: list[Finding]) -> list[tuple[Path, bytes]]:
    """The bytes of each file of the store that can be read; why the others cannot goes in
    ``findings`` (so loading them reports it)."""
    files = store_files(path)
    if len(files) > _yaml.MAX_STORE_FILES:
        message = f"the folder holds {len(files)} store files; the limit is {_yaml.MAX_STORE_FILES}"
        findings.append(Finding(str(path), 1, 1, "error", message))
        return []
    contents: list[tuple[Path, bytes]] = []
    budget = _yaml.MAX_STORE_BYTES  # one budget for the whole store, however many files it has
    for file in files:
        data = read_bytes(file, findings, budget)
        if data is not None:
            contents.append((file, data))
            budget -= len(data)
    return contents


def load_bytes(
    contents: list[tuple[Path, bytes]], findings: list[Finding] | None = None, *, today: date | None = None
) -> Store:
    """Load a store from files already read (the cache hashes exactly the bytes it loads)."""
    findings = [] if findings is None else findings
    texts = [(path, decode(data, str(path), findings)) for path, data in contents]
    return _load_texts([(f, t) for f, t in texts if t is not None], findings, today)


def load_text(text: str, label: str = "<text>", *, today: date | None = None) -> Store:
    """Load a store from text (used by tests and by the writer to check what it writes)."""
    return _load_texts([(Path(label), text)], [], today)


def load_part(texts: list[tuple[Path, str]], outside_ids: frozenset[str]) -> Store:
    """Validate some files of a folder store whose other files are known to be valid (the
    cache's partial reload): ``outside_ids`` are the other files' event ids, which related
    links may name and new events must not reuse."""
    return _load_texts(texts, [], None, outside_ids)


def _load_texts(
    texts: list[tuple[Path, str]],
    findings: list[Finding],
    today: date | None,
    outside_ids: frozenset[str] = frozenset(),
) -> Store:
    walker = Walker(findings)
    parsed: list[Parsed] = []
    with gc_paused():
        for path, text in texts:
            walker.label = str(path)
            root = compose(text, str(path), findings)
            foreign = not_a_store(root)
            if foreign is not None:  # one line instead of an error for every key of every entry
                findings.append(Finding(str(path), 1, 1, "error", foreign))
                continue
            parsed.append(parse_top(walker, root, path))
        registry = build_registry(walker, parsed)
        events: list[Event] = []
        nodes: dict[str, tuple[str, Node]] = {}
        related_items: list[tuple[str, str, list[tuple[str, Node]]]] = []
        order: list[tuple[str, ...]] = []
        for part in parsed:
            walker.label = part.label
            start = len(events)
            for node in part.events:
                event = parse_event(walker, node, registry)
                if event is None:
                    continue
                if event.id in outside_ids:
                    walker.error(node, f"duplicate id {event.id!r} (also in another file)")
                    continue
                if event.id in nodes:
                    label, first = nodes[event.id]
                    walker.error(node, f"duplicate id {event.id!r} (first at {label}:{first.start_mark.line + 1})")
                    continue
                nodes[event.id] = (part.label, node)
                events.append(event)
                if walker.related_nodes:
                    related_items.append((part.label, event.id, walker.related_nodes))
            order.append(tuple(e.id for e in events[start:]))
        for label, event_id, items in related_items:
            walker.label = label
            for related, item in items:
                if related not in nodes and related not in outside_ids:
                    walker.error(
                        item,
                        f"event {event_id!r} is related to unknown id {visible(related)!r}"
                        f"{walker.suggest(related, nodes)}",
                    )
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            raise StoreError(sorted(errors, key=lambda f: f.order))
        events.sort(key=lambda e: e.sort_key)
        warnings = _warnings(events, registry, nodes, parsed, today) if today is not None else []
    return Store(tuple(events), registry, tuple(p.path for p in parsed), tuple(warnings), tuple(order))


def not_a_store(root: Node | None) -> str | None:
    """Why a YAML (or JSON) document is clearly not a store at all, or None: a mapping with
    neither ``version`` nor ``companies`` (a TimelineJS export, say) is summed up in one line."""
    from yaml.nodes import MappingNode, SequenceNode

    if not isinstance(root, MappingNode):
        return None
    keys = [str(key.value) for key, _ in root.value]
    if "version" in keys or "companies" in keys:
        return None
    what = "this is not a timeline store: no `version:` or `companies:` key"
    events = next((value for key, value in root.value if key.value == "events"), None)
    if isinstance(events, SequenceNode) and events.value and isinstance(events.value[0], MappingNode):
        fields = {str(key.value) for key, _ in events.value[0].value}
        if "start_date" in fields or "unique_id" in fields:
            return f"{what}; it looks like a TimelineJS file (events with start_date); see `timeline schema`"
    shown = ", ".join(visible(k) for k in keys[:5]) + (", ..." if len(keys) > 5 else "")
    return f"{what} (its top-level keys: {shown}); see `timeline schema` for the format"


def _warnings(
    events: list[Event],
    registry: Registry,
    nodes: dict[str, tuple[str, Node]],
    parsed: list[Parsed],
    today: date,
) -> list[Finding]:
    found: list[Finding] = []

    def warn(label: str, node: Node, message: str) -> None:
        mark = node.start_mark
        found.append(Finding(label, mark.line + 1, mark.column + 1, "warning", message))

    used: set[str] = set()
    for event in events:
        label, node = nodes[event.id]
        used.update(event.companies)
        if not event.sources:
            warn(label, node, f"event {event.id!r} has no sources")
        for source in event.sources:
            if not source.url.startswith("https://"):
                warn(label, node, f"event {event.id!r} has a source that is not https: {visible(source.url)}")
        if event.date.first_day > today:
            warn(label, node, f"event {event.id!r} starts after today ({today.isoformat()})")
    parents = {c.name: c.parent for c in registry.companies}
    covered = with_ancestors(used, parents)
    for part in parsed:
        for raw in part.companies:
            if raw.company.name in parents and raw.company.name not in covered:
                warn(raw.label, raw.node, f"company {visible(raw.company.name)!r} is not used by any event")
    looks: dict[str, str] = {}
    for part in parsed:
        for raw in part.companies:
            name = raw.company.name
            if name not in parents:
                continue
            for shown in (name, *raw.company.aliases):
                first = looks.setdefault(skeleton(shown), name)
                if first != name:
                    warn(
                        raw.label,
                        raw.node,
                        f"company {visible(name)!r} looks like {visible(first)!r} (they differ only in look-alike "
                        "or invisible characters); if they are the same company, make it an alias",
                    )
                    break
    return sorted(found, key=lambda f: f.order)
