"""Find, load and validate the YAML event store.

Loading is strict and located: the document is composed with libyaml's C parser into nodes
(never constructed into arbitrary objects), then walked here, so every problem is reported as
``PATH:LINE:COL`` and all problems are reported at once. Writing lives in ``writer.py``.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.dates import DateSyntaxError, EventDate, parse_event_date
from timeline.errors import Finding, NotFoundError, StoreError
from timeline.model import KINDS, Company, Event, Registry, Source
from timeline.text import did_you_mean, fold_name, visible

if TYPE_CHECKING:
    from yaml.nodes import Node

MAX_STORE_BYTES = 128 * 1024 * 1024
STORE_NAME = "events.yaml"
ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_URL_RE = re.compile(r"https?://[^\s/?#]+\S*")
TAG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_MAX = 80

TOP_KEYS = ("version", "companies", "events")
COMPANY_KEYS = ("name", "aliases", "parent")
EVENT_KEYS = ("id", "date", "title", "companies", "kind", "tags", "summary", "sources", "related")
SOURCE_KEYS = ("url", "title", "publisher")

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (
    _T + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
SEQ, MAP = _T + "seq", _T + "map"
_ALLOWED_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP, SEQ, MAP}
_TYPE_WORDS = {INT: "a number", FLOAT: "a number", BOOL: "a yes/no value", NULL: "empty", TIMESTAMP: "a date"}
_ANCHOR_HINT = re.compile(r"(?:^|[\s\[{,:-])[&*][^\s,\[\]{}]")


# --- where the store is ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreLocation:
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


@dataclass(frozen=True)
class Store:
    """A validated store: events in chronological order and the company registry."""

    events: tuple[Event, ...]
    registry: Registry
    files: tuple[Path, ...] = ()
    warnings: tuple[Finding, ...] = field(default=(), compare=False)

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Building many small objects triggers needless collections; pause the collector."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_text(path: Path, findings: list[Finding]) -> str | None:
    """The file as text, or None after recording why it cannot be read."""
    label = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_STORE_BYTES:
            findings.append(
                Finding(label, 1, 1, "error", f"file is {size} bytes; the limit is {MAX_STORE_BYTES} bytes")
            )
            return None
        data = path.read_bytes()
    except OSError as error:
        findings.append(Finding(label, 1, 1, "error", f"cannot read file: {error.strerror}"))
        return None
    return decode(data, label, findings)


def decode(data: bytes, label: str, findings: list[Finding]) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        findings.append(
            Finding(label, line, column, "error", f"file is not valid UTF-8 (byte 0x{data[error.start]:02x})")
        )
        return None


def compose(text: str, label: str, findings: list[Finding]) -> Node | None:
    """The YAML node tree, or None after recording syntax errors, anchors or aliases."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if _ANCHOR_HINT.search(text) and _find_anchors(text, label, findings, loader):
        return None
    try:
        with gc_paused():
            return yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(p) for p in (error.context, error.problem) if p)
        findings.append(Finding(label, line, column, "error", f"YAML syntax: {visible(message)}"))
    except yaml.YAMLError as error:
        position = getattr(error, "position", None)
        line, column = _position(text, position) if isinstance(position, int) else (1, 1)
        reason = getattr(error, "reason", None) or str(error).splitlines()[0]
        findings.append(Finding(label, line, column, "error", f"YAML: {visible(str(reason))}"))
    except RecursionError:
        findings.append(Finding(label, 1, 1, "error", "YAML: the document is nested too deeply"))
    return None


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _find_anchors(text: str, label: str, findings: list[Finding], loader: type) -> bool:
    import yaml

    found = False
    try:
        for item in yaml.parse(text, Loader=loader):
            anchor = getattr(item, "anchor", None)
            if isinstance(item, yaml.AliasEvent) or anchor is not None:
                mark = item.start_mark
                what = "alias" if isinstance(item, yaml.AliasEvent) else "anchor"
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                findings.append(
                    Finding(
                        label,
                        line,
                        column,
                        "error",
                        f"YAML {what} {visible(str(anchor))!r} is not allowed in an event store; "
                        "write the value out in full",
                    )
                )
                found = True
    except yaml.YAMLError:
        return found  # compose reports the syntax error itself
    return found


# --- walking nodes -------------------------------------------------------------------------


class _Walker:
    """Turns node trees into companies and events, recording every problem as a Finding."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.label = ""

    def error(self, node: Node, message: str) -> None:
        mark = node.start_mark
        self.findings.append(Finding(self.label, mark.line + 1, mark.column + 1, "error", message))

    def mapping(self, node: Node, keys: tuple[str, ...], what: str) -> dict[str, Node] | None:
        """The mapping's values by key; reports non-mappings, duplicate and unknown keys."""
        if node.tag != MAP:
            self.error(node, f"{what} must be a mapping of keys to values")
            return None
        out: dict[str, Node] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag not in (STR, INT, FLOAT, BOOL, NULL) or not isinstance(key_node.value, str):
                self.error(key_node, f"keys in {what} must be plain text")
                continue
            key = key_node.value
            if key in first_line:
                self.error(
                    key_node,
                    f"duplicate key {visible(key)!r} in {what} (first on line {first_line[key]})",
                )
                continue
            first_line[key] = key_node.start_mark.line + 1
            if key not in keys:
                self.error(key_node, f"unknown key {visible(key)!r} in {what}{did_you_mean(key, keys)}")
                continue
            out[key] = value_node
        return out

    def text(self, node: Node, what: str, *, one_line: bool = True) -> str | None:
        """A non-empty string; other YAML types get a hint to quote the value."""
        if node.tag == STR:
            value: str = node.value
            if not value.strip():
                self.error(node, f"{what} is empty")
                return None
            if one_line and ("\n" in value.strip() or "\r" in value):
                self.error(node, f"{what} must be a single line")
                return None
            return value.strip() if one_line else value
        if node.tag in _TYPE_WORDS:
            shown = visible(str(node.value))
            hint = "" if node.tag == NULL else f'; quote it to mean the text: "{shown}"'
            self.error(
                node, f"{what} must be text, but YAML reads {shown!r} as {_TYPE_WORDS[node.tag]}{hint}"
            )
            return None
        self._bad_type(node, what, "text")
        return None

    def _bad_type(self, node: Node, what: str, wanted: str) -> None:
        if node.tag not in _ALLOWED_TAGS:
            self.error(node, f"YAML tag {visible(node.tag)!r} is not allowed; {what} must be {wanted}")
        else:
            got = "a list" if node.tag == SEQ else "a mapping" if node.tag == MAP else "a value"
            self.error(node, f"{what} must be {wanted}, not {got}")

    def sequence(self, node: Node, what: str, *, allow_empty: bool = True) -> list[Node] | None:
        if node.tag == NULL and allow_empty:
            return []
        if node.tag != SEQ:
            self._bad_type(node, what, "a list")
            return None
        items: list[Node] = node.value
        if not items and not allow_empty:
            self.error(node, f"{what} must not be empty")
            return None
        return items

    def texts(self, node: Node, what: str, *, allow_empty: bool = True) -> list[tuple[str, Node]] | None:
        items = self.sequence(node, what, allow_empty=allow_empty)
        if items is None:
            return None
        out = []
        for item in items:
            value = self.text(item, f"each entry of {what}")
            if value is not None:
                out.append((value, item))
        return out


@dataclass
class _RawCompany:
    company: Company
    label: str
    node: Node


@dataclass
class _Parsed:
    """One file's companies and event nodes, before names are resolved."""

    label: str
    path: Path
    companies: list[_RawCompany] = field(default_factory=list)
    events: list[Node] = field(default_factory=list)


def _parse_top(walker: _Walker, root: Node | None, path: Path) -> _Parsed:
    parsed = _Parsed(walker.label, path)
    if root is None:
        if not walker.findings:
            walker.findings.append(
                Finding(
                    walker.label, 1, 1, "error", "the store is empty; it needs version, companies and events"
                )
            )
        return parsed
    top = walker.mapping(root, TOP_KEYS, "the store")
    if top is None:
        return parsed
    for key in TOP_KEYS:
        if key not in top:
            walker.error(root, f"missing top-level key {key!r}")
    version = top.get("version")
    if version is not None and not (version.tag == INT and version.value.strip() == "1"):
        walker.error(
            version, f"unsupported store version {visible(str(version.value))!r}; this tool reads version 1"
        )
    if "companies" in top:
        for node in walker.sequence(top["companies"], "companies") or ():
            company = _parse_company(walker, node)
            if company is not None:
                parsed.companies.append(_RawCompany(company, walker.label, node))
    if "events" in top:
        parsed.events = walker.sequence(top["events"], "events") or []
    return parsed


def _parse_company(walker: _Walker, node: Node) -> Company | None:
    fields = walker.mapping(node, COMPANY_KEYS, "a company")
    if fields is None:
        return None
    if "name" not in fields:
        walker.error(node, "a company needs a name")
        return None
    name = walker.text(fields["name"], "company name")
    aliases = walker.texts(fields["aliases"], "aliases") if "aliases" in fields else []
    parent = walker.text(fields["parent"], "parent") if "parent" in fields else None
    if name is None or aliases is None:
        return None
    return Company(name, tuple(a for a, _ in aliases), parent)


def _build_registry(walker: _Walker, parsed: list[_Parsed]) -> Registry:
    """Merge every file's companies; conflicting or cyclic definitions are errors."""
    chosen: dict[str, _RawCompany] = {}
    claimed: dict[str, tuple[str, _RawCompany]] = {}  # folded name/alias -> (text, owner)
    for part in parsed:
        for raw in part.companies:
            walker.label = raw.label
            key = fold_name(raw.company.name)
            if key in chosen:
                first = chosen[key]
                if first.company != raw.company:
                    line = first.node.start_mark.line + 1
                    walker.error(
                        raw.node,
                        f"company {visible(raw.company.name)!r} is defined differently at "
                        f"{first.label}:{line}",
                    )
                elif first.label == raw.label:
                    walker.error(raw.node, f"company {visible(raw.company.name)!r} is listed twice")
                continue
            clash = next(
                (
                    claimed[fold_name(n)]
                    for n in (raw.company.name, *raw.company.aliases)
                    if fold_name(n) in claimed
                ),
                None,
            )
            if clash is not None:
                walker.error(
                    raw.node,
                    f"name {visible(clash[0])!r} already belongs to company "
                    f"{visible(clash[1].company.name)!r}",
                )
                continue
            chosen[key] = raw
            for name in (raw.company.name, *raw.company.aliases):
                claimed[fold_name(name)] = (name, raw)
    registry = Registry(tuple(r.company for r in chosen.values()))
    fixed: list[Company] = []
    for raw in chosen.values():
        company = raw.company
        walker.label = raw.label
        if company.parent is not None:
            parent = registry.resolve(company.parent)
            if parent is None:
                walker.error(
                    raw.node,
                    f"parent {visible(company.parent)!r} of {visible(company.name)!r} is not a "
                    f"known company{did_you_mean(company.parent, registry.all_names())}",
                )
                company = Company(company.name, company.aliases, None)
            else:
                company = Company(company.name, company.aliases, parent)
        fixed.append(company)
    parents = {c.name: c.parent for c in fixed}
    for raw, company in zip(chosen.values(), fixed, strict=True):
        seen = {company.name}
        current = company.parent
        while current is not None:
            if current in seen:
                walker.label = raw.label
                walker.error(raw.node, f"company {visible(company.name)!r} is its own parent through a cycle")
                break
            seen.add(current)
            current = parents.get(current)
    return Registry(tuple(fixed))


def _parse_event(walker: _Walker, node: Node, registry: Registry) -> Event | None:
    fields = walker.mapping(node, EVENT_KEYS, "an event")
    if fields is None:
        return None
    ok = True
    for key in ("id", "date", "title", "companies", "kind"):
        if key not in fields:
            walker.error(node, f"event is missing required key {key!r}")
            ok = False
    event_id = _parse_id(walker, fields["id"]) if "id" in fields else None
    event_date = _parse_date(walker, fields["date"]) if "date" in fields else None
    title = walker.text(fields["title"], "title") if "title" in fields else None
    companies = _parse_companies(walker, fields["companies"], registry) if "companies" in fields else None
    kind = _parse_kind(walker, fields["kind"]) if "kind" in fields else None
    tags: tuple[str, ...] | None = ()
    if "tags" in fields:
        tags = _parse_tags(walker, fields["tags"])
    summary = None
    if "summary" in fields and fields["summary"].tag != NULL:
        summary = walker.text(fields["summary"], "summary", one_line=False)
        ok = ok and summary is not None
        summary = summary.strip() if summary else None
    sources: tuple[Source, ...] | None = ()
    if "sources" in fields:
        sources = _parse_sources(walker, fields["sources"])
    related: list[tuple[str, Node]] | None = []
    if "related" in fields:
        related = walker.texts(fields["related"], "related")
    if (
        not ok
        or event_id is None
        or event_date is None
        or title is None
        or companies is None
        or kind is None
        or tags is None
        or sources is None
        or related is None
    ):
        return None
    return Event(
        event_id, event_date, title, companies, kind, tags, summary, sources, tuple(r for r, _ in related)
    )


def _parse_id(walker: _Walker, node: Node) -> str | None:
    value = walker.text(node, "id")
    if value is None:
        return None
    if not ID_RE.fullmatch(value) or len(value) > ID_MAX:
        walker.error(
            node,
            f"invalid id {visible(value)!r}: use lower-case letters, digits and hyphens, "
            f"starting with a letter or digit, at most {ID_MAX} characters",
        )
        return None
    return value


def _parse_date(walker: _Walker, node: Node) -> EventDate | None:
    if node.tag not in (STR, INT, TIMESTAMP) or not isinstance(node.value, str):
        walker.error(node, "date must be YYYY, YYYY-MM or YYYY-MM-DD (optionally ~, ? or %), or START/END")
        return None
    try:
        return parse_event_date(node.value)
    except DateSyntaxError as error:
        walker.error(node, visible(str(error)))
        return None


def _parse_companies(walker: _Walker, node: Node, registry: Registry) -> tuple[str, ...] | None:
    names = walker.texts(node, "companies", allow_empty=False)
    if names is None:
        return None
    resolved: list[str] = []
    for name, item in names:
        canonical = registry.resolve(name)
        if canonical is None:
            walker.error(
                item,
                f"unknown company {visible(name)!r}{did_you_mean(name, registry.all_names())}; "
                "add it under companies: first",
            )
            return None
        if canonical not in resolved:
            resolved.append(canonical)
    return tuple(resolved)


def _parse_kind(walker: _Walker, node: Node) -> str | None:
    value = walker.text(node, "kind")
    if value is None:
        return None
    if value not in KINDS:
        walker.error(
            node,
            f"unknown kind {visible(value)!r}{did_you_mean(value, KINDS)}; kinds are: {', '.join(KINDS)}",
        )
        return None
    return value


def _parse_tags(walker: _Walker, node: Node) -> tuple[str, ...] | None:
    tags = walker.texts(node, "tags")
    if tags is None:
        return None
    for tag, item in tags:
        if not TAG_RE.fullmatch(tag):
            walker.error(
                item, f"invalid tag {visible(tag)!r}: tags are lower-case slugs like 'cloud' or 'ai-safety'"
            )
            return None
    return tuple(dict.fromkeys(t for t, _ in tags))


def _parse_sources(walker: _Walker, node: Node) -> tuple[Source, ...] | None:
    items = walker.sequence(node, "sources")
    if items is None:
        return None
    sources: list[Source] = []
    ok = True
    for item in items:
        if item.tag == MAP:
            fields = walker.mapping(item, SOURCE_KEYS, "a source")
            if fields is None:
                ok = False
                continue
            if "url" not in fields:
                walker.error(item, "a source needs a url")
                ok = False
                continue
            url_node = fields["url"]
            title = walker.text(fields["title"], "source title") if "title" in fields else None
            publisher = walker.text(fields["publisher"], "publisher") if "publisher" in fields else None
        else:
            url_node, title, publisher = item, None, None
        url = walker.text(url_node, "source url")
        if url is None:
            ok = False
            continue
        if not (_URL_RE.fullmatch(url) and url.isprintable()):
            walker.error(
                url_node,
                f"source url {visible(url)!r} must start with http:// or https:// and contain no spaces",
            )
            ok = False
            continue
        sources.append(Source(url, title, publisher))
    return tuple(sources) if ok else None


# --- public entry points -------------------------------------------------------------------


def load(path: Path, *, today: date | None = None) -> Store:
    """Load and validate a store file or folder; raise StoreError listing every problem.

    With ``today``, the returned store also carries the warnings ``timeline validate`` shows.
    """
    files = store_files(path)
    findings: list[Finding] = []
    texts = [(f, read_text(f, findings)) for f in files]
    return _load_texts([(f, t) for f, t in texts if t is not None], findings, today)


def load_text(text: str, label: str = "<text>", *, today: date | None = None) -> Store:
    """Load a store from text (used by tests and by the writer to check what it writes)."""
    return _load_texts([(Path(label), text)], [], today)


def _load_texts(texts: list[tuple[Path, str]], findings: list[Finding], today: date | None) -> Store:
    walker = _Walker(findings)
    parsed: list[_Parsed] = []
    with gc_paused():
        for path, text in texts:
            walker.label = str(path)
            parsed.append(_parse_top(walker, compose(text, str(path), findings), path))
        registry = _build_registry(walker, parsed)
        events: list[Event] = []
        nodes: dict[str, tuple[str, Node]] = {}
        for part in parsed:
            walker.label = part.label
            for node in part.events:
                event = _parse_event(walker, node, registry)
                if event is None:
                    continue
                if event.id in nodes:
                    label, first = nodes[event.id]
                    walker.error(
                        node, f"duplicate id {event.id!r} (first at {label}:{first.start_mark.line + 1})"
                    )
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
    parsed: list[_Parsed],
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
