"""The export formats: one module per format, each a function from events to text.

The registry below is the single list of formats: the CLI's --format choices, the extension map
and the tests all come from it. Modules are imported only when their format is used; what they
share lives in ``base`` (so a format module never imports this package's registry).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from timeline.exporters.base import DEFAULT_TITLE, ExportFunction, ExportOptions
from timeline.model import Event

__all__ = ["DEFAULT_TITLE", "EXPORTERS", "ExportOptions", "Exporter", "by_extension", "export"]


class Exporter:
    """A registered format: its name, the file extension that selects it, its module."""

    __slots__ = ("extension", "module", "name")

    def __init__(self, name: str, extension: str | None, module: str) -> None:
        self.name = name
        self.extension = extension
        self.module = module

    def load(self) -> ExportFunction:
        function: ExportFunction = importlib.import_module(self.module).export
        return function


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in (
        Exporter("markdown", ".md", "timeline.exporters.markdown"),
        Exporter("json", ".json", "timeline.exporters.json_format"),
        Exporter("csv", ".csv", "timeline.exporters.csv_format"),
        Exporter("ics", ".ics", "timeline.exporters.ics"),
        Exporter("mermaid", ".mmd", "timeline.exporters.mermaid"),
        Exporter("html", ".html", "timeline.exporters.html"),
        Exporter("timelinejs", None, "timeline.exporters.timelinejs"),
    )
}


def by_extension(path: Path) -> Exporter | None:
    suffix = path.suffix.lower()
    return next((e for e in EXPORTERS.values() if e.extension == suffix), None)


def export(name: str, events: Sequence[Event], options: ExportOptions) -> str:
    """Render ``events`` in the named format."""
    return EXPORTERS[name].load()(events, options)
