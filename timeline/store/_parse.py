"""Walking YAML nodes into companies and events, recording every problem with its place."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.dates import DateSyntaxError, EventDate, parse_event_date
from timeline.errors import Finding
from timeline.model import (
    COMPANY_FIELDS,
    EVENT_FIELDS,
    IMPORTED_FIELDS,
    KINDS,
    REQUIRED_FIELDS,
    SOURCE_FIELDS,
    Company,
    Event,
    Imported,
    Registry,
    Source,
    unknown_company,
    unknown_kind,
)
from timeline.text import Suggester, did_you_mean, visible

if TYPE_CHECKING:
    from yaml.nodes import Node

ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
URL_RE = re.compile(r"https?://[^\s/?#]+\S*")
TAG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ID_MAX = 80

TOP_KEYS = ("version", "companies", "events")
# Did-you-mean scans every id or company name, so only the first errors of a run get one:
# with a suggestion for each of 8,000 unknown names, validation was quadratic (minutes).
SUGGESTION_LIMIT = 10

_T = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL, TIMESTAMP = (_T + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
SEQ, MAP = _T + "seq", _T + "map"
_ALLOWED_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP, SEQ, MAP}
_TYPE_WORDS = {INT: "a number", FLOAT: "a number", BOOL: "a yes/no value", NULL: "empty", TIMESTAMP: "a date"}


class Walker:
    """Turns node trees into companies and events, recording every problem as a Finding."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        self.label = ""
        self.suggestions_left = SUGGESTION_LIMIT
        # The related ids of the event parse_event returned last, with their list items, so an
        # unknown id is reported at the item that names it.
        self.related_nodes: list[tuple[str, Node]] = []
        self._suggesters: dict[int, tuple[Collection[str], Suggester]] = {}

    def may_suggest(self) -> bool:
        """Whether this error may still carry a did-you-mean over a large list (see the limit)."""
        self.suggestions_left -= 1
        return self.suggestions_left >= 0

    def suggest(self, word: str, choices: Collection[str]) -> str:
        """A did-you-mean over a large list (the ids, the company names), within the run's
        budget, from an index of ``choices`` built on first use (they do not change after)."""
        if not self.may_suggest():
            return ""
        entry = self._suggesters.get(id(choices))
        if entry is None:
            entry = self._suggesters[id(choices)] = (choices, Suggester(choices))
        return entry[1](word)

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
            self.error(node, f"{what} must be text, but YAML reads {shown!r} as {_TYPE_WORDS[node.tag]}{hint}")
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


class RawCompany:
    """A company as one file defines it, with where, for messages that point at it."""

    __slots__ = ("company", "label", "node")

    def __init__(self, company: Company, label: str, node: Node) -> None:
        self.company = company
        self.label = label
        self.node = node


class Parsed:
    """One file's companies and event nodes, before names are resolved."""

    __slots__ = ("companies", "events", "label", "path")

    def __init__(self, label: str, path: Path) -> None:
        self.label = label
        self.path = path
        self.companies: list[RawCompany] = []
        self.events: list[Node] = []


def parse_top(walker: Walker, root: Node | None, path: Path) -> Parsed:
    parsed = Parsed(walker.label, path)
    if root is None:
        if not walker.findings:
            walker.findings.append(
                Finding(walker.label, 1, 1, "error", "the store is empty; it needs version, companies and events")
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
        walker.error(version, f"unsupported store version {visible(str(version.value))!r}; this tool reads version 1")
    if "companies" in top:
        for node in walker.sequence(top["companies"], "companies") or ():
            company = _parse_company(walker, node)
            if company is not None:
                parsed.companies.append(RawCompany(company, walker.label, node))
    if "events" in top:
        parsed.events = walker.sequence(top["events"], "events") or []
    return parsed


def _parse_company(walker: Walker, node: Node) -> Company | None:
    fields = walker.mapping(node, COMPANY_FIELDS, "a company")
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


def parse_event(walker: Walker, node: Node, registry: Registry) -> Event | None:
    fields = walker.mapping(node, EVENT_FIELDS, "an event")
    if fields is None:
        return None
    ok = True
    for key in REQUIRED_FIELDS:
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
    walker.related_nodes = related or []
    imported = None
    if "imported" in fields:
        imported = _parse_imported(walker, fields["imported"])
        ok = ok and imported is not None
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
        event_id, event_date, title, companies, kind, tags, summary, sources, tuple(r for r, _ in related), imported
    )


_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_imported(walker: Walker, node: Node) -> Imported | None:
    """``imported: {from, file?, id?, row?, at?}``: the provenance ``timeline import`` writes."""
    fields = walker.mapping(node, IMPORTED_FIELDS, "imported")
    if fields is None:
        return None
    if "from" not in fields:
        walker.error(node, "imported needs 'from' (the format or data set it came from)")
        return None
    origin = walker.text(fields["from"], "imported.from")
    file = walker.text(fields["file"], "imported.file") if "file" in fields else None
    record_id = None
    if "id" in fields:  # a data set's numeric id reads as an int; it is kept as its text
        id_node = fields["id"]
        record_id = id_node.value.strip() if id_node.tag == INT else walker.text(id_node, "imported.id")
    row = None
    if "row" in fields:
        row_node = fields["row"]
        if row_node.tag != INT or not row_node.value.strip().isdigit() or int(row_node.value) < 1:
            walker.error(row_node, "imported.row must be a whole number from 1")
            return None
        row = int(row_node.value)
    at = None
    if "at" in fields:
        at_node = fields["at"]
        at = at_node.value if isinstance(at_node.value, str) and _DAY_RE.fullmatch(at_node.value) else None
        if at is None or at_node.tag not in (STR, TIMESTAMP):
            walker.error(at_node, "imported.at must be a day, YYYY-MM-DD")
            return None
    if origin is None or ("file" in fields and file is None) or ("id" in fields and record_id is None):
        return None
    return Imported(origin, file, record_id, row, at)


def _parse_id(walker: Walker, node: Node) -> str | None:
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


def _parse_date(walker: Walker, node: Node) -> EventDate | None:
    if node.tag not in (STR, INT, TIMESTAMP) or not isinstance(node.value, str):
        walker.error(node, "date must be YYYY, YYYY-MM or YYYY-MM-DD (optionally ~, ? or %), or START/END")
        return None
    try:
        return parse_event_date(node.value)
    except DateSyntaxError as error:
        walker.error(node, visible(str(error)))
        return None


def _parse_companies(walker: Walker, node: Node, registry: Registry) -> tuple[str, ...] | None:
    names = walker.texts(node, "companies", allow_empty=False)
    if names is None:
        return None
    resolved: list[str] = []
    for name, item in names:
        canonical = registry.resolve(name)
        if canonical is None:
            message = unknown_company(name, registry, hint=walker.suggest(name, registry.all_names()))
            walker.error(item, f"{message}; add it under companies: first")
            return None
        if canonical not in resolved:
            resolved.append(canonical)
    return tuple(resolved)


def _parse_kind(walker: Walker, node: Node) -> str | None:
    value = walker.text(node, "kind")
    if value is None:
        return None
    if value not in KINDS:
        walker.error(node, unknown_kind(value))
        return None
    return value


def _parse_tags(walker: Walker, node: Node) -> tuple[str, ...] | None:
    tags = walker.texts(node, "tags")
    if tags is None:
        return None
    for tag, item in tags:
        if not TAG_RE.fullmatch(tag):
            walker.error(item, f"invalid tag {visible(tag)!r}: tags are lower-case slugs like 'cloud' or 'ai-safety'")
            return None
    return tuple(dict.fromkeys(t for t, _ in tags))


def _parse_sources(walker: Walker, node: Node) -> tuple[Source, ...] | None:
    items = walker.sequence(node, "sources")
    if items is None:
        return None
    sources: list[Source] = []
    ok = True
    for item in items:
        if item.tag == MAP:
            fields = walker.mapping(item, SOURCE_FIELDS, "a source")
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
            note = walker.text(fields["note"], "source note") if "note" in fields else None
        else:
            url_node, title, publisher, note = item, None, None, None
        url = walker.text(url_node, "source url")
        if url is None:
            ok = False
            continue
        if not (URL_RE.fullmatch(url) and url.isprintable()):
            walker.error(
                url_node,
                f"source url {visible(url)!r} must start with http:// or https:// and contain no spaces",
            )
            ok = False
            continue
        sources.append(Source(url, title, publisher, note))
    return tuple(sources) if ok else None
