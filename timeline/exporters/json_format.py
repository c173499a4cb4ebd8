"""JSON: ``{"title", "count", "events"}``, each event exactly as ``timeline list --json``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from timeline.exporters.base import ExportOptions
from timeline.model import Event, event_record


def export(events: Sequence[Event], options: ExportOptions) -> str:
    document = {"title": options.title, "count": len(events), "events": [event_record(e) for e in events]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
