"""README examples are real: every `$ timeline ...` example prints what the README shows.

Each ```console block runs in a fresh folder, its examples in order (so `init` then `add` work
on the same copy). A comment ``<!-- files: NAME ... -->`` just before a block copies
``tests/data/readme/NAME`` into that folder first. ``<!-- repo: NAME -->`` makes that folder a
git repository instead, built from ``tests/data/readme/NAME/``: each subfolder named by a date
(``2026-11-13``) is the whole work tree of one commit made at noon UTC that day, in date order,
with a fixed identity and no user or system git configuration; a subfolder ``work-tree`` is
copied last and left uncommitted. Output is what a terminal shows, stdout and
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
from gitrepo import Repo, git_environment

README = Path(__file__).resolve().parent.parent / "README.md"
ELIDED = "[...]"


ENV = {"NO_COLOR": "1", "TIMELINE_NOW": "2026-11-26"}


class Example:
    """``timeline ARGS``, or ``COLUMNS=N timeline ARGS`` for output laid out at N columns."""

    __slots__ = ("args", "columns", "command", "expected", "raw", "raw_command")

    def __init__(self, command: str, expected: str, raw: str, raw_command: str) -> None:
        self.command = command
        words = shlex.split(command, comments=True)
        self.columns = words.pop(0).removeprefix("COLUMNS=") if words[0].startswith("COLUMNS=") else "80"
        self.args = words[1:]
        self.expected = expected
        self.raw = raw  # the example's text in README, command and output (for tests/update_readme.py)
        self.raw_command = raw_command

    @property
    def env(self) -> dict[str, str]:
        return {**ENV, "COLUMNS": self.columns}


def _blocks() -> list[tuple[list[str], list[Example]]]:
    """Each block's setup (``files`` names, or ``repo:NAME``) and its examples."""
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"(?:<!-- (files|repo): ([^>]*) -->\n)?```console\n(.*?)```", text, re.S):
        files = (match[2] or "").split()
        if match[1] == "repo":
            files = [f"repo:{name}" for name in files]
        examples = []
        for chunk in re.split(r"^(?=\$ )", match[3], flags=re.M):
            if not re.match(r"\$ (COLUMNS=\d+ )?timeline", chunk):
                continue
            command, output = chunk, ""
            lines = chunk.splitlines()
            taken = 1
            while lines[taken - 1].endswith("\\"):
                taken += 1
            command = " ".join(line.rstrip("\\").strip() for line in lines[:taken])
            output = "\n".join(lines[taken:])
            raw_command = "".join(line + "\n" for line in lines[:taken])
            examples.append(Example(command[2:], output, chunk, raw_command))
        blocks.append((files, examples))
    return blocks


BLOCKS = _blocks()


def _pattern(expected: str) -> re.Pattern[str]:
    lines = [line.rstrip() for line in expected.rstrip("\n").splitlines()]
    parts = [re.escape(part) for part in "\n".join(lines).split(ELIDED)]
    return re.compile("(?s:.*?)".join(parts))


def _shown(output: str) -> str:
    return "\n".join(line.rstrip() for line in output.rstrip("\n").splitlines())


def build_repo(source: Path, folder: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``<!-- repo: NAME -->``: one commit per dated snapshot, then the uncommitted work tree."""
    for name, value in git_environment(home).items():
        monkeypatch.setenv(name, value)
    repo = Repo(folder, home)
    snapshots = sorted(p for p in source.iterdir() if p.is_dir())
    for snapshot in snapshots:
        for old in folder.iterdir():
            if old.is_dir() and old.name != ".git":
                shutil.rmtree(old)
            elif old.is_file():
                old.unlink()
        shutil.copytree(snapshot, folder, dirs_exist_ok=True)
        if snapshot.name != "work-tree":
            repo.commit(snapshot.name)


def set_up(files: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder, the current one, holding the block's files or repository."""
    folder = tmp_path / "readme"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for name in files:
        if name.startswith("repo:"):
            build_repo(DATA / "readme" / name[5:], folder, tmp_path / "home", monkeypatch)
        else:
            shutil.copy(DATA / "readme" / name, folder / name)
    return folder


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
    set_up(files, tmp_path, monkeypatch)
    for example in examples:
        result = invoke_main(example.args, env=example.env)
        shown = _shown(result.output)
        assert "Traceback" not in shown
        assert _pattern(example.expected).fullmatch(shown), f"$ {example.command}\n{shown}"
