"""A change's item operations as text: the lines each replaces in its file, cut by offsets.

Nothing re-serialises a document: new lines go into the original text, so every other byte of
the file (comments, quoting, blank lines) stays as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from timeline.edit._snapshot import FileState, Op, Snapshot


def _text_edits(state: FileState, ops: list[Op]) -> list[tuple[int, int, list[str]]]:
    """(first, end, new lines) replacements of the file's lines for its operations."""
    layout = state.layout
    lines = layout.lines
    edits: list[tuple[int, int, list[str]]] = []
    # The style (read by composing a few items, with yaml) only where new lines go in: `rm`
    # needs neither.
    inserting = any(op.action == "insert" for op in ops)
    blank = [""] if inserting and state.style.blank_between else []
    for op in ops:
        if op.action == "text":  # the whole file (edit --file)
            edits.append((0, len(lines), op.lines))
            continue
        if op.action == "company":
            section = layout.section("companies")
            if section.flow or not section.items:
                edits.append((section.key_line, section.key_line + 1, ["companies:", *op.lines]))
            else:
                edits.append((section.end, section.end, op.lines))
            continue
        section = layout.section("events")
        items = section.items
        if op.action == "insert":
            if not items:
                edits.append((section.key_line, section.key_line + 1, ["events:", *op.lines]))
            elif op.index < len(items):
                line = items[op.index]
                while line > 0 and lines[line - 1].strip().startswith("#"):
                    line -= 1
                edits.append((line, line, op.lines + blank))
            else:
                end = section.item_span(len(items) - 1, lines)[1]
                edits.append((end, end, blank + op.lines))
        elif op.action == "replace":
            first, end = section.item_span(op.index, lines)
            edits.append((first, end, op.lines))
        elif op.action == "delete":
            first, end = section.item_span(op.index, lines)
            if op.index + 1 < len(items):  # take the blank lines after it too
                while end < len(lines) and not lines[end].strip():
                    end += 1
            else:  # the last item: take the blank lines before it
                while first > section.key_line + 1 and not lines[first - 1].strip():
                    first -= 1
            edits.append((first, end, []))
    return edits


def _apply(state: FileState, edits: list[tuple[int, int, list[str]]]) -> str:
    """The file's text with the line ranges replaced, cut by offsets (no split of the whole
    text); the file's line endings and BOM are kept."""
    lines = state.layout.lines
    text = lines.text
    bom = "\ufeff" if state.text.startswith("\ufeff") else ""
    first_end = text.find("\n")
    newline = "\r\n" if first_end > 0 and text[first_end - 1] == "\r" else "\n"
    for first, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        start, stop = lines.offset(first), lines.offset(end)
        block = "".join(line + newline for line in new)
        if start == len(text) and text and not text.endswith("\n"):
            block = newline + block  # the last line had no line break
        text = "".join((text[:start], block, text[stop:]))  # one new text, not two
    return bom + text


def new_texts(snapshot: Snapshot, ops: list[Op]) -> dict[int, str]:
    """The new text of every file that the operations touch."""
    by_file: dict[int, list[Op]] = {}
    for op in ops:
        by_file.setdefault(op.file, []).append(op)
        if op.action in ("insert", "replace", "delete"):
            snapshot.check_items(op.file)
    return {n: _apply(snapshot.files[n], _text_edits(snapshot.files[n], file_ops)) for n, file_ops in by_file.items()}
