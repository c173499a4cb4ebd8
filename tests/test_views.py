"""Snapshot tests of every view, and the promise that data is never interpreted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from timeline.terminal._layout import cell_width

from conftest import DATA, Runner
from golden import check_golden

VIEWS = [
    ("list", "--view", "table"),
    ("list", "--view", "timeline"),
    ("list", "--view", "compact"),
    ("show", "example-sample-partnership-2024"),
    ("companies",),
    ("tags",),
    ("stats",),
    ("stats", "--by", "quarter"),
]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("args", VIEWS, ids=["-".join(a).replace("--", "") for a in VIEWS])
def test_view_snapshots(run: Runner, sample: Path, args: tuple[str, ...], width: int) -> None:
    result = run("-f", str(sample), *args, env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    name = "-".join(a.lstrip("-") for a in args if a != "example-sample-partnership-2024")
    check_golden(f"views/{name}-{width}.txt", result.stdout)
    if "compact" not in args:  # compact lines are never wrapped, for grep
        assert all(cell_width(line) <= width for line in result.stdout.splitlines())


HOSTILE = DATA / "hostile.yaml"
HOSTILE_VIEWS = [
    ("list", "--view", "table"),
    ("list", "--view", "timeline"),
    ("list", "--view", "compact"),
    ("list", "--view", "lanes"),
    ("list", "--view", "lanes", "--lane-by", "tag"),
    ("list", "--json"),
    ("show", "markup-title"),
    ("show", "escape-title"),
    ("show", "bidi-title"),
    ("companies",),
    ("companies", "--json"),
    ("tags",),
    ("stats",),
]
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("args", HOSTILE_VIEWS, ids=["-".join(a) for a in HOSTILE_VIEWS])
@pytest.mark.parametrize("colour", ["plain", "forced"])
def test_hostile_data_is_shown_literally(run: Runner, args: tuple[str, ...], colour: str) -> None:
    env = {"COLUMNS": "100"} | ({"FORCE_COLOR": "1"} if colour == "forced" else {})
    result = run("-f", str(HOSTILE), *args, env=env)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    sgr_free = re.sub(r"\x1b\[[0-9;]*m", "", out)  # our own colours, when forced
    sgr_free = re.sub(r"\x1b\]8;[^\x1b]*\x1b\\", "", sgr_free)  # our own source links
    assert not RAW_CONTROL.search(sgr_free), repr(sgr_free)
    if args[0] == "list" and "--json" not in args:
        assert "[bold red]" in sgr_free.replace("\n", "")
        assert "\\x1b[2J\\x1b]0;pwned\\x07" in sgr_free  # the escape-title's ESC/OSC/BEL, shown as text


def test_hostile_text_in_error_messages_is_escaped(run: Runner, tmp_path: Path) -> None:
    store = tmp_path / "bad.yaml"
    store.write_text('version: 1\ncompanies: []\nevents:\n  - id: x\n    date: "2026-\\e[31m"\n')
    result = run("-f", str(store), "validate")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr
    assert "\\x1b[31m" in result.stderr
    unknown = run("-f", str(HOSTILE), "list", "-c", "\x1b]0;x\x07")
    assert unknown.exit_code == 2
    assert "\x1b" not in unknown.stderr
    assert "\x07" not in unknown.stderr


def test_piped_output_is_never_cut(run: Runner) -> None:
    result = run("-f", str(HOSTILE), "list", env={"COLUMNS": "80"})
    title_cells = [line.rsplit("│", 1)[-1].strip() for line in result.stdout.splitlines()[2:]]
    flat = "".join(title_cells).replace(" ", "")
    from timeline.store import load

    long_title = next(e.title for e in load(HOSTILE).events if e.id == "long-title")
    assert long_title.replace(" ", "") in flat
    assert "…" not in result.stdout
