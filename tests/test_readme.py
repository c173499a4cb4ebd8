"""README examples are real: each complete `$ timeline ...` example gives exactly the output shown."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import Runner

README = Path(__file__).resolve().parent.parent / "README.md"
# Examples that need files of their own (a broken store, a fresh folder) or write files are
# covered by their own tests; those whose output is cut ("[...]", "...") cannot be compared.
NEEDS_FILES = re.compile(r"(^| )(-f|-o|init|add)( |$)")


def _examples() -> list[tuple[str, str]]:
    examples: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for chunk in re.split(r"^(?=\$ )", block, flags=re.M):
            if not chunk.startswith("$ timeline "):
                continue
            command, _, output = chunk.partition("\n")
            if "\\" in command or NEEDS_FILES.search(command) or "[...]" in output or "\n..." in output:
                continue
            examples.append((command[2:], output.rstrip("\n")))
    return examples


EXAMPLES = _examples()


def test_the_readme_has_complete_examples_to_check() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_a_readme_example_prints_what_the_readme_shows(run: Runner, command: str, expected: str) -> None:
    args = shlex.split(command)[1:]
    result = run(*args, env={"COLUMNS": "100", "NO_COLOR": "1", "TIMELINE_NOW": "2026-11-26"})
    assert result.exit_code == 0, result.stderr
    shown = "\n".join(line.rstrip() for line in result.stdout.rstrip("\n").splitlines())
    assert shown == "\n".join(line.rstrip() for line in expected.splitlines())
