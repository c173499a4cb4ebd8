"""Reading store files safely: size limit, UTF-8, and libyaml's C parser composing nodes.

This is the one reader of store files: loading, the cache and every edit go through it, so
undecodable bytes get the same located error everywhere.

Nodes (not constructed objects) keep every value's line and column, so problems can be located;
nodes are composed here from libyaml's events, and every anchor and alias the parser reports is
refused, so an alias bomb never expands.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from timeline.errors import Finding, ReadError, StoreError, TooLargeError
from timeline.text import visible

if TYPE_CHECKING:
    from yaml.nodes import Node

# 64 MiB: the benchmark's 100,000-event store (56 MB, ~500 times the shipped store) fits; a
# 100 MB store took 90 s and 3.1 GB to validate, which no one should wait for by accident.
# A folder store shares the same budget across its files, and holds at most MAX_STORE_FILES.
MAX_STORE_BYTES = 64 * 1024 * 1024
MAX_STORE_FILES = 1000


# PyYAML's pure-Python reader compiles this class of the characters it accepts when imported:
# ~10 ms (a bitmap up to U+10FFFF), a third of an edit's whole yaml import, for a reader that
# libyaml's C loader, which we use, never runs. Its complement, the few characters it refuses,
# compiles in ~1 ms and matches exactly the same characters (a test checks every code point).
YAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
NON_PRINTABLE_FAST = "[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFFFE\uFFFF]"


def prepare_yaml() -> None:
    """Before the first ``import yaml``: put the equivalent compiled class into ``re``'s cache
    under yaml's spelling, so yaml's ``re.compile`` finds it. Without that cache (another
    Python), nothing happens and the import is only slower."""
    import re
    import sys

    cache = getattr(re, "_cache", None)
    if "yaml.reader" not in sys.modules and isinstance(cache, dict):
        cache.setdefault((str, YAML_NON_PRINTABLE, 0), re.compile(NON_PRINTABLE_FAST))


def yaml_loader() -> type:
    """The one loader class: libyaml's C loader when PyYAML was built with it (5-10x faster)."""
    prepare_yaml()
    import yaml

    loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


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


def read_bytes(path: Path, findings: list[Finding], limit: int | None = None) -> bytes | None:
    """The file's bytes, or None after recording why it cannot be read (missing, too large,
    not a regular file: devices, FIFOs and dangling links are refused, never read or waited on)."""
    from timeline.fileio import read_regular

    limit = MAX_STORE_BYTES if limit is None else limit
    try:
        return read_regular(path, limit)
    except TooLargeError as error:
        message = error.message
        if limit < MAX_STORE_BYTES:  # a later file of a folder store: the shared budget ran out
            message = f"the store's files together are over the limit of {MAX_STORE_BYTES} bytes for a folder store"
        findings.append(Finding(str(path), 1, 1, "error", message))
    except ReadError as error:
        findings.append(Finding(str(path), 1, 1, "error", error.message))
    return None


def decode(data: bytes, label: str, findings: list[Finding]) -> str | None:
    """The text without a BOM; a finding at the first byte that is not UTF-8. (Not the
    ``utf-8-sig`` codec: its import, ~0.7 ms, would be paid by every edit.)"""
    skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return str(memoryview(data)[skip:], "utf-8")
    except UnicodeDecodeError as error:
        error.start += skip
        before = data[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        findings.append(
            Finding(label, line, column, "error", f"file is not valid UTF-8 (byte 0x{data[error.start]:02x})")
        )
        return None


def read_text(path: Path) -> tuple[bytes, str]:
    """A store file's bytes and text, or StoreError with the same finding validate reports."""
    findings: list[Finding] = []
    data = read_bytes(path, findings)
    text = decode(data, str(path), findings) if data is not None else None
    if text is None or data is None:
        raise StoreError(findings)
    return data, text


def compose(text: str, label: str, findings: list[Finding]) -> Node | None:
    """The YAML node tree, or None after recording syntax errors, anchors or aliases."""
    prepare_yaml()
    import yaml

    try:
        with gc_paused():
            return _compose_events(text, label, findings)
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
    return None


def _compose_events(text: str, label: str, findings: list[Finding]) -> Node | None:
    """Compose the node tree from libyaml's own events, refusing every anchor and alias the
    parser reports (so no spelling of one, after a BOM or inside a flow collection, gets past a
    text scan, and an alias bomb is never expanded). One pass: this replaces ``yaml.compose``,
    whose C composer gives no way to see anchors, at about the same cost (measured on the
    shipped store and a 10,000-event one)."""
    import yaml
    from yaml.composer import ComposerError
    from yaml.events import (
        AliasEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
    )
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    back = None
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        text, back = _editor_lines(text)
    loader = yaml_loader()(text)
    resolve, next_event = loader.resolve, loader.get_event
    stack: list[Node] = []  # the open collections
    keys: list[Node | None] = []  # for each, a mapping's key still waiting for its value
    root: Node | None = None
    document: yaml.Mark | None = None
    refused = False

    def refuse(event: yaml.Event, what: str, name: object) -> None:
        nonlocal refused
        mark = event.start_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        findings.append(
            Finding(
                label,
                line,
                column,
                "error",
                f"YAML {what} {visible(str(name))!r} is not allowed in an event store; write the value out in full",
            )
        )
        refused = True

    try:
        while True:
            event = next_event()
            kind = event.__class__
            node: Node
            if kind is ScalarEvent:
                if event.anchor is not None:
                    refuse(event, "anchor", event.anchor)
                value = event.value if back is None else event.value.translate(back)
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, value, event.implicit)
                node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.anchor is not None:
                    refuse(event, "anchor", event.anchor)
                node_class = MappingNode if kind is MappingStartEvent else SequenceNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(node_class, None, event.implicit)
                stack.append(node_class(tag, [], event.start_mark, None, event.flow_style))
                keys.append(None)
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                node = stack.pop()
                keys.pop()
                node.end_mark = event.end_mark
            elif kind is AliasEvent:
                refuse(event, "alias", event.anchor)
                node = ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
            elif kind is DocumentStartEvent:
                if document is not None:
                    raise ComposerError(
                        "expected a single document in the stream",
                        document,
                        "but found another document",
                        event.start_mark,
                    )
                document = event.start_mark
                continue
            elif kind is StreamEndEvent:
                return None if refused else root
            else:
                continue
            if not stack:
                root = node
                continue
            parent = stack[-1]
            if parent.__class__ is SequenceNode:
                parent.value.append(node)
            elif keys[-1] is None:
                keys[-1] = node
            else:
                parent.value.append((keys[-1], node))
                keys[-1] = None
    finally:
        loader.dispose()


_ODD_BREAKS = "\x85\u2028\u2029"


def _editor_lines(text: str) -> tuple[str, dict[int, int]]:
    """``text`` with NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR swapped for private-use
    characters it does not contain, and the table that swaps them back in values.

    libyaml follows YAML 1.1, where these three break lines; no editor shows a new line there,
    and YAML 1.2 dropped them, so reported lines were off by one per character. Swapped, they
    are ordinary characters to the parser (as in YAML 1.2), and every line and column matches
    what the user's editor shows.
    """
    present = set(text)
    spare = [chr(c) for c in range(0xE000, 0xF900) if chr(c) not in present][: len(_ODD_BREAKS)]
    forward = {ord(odd): ord(new) for odd, new in zip(_ODD_BREAKS, spare, strict=True)}
    return text.translate(forward), {new: odd for odd, new in forward.items()}


def _position(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
