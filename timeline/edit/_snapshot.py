"""What a change works on: the store's files as read under the lock (``Snapshot``), and what a
plan decides (item operations, ``Change``) and reports (``Committed``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from timeline.edit._layout import Layout, Style, detect_style, scan
from timeline.errors import WriteError
from timeline.model import Company
from timeline.store import Store
from timeline.store._rows import PackedRows


class OrderMismatch(Exception):
    """A cached store's order names an event whose block is not at that place in the file."""


def _holds_id(lines: list[str], event_id: str) -> bool:
    """Whether an event block's own ``id:`` line names ``event_id`` (plain or quoted)."""
    wanted = {event_id, f'"{event_id}"', f"'{event_id}'"}
    for number, line in enumerate(lines):
        text = line.lstrip(" -") if number == 0 else line.strip()
        if text.startswith("id:"):
            value = text[3:].split(" #", 1)[0].strip()
            if value in wanted:
                return True
    return False


@dataclass(repr=False, eq=False)  # internal: no generated __repr__/__eq__, whose making costs every edit's import time
class FileState:
    """One file of the store as read (``data`` None: a file the change creates)."""

    path: Path
    real: Path
    data: bytes | None
    text: str
    stat: tuple[int, int, int, int] | None  # device, inode, size, mtime_ns
    _layout: Layout | None = None
    _style: Style | None = None

    @property
    def layout(self) -> Layout:
        if self._layout is None:
            self._layout = scan(self.text)
        return self._layout

    @property
    def style(self) -> Style:
        if self._style is None:
            self._style = detect_style(self.layout)
        return self._style


@dataclass(repr=False, eq=False)
class Snapshot:
    """The store's files as read under the lock, and the validated store they hold."""

    store_path: Path
    files: list[FileState]
    store: Store
    cached: bool  # the store came from a cache entry matching these bytes
    rows: PackedRows | None = None  # the cache entry's packed events, in store order
    new_rows: PackedRows | None = None  # the same after the change (set by the fast check)

    def file_of(self, event_id: str) -> tuple[int, int]:
        """(file index, item index) of the event with ``event_id``; OrderMismatch when the
        block found there does not hold that id (an order from the cache that does not
        describe the file: the change is then planned on a full read)."""
        for number, ids in enumerate(self.store.order):
            if event_id in ids:
                index = ids.index(event_id)
                self.check_items(number)
                if not _holds_id(event_block(self.files[number], index), event_id):
                    self.mismatch(number)
                return number, index
        raise KeyError(event_id)

    def check_items(self, number: int) -> None:
        """That the file's lines show as many event items as the store holds in it."""
        if number < len(self.store.order):
            items = self.files[number].layout.section("events").items
            if len(items) != len(self.store.order[number]):
                self.mismatch(number)

    def mismatch(self, number: int) -> None:
        """The lines of a file do not show its events where the store has them: from a cached
        order, OrderMismatch (the change is planned again on a full read); from a full read,
        the file is laid out in a way the line scan cannot follow (a line like ``  - x`` inside
        a multi-line quoted value), and nothing is written."""
        if self.cached:
            raise OrderMismatch(str(self.files[number].path))
        raise WriteError(
            f"{self.files[number].path}: cannot find each event's lines (a multi-line quoted value"
            " with a line that starts like a list item?); nothing was written: edit the file by hand"
        )

    def new_file(self, path: Path, text: str) -> int:
        """Add a file the change will create (a folder store's new year file)."""
        for number, state in enumerate(self.files):
            if state.path == path:
                return number
        self.files.append(FileState(path, path.parent.resolve() / path.name, None, text, None))
        return len(self.files) - 1


@dataclass(repr=False, eq=False)
class Op:
    """One item operation: ``insert``/``replace``/``delete`` an event, or ``company``."""

    action: str
    file: int
    index: int = 0  # the event's item index in file order (insert: the index it will have)
    lines: list[str] = field(default_factory=list)  # the block, indented as the file's items
    company: Company | None = None


R = TypeVar("R")


@dataclass(repr=False, eq=False)
class Change(Generic[R]):
    """What a plan decided: the operations, and what the command reports."""

    ops: list[Op]
    info: R


@dataclass(repr=False, eq=False)
class Committed(Generic[R]):
    change: Change[R]
    store: Store
    before: dict[Path, str]
    after: dict[Path, str]
    written: bool



def event_block(state: FileState, index: int) -> list[str]:
    """The lines of event item ``index`` of a file."""
    section = state.layout.section("events")
    first, end = section.item_span(index, state.layout.lines)
    return state.layout.lines.span(first, end)
