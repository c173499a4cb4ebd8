"""README examples are real: every `$ timeline ...` example prints what the README shows.

Each ```console block runs in a fresh folder, its examples in order (so `init` then `add` work
on the same copy). A comment ``<!-- files: NAME ... -->`` just before a block copies
``tests/data/readme/NAME`` into that folder first. Output is what a terminal shows, stdout and
stderr together; ``[...]`` in the README stands for any text, on one line or across lines, where
output is long or volatile. No example is skipped.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from timeline.cli import COMMANDS

from conftest import DATA, invoke_main

README = Path(__file__).resolve().parent.parent / "README.md"
ELIDED = "[...]"


class Example:
    __slots__ = ("args", "command", "expected")

    def __init__(self, command: str, expected: str) -> None:
        self.command = command
        self.args = shlex.split(command, comments=True)[1:]
        self.expected = expected


def _blocks() -> list[tuple[list[str], list[Example]]]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"(?:<!-- files: ([^>]*) -->\n)?```console\n(.*?)```", text, re.S):
        files = (match[1] or "").split()
        examples = []
        for chunk in re.split(r"^(?=\$ )", match[2], flags=re.M):
            if not chunk.startswith("$ timeline"):
                continue
            command, output = chunk, ""
            lines = chunk.splitlines()
            taken = 1
            while lines[taken - 1].endswith("\\"):
                taken += 1
            command = " ".join(line.rstrip("\\").strip() for line in lines[:taken])
            output = "\n".join(lines[taken:])
            examples.append(Example(command[2:], output))
        blocks.append((files, examples))
    return blocks


BLOCKS = _blocks()


def _pattern(expected: str) -> re.Pattern[str]:
    lines = [line.rstrip() for line in expected.rstrip("\n").splitlines()]
    parts = [re.escape(part) for part in "\n".join(lines).split(ELIDED)]
    return re.compile("(?s:.*?)".join(parts))


def _shown(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.rstrip("\n").splitlines())


def test_the_readme_has_examples_of_every_command() -> None:
    shown = {
        e.args[e.args.index(name)] for _, examples in BLOCKS for e in examples for name in COMMANDS if name in e.args
    }
    assert shown >= set(COMMANDS) - {"schema"}, set(COMMANDS) - shown


def test_every_command_is_documented_with_help_text() -> None:
    """sqlite-utils' test_commands_are_documented: a heading per command, and help text."""
    text = README.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert re.search(rf"^###.*`timeline {name}\b", text, re.M), f"README has no section for `timeline {name}`"
        result = invoke_main([name, "--help"])
        assert result.exit_code == 0
        description = result.stdout.split("\n\n")[1].strip()
        assert len(description) > 10, f"`timeline {name} --help` has no description"


@pytest.mark.parametrize(
    ("files", "examples"), BLOCKS, ids=[f"{i}-{ex[0].command[:50]}" for i, (_, ex) in enumerate(BLOCKS)]
)
def test_readme_examples_print_what_the_readme_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[str], examples: list[Example]
) -> None:
    folder = tmp_path / "readme"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for name in files:
        shutil.copy(DATA / "readme" / name, folder / name)
    for example in examples:
        result = invoke_main(example.args, env={"COLUMNS": "80", "NO_COLOR": "1", "TIMELINE_NOW": "2026-11-26"})
        shown = _shown(result.output)
        assert "Traceback" not in shown
        assert _pattern(example.expected).fullmatch(shown), f"$ {example.command}\n{shown}"
