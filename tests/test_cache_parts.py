"""A folder store's cache keeps one entry per file: after one file is edited by hand, only that
file is read again, and the result is exactly what loading the whole folder gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.errors import StoreError
from timeline.store import load
from timeline.store._cache import load_cached
from timeline.store._entry import _file_key
from timeline.store._load import read_files
from timeline.store._parts import load_parts

from conftest import Runner

HEAD = "version: 1\ncompanies:\n  - name: Acme\n    aliases: [AC]\n  - name: Beta\nevents:\n"


def event(number: int, related: str = "") -> str:
    lines = f"  - id: e{number:03d}\n    date: 2020-01-{number % 28 + 1:02d}\n    title: Event {number}\n"
    lines += "    companies: [AC]\n    kind: other\n"
    return lines + (f"    related: [{related}]\n" if related else "")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "events"
    path.mkdir()
    (path / "a.yaml").write_text(HEAD + "".join(event(n) for n in range(5)))
    (path / "b.yaml").write_text("version: 1\ncompanies: []\nevents:\n" + "".join(event(n) for n in range(5, 10)))
    tail = "".join(event(n) for n in range(10, 14)) + event(14, related="e006")
    (path / "c.yaml").write_text("version: 1\ncompanies: []\nevents:\n" + tail)
    return path


def whole_entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.store"))


def edit_by_hand(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_after_one_file_changes_only_it_is_read_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache-folder"
    assert load_cached(folder, cache) == load(folder)
    assert len(sorted(cache.glob("*.part"))) == 3
    edit_by_hand(folder / "b.yaml", "title: Event 7", "title: Event seven")
    contents = read_files(folder, [])
    keys = tuple(_file_key(path, data) for path, data in contents)
    partial = load_parts(cache, contents, keys)
    assert partial is not None
    assert partial.reparsed == {1}  # b.yaml alone
    assert partial.store == load(folder)
    assert partial.store.order == load(folder).order
    # through the cache as a command uses it, and warm again afterwards
    for entry in whole_entries(cache):
        entry.unlink()
    assert load_cached(folder, cache) == load(folder)
    assert load_cached(folder, cache) == load(folder)


@pytest.mark.parametrize(
    ("file", "old", "new", "error"),
    [
        ("a.yaml", "  - name: Beta\n", "  - name: Beta\n    aliases: [B]\n", None),  # companies changed
        ("b.yaml", "  - id: e006\n", "  - id: e106\n", "related to unknown id 'e006'"),  # a link across files
        ("b.yaml", "  - id: e007\n", "  - id: e001\n", "duplicate id 'e001'"),  # an id from another file
        ("c.yaml", "companies: [AC]", "companies: [Nobody]", "unknown company 'Nobody'"),
        ("a.yaml", "  - name: Acme\n    aliases: [AC]\n", "  - name: Acme\n", "unknown company 'AC'"),
    ],
)
def test_hand_edits_across_files_are_validated_like_the_whole_folder(
    run: Runner, folder: Path, file: str, old: str, new: str, error: str | None
) -> None:
    assert run("-f", str(folder), "list", "--view", "compact").exit_code == 0
    edit_by_hand(folder / file, old, new)
    listed = run("-f", str(folder), "list", "--view", "compact")
    validated = run("-f", str(folder), "validate")
    if error is None:
        assert listed.exit_code == 0, listed.stderr
        assert validated.exit_code == 0
        return
    assert listed.exit_code == 1
    assert error in listed.stderr
    assert [line for line in listed.stderr.splitlines() if ": error: " in line] == [
        line for line in validated.stderr.splitlines() if ": error: " in line
    ]
    with pytest.raises(StoreError):
        load(folder)


def test_list_after_a_hand_edit_shows_it(run: Runner, folder: Path) -> None:
    assert "Event 7" in run("-f", str(folder), "list", "--view", "compact").stdout
    edit_by_hand(folder / "b.yaml", "title: Event 7", "title: Event seven")
    shown = run("-f", str(folder), "list", "--view", "compact").stdout
    assert "Event seven" in shown and "Event 7\n" not in shown
