"""JSON: ``{"title", "count", "events"}``, each event exactly as ``timeline list --json``."""

from __future__ import annotations

from collections.abc import Sequence

from timeline.exporters.base import ExportOptions
from timeline.model import Event, event_record
from timeline.text import json_text


def export(events: Sequence[Event], options: ExportOptions) -> str:
    document = {"title": options.title, "count": len(events), "events": [event_record(e) for e in events]}
    return json_text(document) + "\n"  # control, bidi and line-separator characters as \\u escapes
