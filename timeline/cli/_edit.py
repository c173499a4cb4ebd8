"""Commands that change or remove an event: `timeline edit ID` and `timeline rm ID`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from timeline.cli._common import locate, lock_timeout, today, visible, visible_lines
from timeline.errors import Finding, StoreError, TimelineError, UsageError

if TYPE_CHECKING:
    from timeline.edit._change import ChangeResult

Many = list[str] | None


def _writable(ctx: typer.Context) -> Path:
    location = locate(ctx)
    if location.is_default:
        raise UsageError("the shipped store is read-only; run `timeline init` to make your own copy, or use -f")
    return location.path


def _cache() -> Path | None:
    from timeline.store import cache_dir

    return cache_dir(os.environ)


def _diff(result: ChangeResult) -> str:
    import difflib

    out: list[str] = []
    for path, after in result.after.items():
        before = result.before.get(path, "")
        out += difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), str(path), str(path)
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def _files(result: ChangeResult) -> str:
    return ", ".join(visible(str(p)) for p in result.after)


def _editor() -> list[str]:
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    import shlex  # only when an editor is opened

    return shlex.split(command)


def _run_editor(file: Path, line: int | None = None) -> None:
    argv = [*_editor(), *([f"+{line}"] if line else []), str(file)]
    try:
        status = subprocess.call(argv)  # noqa: S603 - the user's own $VISUAL/$EDITOR, as git runs it
    except OSError as error:
        raise TimelineError(f"cannot run the editor {visible(argv[0])!r}: {error.strerror}") from None
    if status != 0:
        raise TimelineError(f"the editor exited with status {status}; nothing was written")


def _in_editor(
    findings: tuple[Finding, ...], store_file: Path, start: int, length: int, temp: Path, shift: int
) -> list[Finding]:
    """Findings inside the edited lines, placed in the file the editor showed."""
    out = []
    for finding in findings:
        if finding.path == str(store_file) and start <= finding.line < start + length:
            line, column = finding.line - start + 1, max(1, finding.column - shift)
            out.append(Finding(str(temp), line, column, finding.severity, finding.message))
        else:
            out.append(finding)
    return out


def _retry(findings: list[Finding], temp: Path) -> bool:
    """Show the problems; on a terminal, ask whether to edit again (like crontab -e, visudo)."""
    for finding in findings:
        sys.stderr.write(visible(str(finding)) + "\n")
    if not sys.stdin.isatty():
        raise TimelineError(f"nothing was written; your edit is kept in {temp}")
    while True:
        sys.stderr.write("re-open the editor (r) or abort (a)? [R/a] ")
        sys.stderr.flush()
        try:
            answer = input().strip().lower()
        except (EOFError, KeyboardInterrupt):
            answer = "a"
        if answer in ("", "r"):
            return True
        if answer == "a":
            temp.unlink(missing_ok=True)
            raise TimelineError("aborted; nothing was written")


def _edit_block(path: Path, event_id: str) -> ChangeResult | None:
    import tempfile

    from timeline.edit._change import read_block, replace_block

    block = read_block(path, event_id, _cache())
    handle, name = tempfile.mkstemp(prefix=f"timeline-{event_id[:40]}-", suffix=".yaml")
    temp = Path(name)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("\n".join(block.lines) + "\n")
    while True:
        _run_editor(temp)
        edited = temp.read_text(encoding="utf-8").splitlines()
        if [line.rstrip() for line in edited] == [line.rstrip() for line in block.lines]:
            temp.unlink(missing_ok=True)
            return None
        try:
            result = replace_block(
                path, event_id, block.lines, edited, cache_folder=_cache(), lock_timeout=lock_timeout()
            )
        except StoreError as error:
            if _retry(_in_editor(error.findings, block.path, block.line, len(edited), temp, block.key_column), temp):
                continue
            raise  # pragma: no cover - _retry returns True or raises
        temp.unlink(missing_ok=True)
        return result


def _edit_file(path: Path, event_id: str) -> ChangeResult | None:
    import tempfile

    from timeline.edit._change import read_block, replace_file

    block = read_block(path, event_id, _cache())
    original = block.path.read_text(encoding="utf-8-sig")
    handle, name = tempfile.mkstemp(prefix=f"timeline-{block.path.stem}-", suffix=block.path.suffix)
    temp = Path(name)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(original)
    while True:
        _run_editor(temp, block.line)
        edited = temp.read_text(encoding="utf-8")
        if edited == original:
            temp.unlink(missing_ok=True)
            return None
        try:
            result = replace_file(
                path, block.path, original, edited, cache_folder=_cache(), lock_timeout=lock_timeout()
            )
        except StoreError as error:
            lines = len(edited.splitlines())
            if _retry(_in_editor(error.findings, block.path, 1, lines, temp, 0), temp):
                continue
            raise  # pragma: no cover
        temp.unlink(missing_ok=True)
        return result


def edit(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event to change.")],
    set_: Annotated[
        Many, typer.Option("--set", metavar="KEY=VALUE", help="Set id, date, title, kind or summary.")
    ] = None,
    add_tag: Annotated[Many, typer.Option("--add-tag", metavar="TAG", help="Add a tag (repeatable).")] = None,
    remove_tag: Annotated[Many, typer.Option("--remove-tag", metavar="TAG", help="Remove a tag.")] = None,
    add_source: Annotated[Many, typer.Option("--add-source", metavar="URL", help="Add a source URL.")] = None,
    remove_source: Annotated[Many, typer.Option("--remove-source", metavar="URL", help="Remove a source.")] = None,
    add_company: Annotated[
        Many, typer.Option("--add-company", metavar="NAME", help="Add a company (or alias).")
    ] = None,
    remove_company: Annotated[Many, typer.Option("--remove-company", metavar="NAME", help="Remove a company.")] = None,
    add_related: Annotated[Many, typer.Option("--add-related", metavar="ID", help="Relate to another event.")] = None,
    remove_related: Annotated[Many, typer.Option("--remove-related", metavar="ID", help="Drop a related link.")] = None,
    whole_file: Annotated[
        bool, typer.Option("--file", help="Open the whole store file in the editor, at the event's line.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the change as a diff; write nothing.")] = False,
) -> None:
    """Change an event: in $VISUAL/$EDITOR (its block alone), or with --set and --add-/--remove- options."""
    from timeline.edit._change import FieldChanges, set_fields

    path = _writable(ctx)
    pairs = []
    for item in set_ or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set: {visible(item)!r} is not KEY=VALUE")
        pairs.append((key.strip(), value))
    changes = FieldChanges(
        set=tuple(pairs),
        add_tags=tuple(add_tag or ()),
        remove_tags=tuple(remove_tag or ()),
        add_sources=tuple(add_source or ()),
        remove_sources=tuple(remove_source or ()),
        add_companies=tuple(add_company or ()),
        remove_companies=tuple(remove_company or ()),
        add_related=tuple(add_related or ()),
        remove_related=tuple(remove_related or ()),
    )
    if changes:
        if whole_file:
            raise UsageError("--file opens an editor; it cannot be combined with --set, --add-* or --remove-*")
        result = set_fields(
            path, event_id, changes, today=today(), dry_run=dry_run, cache_folder=_cache(), lock_timeout=lock_timeout()
        )
    else:
        if dry_run:
            raise UsageError("--dry-run needs --set, --add-* or --remove-* (an editor session writes only on save)")
        found = _edit_file(path, event_id) if whole_file else _edit_block(path, event_id)
        if found is None:
            sys.stderr.write("no changes; nothing was written\n")
            return
        result = found
    if dry_run:
        sys.stdout.write(visible_lines(_diff(result)))
        return
    sys.stderr.write(f"changed {visible(event_id)} in {_files(result)}\n")


def rm(
    ctx: typer.Context,
    event_id: Annotated[str, typer.Argument(metavar="ID", help="The event to remove.")],
    unlink: Annotated[bool, typer.Option("--unlink", help="Also drop other events' related links to it.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the change as a diff; write nothing.")] = False,
) -> None:
    """Remove an event's block from the store (refused while others relate to it, unless --unlink)."""
    from timeline.edit._change import remove_event

    result = remove_event(
        _writable(ctx), event_id, unlink=unlink, dry_run=dry_run, cache_folder=_cache(), lock_timeout=lock_timeout()
    )
    if dry_run:
        sys.stdout.write(visible_lines(_diff(result)))
        return
    links = f" and its links from {', '.join(result.unlinked)}" if result.unlinked else ""
    sys.stderr.write(f"removed {visible(event_id)}{links} from {_files(result)}\n")
