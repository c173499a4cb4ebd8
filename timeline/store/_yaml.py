"""Reading store files safely: size limit, UTF-8, and libyaml's C parser composing nodes.

This is the one reader of store files: loading, the cache and every edit go through it, so
undecodable bytes get the same located error everywhere.

Nodes (not constructed objects) keep every value's line and column, so problems can be located;
anchors and aliases are refused before composing, so an alias bomb never expands.
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


def yaml_loader() -> type:
    """The one loader class: libyaml's C loader when PyYAML was built with it (5-10x faster)."""
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


def read_text(path: Path) -> tuple[bytes, str]:
    """A store file's bytes and text, or StoreError with the same finding validate reports."""
    findings: list[Finding] = []
    data = read_bytes(path, findings)
    text = decode(data, str(path), findings) if data is not None else None
    if text is None or data is None:
        raise StoreError(findings)
    return data, text


def _may_have_anchors(text: str) -> bool:
    """Whether ``&`` or ``*`` starts a token somewhere: a cheap test before the exact scan.

    Looks only at each ``&`` and ``*`` (few in real stores) instead of running a regex over the
    whole text, which cost a few milliseconds on every cold start.
    """
    for char in "&*":
        at = text.find(char)
        while at != -1:
            before, after = text[at - 1 : at] or " ", text[at + 1 : at + 2]
            if (before.isspace() or before in "[{,:-") and after and not after.isspace() and after not in ",[]{}":
                return True
            at = text.find(char, at + 1)
    return False


def compose(text: str, label: str, findings: list[Finding]) -> Node | None:
    """The YAML node tree, or None after recording syntax errors, anchors or aliases."""
    import yaml

    loader = yaml_loader()
    if _may_have_anchors(text) and _find_anchors(text, label, findings, loader):
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
