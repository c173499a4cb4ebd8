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


def is_invisible(char: str) -> bool:
    """A control, format, surrogate, private-use or line/paragraph separator character: what
    must never reach a terminal or a document raw."""
    return not char.isprintable() and unicodedata.category(char) in _CONTROL_CATEGORIES


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
        elif is_invisible(char) or char in "\n\r\x0b\x0c":
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


# Letters that look like Latin ones (Cyrillic and Greek, lower case: skeletons are case-folded
# first), and characters that show as nothing or as a blank (Hangul fillers, Braille blank).
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "с": "c", "е": "e", "і": "i", "ј": "j", "ԁ": "d", "һ": "h", "к": "k", "ӏ": "l",
        "о": "o", "р": "p", "ԛ": "q", "ѕ": "s", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "α": "a",
        "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    }
)  # fmt: skip
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def skeleton(name: str) -> str:
    """What a company name looks like, for warning about look-alikes (a normalised skeleton in
    the spirit of Unicode TR 39): compatibility forms folded, accents, invisible and blank
    characters and punctuation dropped, look-alike Cyrillic and Greek letters mapped to Latin.
    ``Micro\u3164soft`` and ``Miсrosoft`` (Cyrillic с) both give ``microsoft``."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(
        c for c in decomposed if c not in _BLANKS and unicodedata.category(c)[0] not in "MCZP" and not c.isspace()
    )
    return kept.casefold().translate(_LOOKALIKES)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when something close exists, else an empty string."""
    import difflib  # only on an error path

    options = list(choices)
    folded = {c.casefold(): c for c in options}
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]!r}?)" if close else ""


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class Suggester:
    """``did_you_mean`` over one large list of choices, indexed once by character trigrams.

    difflib compares a word with every choice; with 8,000 company names that cost 0.3 s per
    error. Here only the choices that share the most trigrams with the word (at most
    ``CANDIDATES``) reach difflib, so a suggestion costs a few milliseconds.
    """

    CANDIDATES = 40

    def __init__(self, choices: Iterable[str]) -> None:
        self._folded = {c.casefold(): c for c in choices}
        self._index: dict[str, list[str]] = {}
        for folded in self._folded:
            for gram in _trigrams(folded):
                self._index.setdefault(gram, []).append(folded)

    def __call__(self, word: str) -> str:
        import difflib

        key = word.casefold()
        counts: dict[str, int] = {}
        for gram in _trigrams(key):
            for name in self._index.get(gram, ()):
                counts[name] = counts.get(name, 0) + 1
        best = sorted(counts, key=counts.__getitem__, reverse=True)[: self.CANDIDATES]
        close = difflib.get_close_matches(key, best, n=1, cutoff=0.6)
        return f" (did you mean {self._folded[close[0]]!r}?)" if close else ""


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
