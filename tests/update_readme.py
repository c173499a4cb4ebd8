"""Rewrite README examples whose output changed: `python tests/update_readme.py`, then read the diff.

Runs every ```console block as tests/test_readme.py does. An example whose output no longer
matches is rewritten with the real output when it has no ``[...]``; an example with ``[...]``
is listed for a person to fix, because only a person knows which part was elided and why.
Nothing here proves anything: `git diff README.md` must be read before committing.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from test_readme import ELIDED, README, _blocks, _pattern, _shown

from conftest import DATA, invoke_main


def main() -> int:
    home = tempfile.mkdtemp()  # never the real home, config or cache, as in the tests
    for name in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        os.environ[name] = home
    os.environ.pop("TIMELINE_FILE", None)
    text = README.read_text(encoding="utf-8")
    manual: list[str] = []
    replacements: list[tuple[str, str]] = []
    here = os.getcwd()
    for files, examples in _blocks():
        with tempfile.TemporaryDirectory() as tmp:
            os.chdir(tmp)
            try:
                for name in files:
                    shutil.copy(DATA / "readme" / name, Path(tmp) / name)
                for example in examples:
                    shown = _shown(invoke_main(example.args, env=example.env).output)
                    if _pattern(example.expected).fullmatch(shown):
                        continue
                    if ELIDED in example.expected:
                        manual.append(f"$ {example.command}\n{shown}\n")
                        continue
                    replacements.append((example.raw, example.raw_command + shown + "\n"))
            finally:
                os.chdir(here)
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
