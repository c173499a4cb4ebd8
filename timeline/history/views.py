"""The views of a comparison: a terminal summary, a JSON record and a Markdown section.

The terminal view fits any width (text wraps under a hanging indent; nothing is cut) and shows
data through ``visible``; the Markdown goes through the Markdown exporter's escaping, so event
text can add no headings, links or HTML to a newsletter.
"""

from __future__ import annotations

from collections.abc import Sequence

from timeline.history import Changes, Comparison, EventChange, FieldChange, Side
from timeline.model import Event, event_record
from timeline.terminal._layout import Line, Run, cell_width, pad, wrap
from timeline.terminal.style import company_style
from timeline.terminal.views import StyledView
from timeline.text import visible

_SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    # attribute of Changes, heading, marker, marker style
    ("added", "Added", "+", "bold green"),
    ("removed", "Removed", "-", "bold red"),
    ("renamed", "Renamed", ">", "bold yellow"),
    ("changed", "Changed", "*", "bold cyan"),
)


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def side_title(side: Side) -> str:
    """``HEAD~1 (1a2b3c4, Nov 19, 2026)`` or ``the working tree``."""
    if side.commit is None:
        return "the working tree"
    from timeline.dates import PartialDate

    day = side.commit.day
    when = PartialDate(day.year, day.month, day.day).short()
    label = visible(side.commit.label)
    return f"{label} ({side.commit.short}, {when})" if label != side.commit.short else f"{label} ({when})"


def counts_line(changes: Changes) -> str:
    counts = changes.counts()
    events = ", ".join(f"{counts[name]} {name}" for name in ("added", "removed", "renamed", "changed"))
    return f"{events}; {_count(counts['registry'], 'company change')}"


class ChangesView(StyledView):
    """Counts, then each change: events under Added, Removed, Renamed and Changed, then Companies.

    When one side is not a valid store, its errors are reported elsewhere and this view shows
    the other side's events instead.
    """

    def __init__(self, comparison: Comparison, changes: Changes | None, shown: Sequence[Event] = ()) -> None:
        self.comparison = comparison
        self.changes = changes
        self.shown = shown

    def lines(self, width: int) -> list[Line]:
        old, new = self.comparison.old, self.comparison.new
        out = wrap(
            [("Changes from ", "bold"), (side_title(old), "bold"), (" to ", "bold"), (side_title(new), "bold")], width
        )
        changes = self.changes
        if changes is None:
            bad = [s for s in (old, new) if s.error is not None]
            for side in bad:
                errors = _count(len(side.error.findings), "error") if side.error else ""
                text = f"{side_title(side)} is not a valid store ({errors}, shown above)"
                out += wrap([(text[0].upper() + text[1:], "bold red")], width)
            valid = next((s for s in (old, new) if s.store is not None), None)
            if valid is not None:
                text = f"{side_title(valid)} has {_count(len(self.shown), 'event')}:"
                out += wrap([(text[0].upper() + text[1:], "")], width)
                items = [_item("", "", e, []) for e in self.shown]
                out += _layout(items, width, _date_width(items))
            return out
        out += wrap([(counts_line(changes), "")], width)
        if not changes:
            out += [[], [("No changes.", "")]]
            return out
        sections = []
        for attribute, heading, marker, style in _SECTIONS:
            group: tuple[EventChange, ...] = getattr(changes, attribute)
            if group:
                sections.append((heading, [_item(marker, style, c.event, _details(c)) for c in group]))
        date_width = _date_width([item for _, items in sections for item in items])
        for heading, items in sections:
            out += [[], [(heading, "bold underline")]]
            out += _layout(items, width, date_width)
        if changes.registry:
            out += [[], [("Companies", "bold underline")]]
            for change in changes.registry:
                out += _hanging([("* ", "bold magenta")], [(visible(change.text), "")], width)
        return out


def _details(change: EventChange) -> list[str]:
    event = change.event
    if change.kind == "renamed" and change.old is not None:
        return [f"id {change.old.id} -> {event.id}", *(f.text for f in change.fields)]
    if change.kind == "changed":
        return [f.text for f in change.fields]
    return []


class _Item:
    __slots__ = ("body", "date", "marker")

    def __init__(self, marker: Run, date: str, body: list[Sequence[Run]]) -> None:
        self.marker = marker
        self.date = date
        self.body = body


def _item(marker: str, style: str, event: Event, details: list[str]) -> _Item:
    about: list[Run] = []
    for index, name in enumerate(event.companies):
        about += [(", ", ""), (visible(name), company_style(name))] if index else [(visible(name), company_style(name))]
    about += [(f" · {event.kind} · ", "dim"), (event.id, "dim")]
    body: list[Sequence[Run]] = [[(visible(event.title), "bold")], about]
    body += [[(visible(text), "")] for text in details]
    return _Item((f"{marker} " if marker else "", style), event.date.short(), body)


def _date_width(items: Sequence[_Item]) -> int:
    """The date column: as wide as the widest date up to 24 cells (a longer one gets a line)."""
    return max((cell_width(i.date) for i in items if cell_width(i.date) <= 24), default=12)


def _layout(items: Sequence[_Item], width: int, date_width: int) -> list[Line]:
    """Markers and dates in a column ``date_width`` wide, the text wrapped beside them."""
    out: list[Line] = []
    for item in items:
        lead = cell_width(item.marker[0])
        room = width - lead - date_width - 2
        if room < 16:  # too narrow for a column: the date on a line of its own
            out += _hanging([item.marker], [(item.date, "yellow")], width)
            for runs in item.body:
                out += _hanging([("  ", "")], runs, width)
            continue
        lines: list[Line] = []
        dates = [item.date]
        if cell_width(item.date) > date_width:
            lines.append([(item.date, "yellow")])
            dates = [""]
        for runs in item.body:
            lines += wrap(runs, room)
        dates += [""] * (len(lines) - len(dates))
        for index, body in enumerate(lines):
            first = [item.marker] if index == 0 else [(" " * lead, "")]
            date_cell = pad([(dates[index], "yellow")], date_width) if dates[index] else [(" " * date_width, "")]
            out.append([*first, *date_cell, ("  ", ""), *body] if body or dates[index] else [])
    return [line for line in out if line]


def _hanging(lead: Sequence[Run], runs: Sequence[Run], width: int) -> list[Line]:
    indent = sum(cell_width(t) for t, _ in lead)
    wrapped = wrap(runs, max(8, width - indent))
    return [[*(lead if index == 0 else [(" " * indent, "")]), *line] for index, line in enumerate(wrapped)]


# --- JSON -----------------------------------------------------------------------------------


def _side_record(side: Side) -> dict[str, object]:
    commit = side.commit
    return {
        "revision": None if commit is None else commit.label,
        "commit": None if commit is None else commit.sha,
        "date": None if commit is None else commit.day.isoformat(),
        "valid": side.error is None,
        "errors": [] if side.error is None else [str(f) for f in side.error.findings],
        "events": None if side.store is None else len(side.store.events),
    }


def changes_record(comparison: Comparison, changes: Changes | None, shown: Sequence[Event] = ()) -> dict[str, object]:
    """The documented JSON shape of a comparison (see the README's "What changed this week")."""
    result: dict[str, object] = {"from": _side_record(comparison.old), "to": _side_record(comparison.new)}
    if changes is None:
        result |= {"counts": None, "added": [], "removed": [], "renamed": [], "changed": [], "registry": []}
        result["shown"] = [event_record(e) for e in shown]
        return result
    result["counts"] = changes.counts()
    result["added"] = [event_record(c.event) for c in changes.added]
    result["removed"] = [event_record(c.event) for c in changes.removed]
    result["renamed"] = [
        {
            "from": c.old.id if c.old else None,
            "to": c.event.id,
            "event": event_record(c.event),
            "fields": [f.record() for f in c.fields],
        }
        for c in changes.renamed
    ]
    result["changed"] = [
        {"id": c.event.id, "event": event_record(c.event), "fields": [f.record() for f in c.fields]}
        for c in changes.changed
    ]
    result["registry"] = [r.record() for r in changes.registry]
    result["shown"] = None
    return result


# --- Markdown -------------------------------------------------------------------------------

NEWSLETTER_TITLE = "New this week"
# Fields a reader of the newsletter would call a correction; ids and related links are the
# store's own bookkeeping.
_READER_FIELDS = frozenset({"title", "date", "companies", "kind", "tags", "summary", "sources"})


def _correction(change: FieldChange, event: Event) -> str:
    """One field change in Markdown: escaped text, and a new source as the export's link."""
    from timeline.exporters.markdown import md_text, md_url, source_links

    added = [s for s in event.sources if change.field == "sources" and change.change == "added" and s.url == change.new]
    if not added:
        return md_text(change.text)
    if added[0].publisher or added[0].title:
        return f"source added: {source_links(added, {})}"
    return f"source added: [{md_text(added[0].url)}]({md_url(added[0].url)})"  # its address is its name


def changes_markdown(
    comparison: Comparison, changes: Changes | None, title: str = NEWSLETTER_TITLE, shown: Sequence[Event] = ()
) -> str:
    """A newsletter section: the added events as the export's dated bullets with sources, then
    corrections (changed and removed events) as a short list."""
    from timeline.exporters.markdown import bullets, md_text

    lines = [f"## {md_text(title)}", ""]
    if changes is None:  # one side is not a valid store: the other side's events instead
        for side in (comparison.old, comparison.new):
            if side.store is None:
                lines += [f"{md_text(side_title(side))} is not a valid store.", ""]
        valid = next((s for s in (comparison.old, comparison.new) if s.store is not None), None)
        if valid is not None:
            lines += [f"The events of {md_text(side_title(valid))}:", "", *(bullets(shown) or ["No events."])]
        return "\n".join([*lines, ""])
    lines += bullets([c.event for c in changes.added]) or ["No new events."]
    corrections: list[str] = []
    for change in (*changes.changed, *changes.renamed):
        texts = [_correction(f, change.event) for f in change.fields if f.field in _READER_FIELDS]
        if texts:
            event = change.event
            corrections.append(f"- {md_text(event.title)} ({md_text(event.date.long())}): {'; '.join(texts)}")
    for change in changes.removed:
        event = change.event
        corrections.append(f"- Removed: {md_text(event.title)} ({md_text(event.date.long())})")
    if corrections:
        lines += ["", "### Corrections", "", *corrections]
    return "\n".join([*lines, ""])
