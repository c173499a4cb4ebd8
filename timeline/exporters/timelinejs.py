"""TimelineJS3 JSON, for the Knight Lab viewer: dates carry only the parts that are known."""

from __future__ import annotations

import html
from collections.abc import Sequence

from timeline.dates import PartialDate
from timeline.exporters.base import ExportOptions, embedded_record
from timeline.model import Event
from timeline.text import json_text, visible


def _h(text: str, *, keep_newlines: bool = False) -> str:
    """The one place text becomes HTML here: control and format characters shown as escapes
    (as in the terminal), then ``&<>"'`` escaped, so data can neither add markup nor hide."""
    return html.escape(visible(text, keep_newlines=keep_newlines))


def _date(part: PartialDate) -> dict[str, int]:
    known = {"year": part.year}
    if part.month is not None:
        known["month"] = part.month
    if part.day is not None:
        known["day"] = part.day
    return known


def _text(event: Event) -> str:
    paragraphs = [f"<p>{_h(', '.join(event.companies))} · {_h(event.kind)}</p>"]
    if event.summary:
        paragraphs.append(f"<p>{_h(event.summary, keep_newlines=True)}</p>")
    for source in event.sources:
        label = _h(source.publisher or source.title or source.url)
        paragraphs.append(f'<p><a href="{_h(source.url)}" rel="noopener noreferrer">{label}</a></p>')
    return "".join(paragraphs)


def export(events: Sequence[Event], options: ExportOptions) -> str:
    slides = []
    for event in events:
        slide: dict[str, object] = {
            "unique_id": event.id,
            "start_date": _date(event.date.start),
            "text": {"headline": _h(event.title), "text": _text(event)},
            "group": _h(event.companies[0]),
            "autolink": False,
            # every field, so that `timeline import` gives back the same event (TimelineJS ignores it)
            "timeline": embedded_record(event),
        }
        if event.date.end is not None:
            slide["end_date"] = _date(event.date.end)
        if event.date.approximate or event.date.uncertain:
            slide["display_date"] = event.date.short()
        slides.append(slide)
    document = {"title": {"text": {"headline": _h(options.title), "text": ""}}, "events": slides}
    return json_text(document) + "\n"
