"""Rewrite README examples whose output changed: `python tests/update_readme.py`, then read the diff.

Runs every ```console block as tests/test_readme.py does. An example whose output no longer
matches is rewritten with the real output when it has no ``[...]``; an example with ``[...]``
is listed for a person to fix, because only a person knows which part was elided and why.
Nothing here proves anything: `git diff README.md` must be read before committing.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from test_readme import ELIDED, README, _blocks, _pattern, _shown, set_up

from conftest import invoke_main


def main() -> int:
    home = tempfile.mkdtemp()  # never the real home, config or cache, as in the tests
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[name] = home
    os.environ.pop("TIMELINE_FILE", None)
    text = README.read_text(encoding="utf-8")
    manual: list[str] = []
    replacements: list[tuple[str, str]] = []
    for files, examples in _blocks():
        with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as monkeypatch:
            set_up(files, Path(tmp), monkeypatch)
            for example in examples:
                shown = _shown(invoke_main(example.args, env=example.env).output)
                if _pattern(example.expected).fullmatch(shown):
                    continue
                if ELIDED in example.expected:
                    manual.append(f"$ {example.command}\n{shown}\n")
                    continue
                replacements.append((example.raw, example.raw_command + shown + "\n"))
    for old, new in replacements:
        if text.count(old) != 1:
            manual.append(f"(not unique, fix by hand)\n{new}")
            continue
        text = text.replace(old, new)
    README.write_text(text, encoding="utf-8")
    print(f"{len(replacements)} examples rewritten; read `git diff README.md`.")
    for item in manual:
        print("--- fix by hand (has [...] or is not unique):\n" + item)
    return 1 if manual else 0


if __name__ == "__main__":
    raise SystemExit(main())
