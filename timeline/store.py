"""Find, load and validate the YAML event store.

Reading and composing live in ``yamlio``, walking nodes in ``parse``; this module decides where
the store is, merges a folder's files, and turns findings into a Store or a StoreError.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from timeline.errors import Finding, NotFoundError, StoreError
from timeline.model import Event, Registry
from timeline.parse import Parsed, Walker, build_registry, parse_event, parse_top
from timeline.text import did_you_mean, visible
from timeline.yamlio import compose, decode, gc_paused, read_bytes

if TYPE_CHECKING:
    from yaml.nodes import Node

STORE_NAME = "events.yaml"


# --- where the store is ------------------------------------------------------------------


class StoreLocation(NamedTuple):
    """The store a command works on, and whether it is the read-only packaged default."""

    path: Path
    is_default: bool = False


def packaged_store() -> Path:
    """The ``events.yaml`` shipped inside the installed package."""
    return Path(__file__).with_name(STORE_NAME)


def find_store(explicit: str | None, environ: Mapping[str, str], cwd: Path) -> StoreLocation:
    """``--file``, else ``$TIMELINE_FILE``, else ``./events.yaml``, else the packaged default."""
    chosen = explicit or environ.get("TIMELINE_FILE") or None
    if chosen is not None:
        path = Path(chosen).expanduser()
        if not path.exists():
            raise NotFoundError(f"store not found: {visible(str(path))}")
        return StoreLocation(path)
    local = cwd / STORE_NAME
    if local.is_file():
        return StoreLocation(local)
    return StoreLocation(packaged_store(), is_default=True)


def store_files(path: Path) -> list[Path]:
    """The YAML files that make up a store: the file itself, or every *.yaml/*.yml in a folder."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise NotFoundError(f"no *.yaml or *.yml files in {visible(str(path))}")
        return files
    if not path.exists():
        raise NotFoundError(f"store not found: {visible(str(path))}")
    return [path]


# --- the loaded store --------------------------------------------------------------------


class Store(NamedTuple):
    """A validated store: events in chronological order and the company registry."""

    events: tuple[Event, ...]
    registry: Registry
    files: tuple[Path, ...] = ()
    warnings: tuple[Finding, ...] = ()

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)


# --- public entry points -------------------------------------------------------------------


def load(path: Path, *, today: date | None = None) -> Store:
    """Load and validate a store file or folder; raise StoreError listing every problem.

    With ``today``, the returned store also carries the warnings ``timeline validate`` shows.
    """
    findings: list[Finding] = []
    contents = [(f, read_bytes(f, findings)) for f in store_files(path)]
    return load_bytes([(f, data) for f, data in contents if data is not None], findings, today=today)


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


def _load_texts(texts: list[tuple[Path, str]], findings: list[Finding], today: date | None) -> Store:
    walker = Walker(findings)
    parsed: list[Parsed] = []
    with gc_paused():
        for path, text in texts:
            walker.label = str(path)
            parsed.append(parse_top(walker, compose(text, str(path), findings), path))
        registry = build_registry(walker, parsed)
        events: list[Event] = []
        nodes: dict[str, tuple[str, Node]] = {}
        for part in parsed:
            walker.label = part.label
            for node in part.events:
                event = parse_event(walker, node, registry)
                if event is None:
                    continue
                if event.id in nodes:
                    label, first = nodes[event.id]
                    walker.error(node, f"duplicate id {event.id!r} (first at {label}:{first.start_mark.line + 1})")
                    continue
                nodes[event.id] = (part.label, node)
                events.append(event)
        for event in events:
            for related in event.related:
                if related not in nodes:
                    walker.label, node = nodes[event.id]
                    walker.error(
                        node,
                        f"event {event.id!r} is related to unknown id {visible(related)!r}"
                        f"{did_you_mean(related, nodes)}",
                    )
        errors = [f for f in findings if f.severity == "error"]
        if errors:
            raise StoreError(sorted(errors, key=_finding_order))
        events.sort(key=lambda e: e.sort_key)
        warnings = _warnings(events, registry, nodes, parsed, today) if today is not None else []
    return Store(tuple(events), registry, tuple(p.path for p in parsed), tuple(warnings))


def _finding_order(finding: Finding) -> tuple[str, int, int]:
    return (finding.path, finding.line, finding.column)


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
    return sorted(found, key=_finding_order)
