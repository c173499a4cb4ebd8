"""Text helpers shared by the store, the renderers and the error messages.

Data is never trusted when printed: ``visible`` turns every control, bidi and other format
character into a visible escape, so event text can neither drive the terminal nor reorder a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

_CONTROL_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
_cache: dict[str, str] = {}


def _escape_char(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """Return ``text`` with control and format characters shown as ``\\x1b``-style escapes."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char == "\t":
            out.append(" ")
        elif not char.isprintable() and (unicodedata.category(char) in _CONTROL_CATEGORIES or char in "\n\r\x0b\x0c"):
            out.append(_escape_char(char))
        else:
            out.append(char)
    return "".join(out)


def fold_name(name: str) -> str:
    """The matching key of a company name: NFKC, no format characters, full case folding."""
    key = _cache.get(name)
    if key is None:
        normal = unicodedata.normalize("NFKC", name)
        stripped = "".join(c for c in normal if unicodedata.category(c) != "Cf")
        key = " ".join(stripped.casefold().split())
        _cache[name] = key
    return key


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when something close exists, else an empty string."""
    import difflib  # only on an error path

    options = list(choices)
    folded = {c.casefold(): c for c in options}
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


def json_text(value: object) -> str:
    """Pretty JSON that keeps readable non-ASCII text but escapes every control/format character."""
    import json

    text = json.dumps(value, ensure_ascii=False, indent=2)
    if text.isprintable() or all(c.isprintable() or c == "\n" for c in text):
        return text
    return "".join(
        c if c.isprintable() or c == "\n" else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else _surrogates(c) for c in text
    )


def _surrogates(char: str) -> str:
    code = ord(char) - 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
