"""YAML scalars as text that loads back as exactly the value: the one quoting rule of edits.

Nothing re-serialises the document: new lines are inserted into the original text (see
``_layout`` and ``_commit``), so comments, quoting, key order and blank lines elsewhere stay
byte-for-byte as the user wrote them.
"""

from __future__ import annotations

import re

from timeline.store._yaml import prepare_yaml

# The rest of a plain scalar; its first character is checked in Python (a character class up
# to U+FFFF costs ~7 ms to compile, on every edit).
_PLAIN_REST = re.compile(r"[^\n\r\t,\[\]{}#]*")
_DATE_TEXT = re.compile(r"[0-9][0-9/~?%-]*")


def yaml_value(text: str) -> object:
    prepare_yaml()
    import yaml

    from timeline.store import yaml_loader

    try:
        return yaml.load(text, Loader=yaml_loader())  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, OverflowError):  # `0000-00-00` reads as a bad timestamp
        return None


def quote(text: str) -> str:
    """``text`` as a YAML scalar that loads back as exactly ``text``: plain when safe, else quoted."""
    if (
        text
        and ((text[0].isascii() and text[0].isalnum()) or "\u00a0" <= text[0] <= "\uffff")
        and _PLAIN_REST.fullmatch(text, 1)
        and text == text.strip()
        and ": " not in text
        and not text.endswith(":")
        and text.isprintable()
        and yaml_value(text) == text
    ):
        return text
    import json  # only for text that needs quotes: most values are plain

    quoted = json.dumps(text, ensure_ascii=False)
    if quoted.isprintable():
        return quoted
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in quoted
    )


def date_scalar(text: str) -> str:
    """A store date as it is usually written: unquoted (YAML's own date and int types are accepted)."""
    return text if _DATE_TEXT.fullmatch(text) else quote(text)
