"""A folder store's cache entry records each file: after one file is edited by hand, only that
file is read again, and the result is exactly what loading the whole folder gives."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from timeline.errors import StoreError
from timeline.store import _rows, load
from timeline.store._cache import _load_cached
from timeline.store._entry import pack_rows, read_blob

from conftest import Runner, invoke_main

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


def edit_by_hand(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def same_as_loading_it_all(store: object, folder: Path) -> None:
    whole = load(folder)
    assert store == whole
    assert store.order == whole.order  # type: ignore[attr-defined]
    assert store.files == whole.files  # type: ignore[attr-defined]


def test_after_one_file_changes_only_it_is_read_again(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache-folder"
    assert _load_cached(folder, cache) == (load(folder), None)  # cold: every file parsed
    edit_by_hand(folder / "b.yaml", "title: Event 7", "title: Event seven")
    store, parsed = _load_cached(folder, cache)
    assert parsed == {1}  # b.yaml alone
    same_as_loading_it_all(store, folder)
    assert "Event seven" in {e.title for e in store.events}
    assert _load_cached(folder, cache) == (store, set())  # warm again afterwards


def test_files_added_and_removed_are_read_alone(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache-folder"
    _load_cached(folder, cache)
    (folder / "d.yaml").write_text("version: 1\ncompanies: []\nevents:\n" + event(20, related="e001"))
    store, parsed = _load_cached(folder, cache)
    assert parsed == {3}
    same_as_loading_it_all(store, folder)
    (folder / "b.yaml").unlink()  # c.yaml's e014 relates to e006, which was in b.yaml
    with pytest.raises(StoreError, match="related to unknown id 'e006'"):
        _load_cached(folder, cache)
    edit_by_hand(folder / "c.yaml", "    related: [e006]\n", "")
    store, parsed = _load_cached(folder, cache)
    same_as_loading_it_all(store, folder)
    assert {e.id for e in store.events} == {f"e{n:03d}" for n in [*range(5), *range(10, 15), 20]}


def test_a_file_changed_after_an_edit_command_is_read_alone(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "timeline"  # the command's own cache (conftest's XDG_CACHE_HOME)
    assert invoke_main(["-f", str(folder), "list"]).exit_code == 0
    assert invoke_main(["-f", str(folder), "edit", "e002", "--set", "title=Edited by command"]).exit_code == 0
    edit_by_hand(folder / "c.yaml", "title: Event 12", "title: Event twelve")
    store, parsed = _load_cached(folder, cache)
    assert parsed == {2}  # the entry the edit wrote serves a.yaml and b.yaml
    same_as_loading_it_all(store, folder)
    assert {"Edited by command", "Event twelve"} <= {e.title for e in store.events}


def test_after_one_file_changes_the_entry_holds_what_a_full_load_gives_chunk_by_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_rows, "CHUNK_ROWS", 4)
    folder = tmp_path / "years"
    folder.mkdir()
    for year in range(2020, 2025):  # each file's events are together in date order
        events = "".join(
            f"  - id: y{year}-{n}\n    date: {year}-0{n + 1}-01\n    title: T {year} {n}\n"
            "    companies: [Acme]\n    kind: other\n"
            for n in range(8)
        )
        head = "version: 1\ncompanies:\n  - name: Acme\n" if year == 2020 else "version: 1\ncompanies: []\n"
        (folder / f"{year}.yaml").write_text(head + "events:\n" + events)
    cache = tmp_path / "cache-folder"
    _load_cached(folder, cache)

    def chunks() -> list[tuple[tuple[object, ...], ...]]:
        (entry,) = cache.glob("*.store")
        _, chunks = read_blob(entry)
        return [marshal.loads(chunk) for chunk in chunks]  # noqa: S302 - the test's own entry

    before = chunks()
    edit_by_hand(folder / "2022.yaml", "title: T 2022 3", "title: T 2022 three")
    store, parsed = _load_cached(folder, cache)
    assert parsed == {2}
    same_as_loading_it_all(store, folder)
    after = chunks()
    assert [row for chunk in after for row in chunk] == list(pack_rows(load(folder).events))
    assert len(before) == len(after) == 10
    assert [a == b for a, b in zip(before, after, strict=True)] == [True] * 4 + [False] + [True] * 5


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
