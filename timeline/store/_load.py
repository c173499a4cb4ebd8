"""Load and validate a store: merge a folder's files and turn findings into a Store or a StoreError.

Reading and composing live in ``_yaml``, walking nodes in ``_parse``, finding the files in
``_find``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.errors import Finding, StoreError
from timeline.model import Event, Registry
from timeline.store._find import store_files
from timeline.store._parse import Parsed, Walker, build_registry, parse_event, parse_top
from timeline.store._yaml import compose, decode, gc_paused, read_bytes
from timeline.text import did_you_mean, visible

if TYPE_CHECKING:
    from yaml.nodes import Node

# --- the loaded store --------------------------------------------------------------------


class Store:
    """A validated store: events in chronological order and the company registry."""

    __slots__ = ("events", "files", "order", "registry", "warnings")

    def __init__(
        self,
        events: tuple[Event, ...],
        registry: Registry,
        files: tuple[Path, ...] = (),
        warnings: tuple[Finding, ...] = (),
        order: tuple[tuple[str, ...], ...] = (),
    ) -> None:
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
        return next((e for e in self.events if e.id == event_id), None)


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
    contents = [(f, read_bytes(f, findings)) for f in store_files(path)]
    return [(f, data) for f, data in contents if data is not None]


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
            parsed.append(parse_top(walker, compose(text, str(path), findings), path))
        registry = build_registry(walker, parsed)
        events: list[Event] = []
        nodes: dict[str, tuple[str, Node]] = {}
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
            order.append(tuple(e.id for e in events[start:]))
        for event in events:
            for related in event.related:
                if related not in nodes and related not in outside_ids:
                    walker.label, node = nodes[event.id]
                    walker.error(
                        node,
                        f"event {event.id!r} is related to unknown id {visible(related)!r}"
                        f"{did_you_mean(related, nodes)}",
                    )
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            raise StoreError(sorted(errors, key=lambda f: f.order))
        events.sort(key=lambda e: e.sort_key)
        warnings = _warnings(events, registry, nodes, parsed, today) if today is not None else []
    return Store(tuple(events), registry, tuple(p.path for p in parsed), tuple(warnings), tuple(order))


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
    covered: set[str] = set()
    for name in used:
        current: str | None = name
        while current is not None and current not in covered:
            covered.add(current)
            current = parents.get(current)
    for part in parsed:
        for raw in part.companies:
            if raw.company.name in parents and raw.company.name not in covered:
                warn(raw.label, raw.node, f"company {visible(raw.company.name)!r} is not used by any event")
    return sorted(found, key=lambda f: f.order)
