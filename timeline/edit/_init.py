"""A new store of the user's own: a copy of the shipped one, or an empty one with an example.

The copy's ``$schema`` comment points at ``timeline.schema.json`` beside it, which is written
too (when missing), so an editor with the YAML language server validates the copy as it does
the shipped store. Files are created with the umask's mode, like any new file.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from timeline.errors import UsageError, WriteError
from timeline.fileio import atomic_write
from timeline.store import STORE_NAME, packaged_store, store_schema
from timeline.text import visible

SCHEMA_NAME = "timeline.schema.json"
_SCHEMA_COMMENT = re.compile(r"^# yaml-language-server: \$schema=\S*", re.M)

EMPTY_STORE = f"""# yaml-language-server: $schema={SCHEMA_NAME}
# My AI timeline. Add events with `timeline add` (or by hand, like the example below);
# `timeline validate` checks the file.
version: 1

companies: []
# - name: Example Corp
#   aliases: [EXMP]

events: []
# - id: example-corp-opens-a-lab-2026
#   date: 2026-11-20
#   title: Example Corp opens an AI lab
#   companies: [Example Corp]
#   kind: research
#   tags: [research]
#   summary: >
#     One or two sentences in your own words.
#   sources:
#     - url: https://example.org/article
"""


def _new_file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def create_store(path: Path, *, empty: bool = False) -> tuple[Path, Path | None]:
    """Write a new store at ``path`` (a folder gets ``events.yaml`` inside); never overwrites.
    Returns the store and the schema file written beside it (None when one was there)."""
    target = path / STORE_NAME if path.is_dir() else path
    if target.exists() or target.is_symlink():
        raise UsageError(f"{visible(str(target))} already exists; not overwriting it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(f"cannot create {visible(str(target.parent))}: {error.strerror}") from error
    if empty:
        text = EMPTY_STORE
    else:
        shipped = packaged_store().read_text(encoding="utf-8")
        text = _SCHEMA_COMMENT.sub(f"# yaml-language-server: $schema={SCHEMA_NAME}", shipped, count=1)
    mode = _new_file_mode()
    atomic_write(target, text.encode("utf-8"), mode=mode)
    schema = target.parent / SCHEMA_NAME
    if schema.exists() or schema.is_symlink():
        return target, None
    atomic_write(schema, (json.dumps(store_schema(), indent=2) + "\n").encode("utf-8"), mode=mode)
    return target, schema
