"""The semantic difference of two stores: events matched by id, field by field, and the registry.

A raw diff of the YAML shows lines; this shows events. An id that vanished while an event with
the same date, title and sources appeared is a rename, not a removal and an addition. Each change
carries its kind in words ("date made more precise") and a one-line text for people.
"""

from __future__ import annotations

from collections.abc import Sequence

from timeline.dates import EventDate
from timeline.model import Company, Event, Registry, Source

# The fields compared, in the order changes are reported (the id is what matches events).
COMPARED: tuple[str, ...] = tuple(f for f in Event._fields if f != "id")


class FieldChange:
    """One change to one field of an event: ``field`` and ``change`` name it, ``text`` says it."""

    __slots__ = ("change", "field", "new", "old")

    def __init__(self, field: str, change: str, old: str | None = None, new: str | None = None) -> None:
        self.field = field
        self.change = change
        self.old = old
        self.new = new

    @property
    def text(self) -> str:
        """``date made more precise: 2026-04 -> 2026-04-27``, ``company added: Nvidia``."""
        if self.field == "summary":
            return f"summary {self.change}"
        if self.change == "reordered" or (self.old is not None and self.new is not None):
            return f"{self.field} {self.change}: {self.old} -> {self.new}"
        return f"{_SINGULAR.get(self.field, self.field)} {self.change}: {self.new if self.old is None else self.old}"

    def record(self) -> dict[str, str | None]:
        return {"field": self.field, "change": self.change, "old": self.old, "new": self.new, "text": self.text}

    def __repr__(self) -> str:
        return f"FieldChange({self.text!r})"


_SINGULAR = {"companies": "company", "tags": "tag", "sources": "source", "related": "related"}


class EventChange:
    """An event added, removed, renamed (``old.id != new.id``) or changed, with its field changes."""

    __slots__ = ("fields", "kind", "new", "old")

    def __init__(self, kind: str, old: Event | None, new: Event | None, fields: Sequence[FieldChange] = ()) -> None:
        self.kind = kind  # "added", "removed", "renamed" or "changed"
        self.old = old
        self.new = new
        self.fields = tuple(fields)

    @property
    def event(self) -> Event:
        """The event as it is now (as it was, for a removed one)."""
        event = self.new if self.new is not None else self.old
        if event is None:
            raise ValueError("a change without either side")  # not built by diff_stores
        return event

    def __repr__(self) -> str:
        return f"EventChange({self.kind}, {self.event.id!r}, {list(self.fields)!r})"


class RegistryChange:
    """A change to the company registry: ``company added``, ``alias added``, ``parent changed``..."""

    __slots__ = ("change", "company", "new", "old")

    def __init__(self, company: str, change: str, old: str | None = None, new: str | None = None) -> None:
        self.company = company
        self.change = change
        self.old = old
        self.new = new

    @property
    def text(self) -> str:
        if self.change.startswith("company"):
            return f"{self.change}: {self.company}"
        if self.change.startswith("alias"):
            return f"{self.change}: {self.new or self.old} ({self.company})"
        return f"{self.change}: {self.company}: {self.old or '(none)'} -> {self.new or '(none)'}"

    def record(self) -> dict[str, str | None]:
        return {"company": self.company, "change": self.change, "old": self.old, "new": self.new, "text": self.text}

    def __repr__(self) -> str:
        return f"RegistryChange({self.text!r})"


class Changes:
    """Everything that differs between two stores, each list in chronological order."""

    __slots__ = ("added", "changed", "registry", "removed", "renamed")

    def __init__(
        self,
        added: Sequence[EventChange] = (),
        removed: Sequence[EventChange] = (),
        renamed: Sequence[EventChange] = (),
        changed: Sequence[EventChange] = (),
        registry: Sequence[RegistryChange] = (),
    ) -> None:
        self.added = tuple(added)
        self.removed = tuple(removed)
        self.renamed = tuple(renamed)
        self.changed = tuple(changed)
        self.registry = tuple(registry)

    def events(self) -> tuple[EventChange, ...]:
        return self.added + self.removed + self.renamed + self.changed

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "renamed": len(self.renamed),
            "changed": len(self.changed),
            "registry": len(self.registry),
        }

    def __bool__(self) -> bool:
        return any(self.counts().values())

    def __repr__(self) -> str:
        return f"Changes({self.counts()})"


# --- comparing ----------------------------------------------------------------------------


def diff_stores(
    old_events: Sequence[Event], old_registry: Registry, new_events: Sequence[Event], new_registry: Registry
) -> Changes:
    """The changes that turn the old store into the new one."""
    before = {e.id: e for e in old_events}
    after = {e.id: e for e in new_events}
    changed: list[EventChange] = []
    added: list[Event] = []
    for event in new_events:
        previous = before.get(event.id)
        if previous is None:
            added.append(event)
        elif previous != event:
            changed.append(EventChange("changed", previous, event, compare(previous, event)))
    gone = [e for e in old_events if e.id not in after]
    # A rename: an id vanished and an event with the same date, title and sources appeared.
    candidates: dict[tuple[EventDate, str, tuple[Source, ...]], list[Event]] = {}
    for event in gone:
        candidates.setdefault((event.date, event.title, event.sources), []).append(event)
    renamed: list[EventChange] = []
    new_only: list[EventChange] = []
    for event in added:
        match = candidates.get((event.date, event.title, event.sources))
        if match:
            previous = match.pop(0)
            renamed.append(EventChange("renamed", previous, event, compare(previous, event)))
        else:
            new_only.append(EventChange("added", None, event))
    renamed_ids = {c.old.id for c in renamed if c.old is not None}
    removed = [EventChange("removed", e, None) for e in gone if e.id not in renamed_ids]
    return Changes(new_only, removed, renamed, changed, registry_changes(old_registry, new_registry))


def compare(old: Event, new: Event) -> list[FieldChange]:
    """The field changes between two versions of an event (the id is not compared)."""
    found: list[FieldChange] = []
    if old.title != new.title:
        found.append(FieldChange("title", "changed", old.title, new.title))
    if old.date != new.date:
        found.append(FieldChange("date", date_change(old.date, new.date), str(old.date), str(new.date)))
    found += _listed("companies", old.companies, new.companies)
    if old.kind != new.kind:
        found.append(FieldChange("kind", "changed", old.kind, new.kind))
    found += _listed("tags", old.tags, new.tags)
    if old.summary != new.summary:
        change = "added" if old.summary is None else "removed" if new.summary is None else "changed"
        found.append(FieldChange("summary", change, old.summary, new.summary))
    found += _sources(old.sources, new.sources)
    found += _listed("related", old.related, new.related)
    return found


def date_change(old: EventDate, new: EventDate) -> str:
    """How a date changed, in words: made more (or less) precise, moved, or re-qualified."""
    old_span, new_span = (old.first_day, old.last_day), (new.first_day, new.last_day)
    if old_span == new_span:
        words = []
        for flag, name in (("approximate", "approximate"), ("uncertain", "uncertain")):
            was, now = getattr(old, flag), getattr(new, flag)
            if was != now:
                words.append(f"marked {name}" if now else f"no longer {name}")
        return " and ".join(words) if words else "rewritten"
    if old_span[0] <= new_span[0] and new_span[1] <= old_span[1]:
        return "made more precise"
    if new_span[0] <= old_span[0] and old_span[1] <= new_span[1]:
        return "made less precise"
    return "moved"


def _listed(field: str, old: tuple[str, ...], new: tuple[str, ...]) -> list[FieldChange]:
    if old == new:
        return []
    kept, now = set(old), set(new)
    found = [FieldChange(field, "added", None, item) for item in new if item not in kept]
    found += [FieldChange(field, "removed", item, None) for item in old if item not in now]
    if not found:
        found.append(FieldChange(field, "reordered", ", ".join(old), ", ".join(new)))
    return found


def _sources(old: tuple[Source, ...], new: tuple[Source, ...]) -> list[FieldChange]:
    if old == new:
        return []
    before = {s.url: s for s in old}
    after = {s.url: s for s in new}
    found = [FieldChange("sources", "added", None, s.url) for s in new if s.url not in before]
    found += [FieldChange("sources", "removed", s.url, None) for s in old if s.url not in after]
    for source in new:
        previous = before.get(source.url)
        if previous is not None and previous != source:
            what = ", ".join(f for f in Source._fields[1:] if getattr(previous, f) != getattr(source, f))
            found.append(FieldChange("sources", f"{what} changed", None, source.url))
    if not found:
        found.append(FieldChange("sources", "reordered", ", ".join(before), ", ".join(after)))
    return found


def registry_changes(old: Registry, new: Registry) -> list[RegistryChange]:
    """Companies added or removed, aliases added or removed, parents changed."""
    if old == new:
        return []
    before: dict[str, Company] = {c.name: c for c in old.companies}
    after: dict[str, Company] = {c.name: c for c in new.companies}
    found: list[RegistryChange] = []
    for company in new.companies:
        previous = before.get(company.name)
        if previous is None:
            found.append(RegistryChange(company.name, "company added", None, company.name))
            continue
        found += [
            RegistryChange(company.name, "alias added", None, a) for a in company.aliases if a not in previous.aliases
        ]
        found += [
            RegistryChange(company.name, "alias removed", a, None) for a in previous.aliases if a not in company.aliases
        ]
        if previous.parent != company.parent:
            found.append(RegistryChange(company.name, "parent changed", previous.parent, company.parent))
    found += [RegistryChange(c.name, "company removed", c.name, None) for c in old.companies if c.name not in after]
    return found
