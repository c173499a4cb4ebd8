"""YAML scalars as text that loads back as exactly the value: the one quoting rule of edits.

Nothing re-serialises the document: new lines are inserted into the original text (see
``_layout`` and ``_commit``), so comments, quoting, key order and blank lines elsewhere stay
byte-for-byte as the user wrote them.
"""

from __future__ import annotations

import json
import re

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9\u00a0-\uffff][^\n\r\t,\[\]{}#]*")
_DATE_TEXT = re.compile(r"[0-9][0-9/~?%-]*")


def yaml_value(text: str) -> object:
    import yaml

    from timeline.store import yaml_loader

    try:
        return yaml.load(text, Loader=yaml_loader())  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, OverflowError):  # `0000-00-00` reads as a bad timestamp
        return None


def quote(text: str) -> str:
    """``text`` as a YAML scalar that loads back as exactly ``text``: plain when safe, else quoted."""
    if (
        _PLAIN_SAFE.fullmatch(text)
        and text == text.strip()
        and ": " not in text
        and not text.endswith(":")
        and text.isprintable()
        and yaml_value(text) == text
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in quoted
    )


def date_scalar(text: str) -> str:
    """A store date as it is usually written: unquoted (YAML's own date and int types are accepted)."""
    return text if _DATE_TEXT.fullmatch(text) else quote(text)
