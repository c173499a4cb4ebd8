"""Entries in the cache's own format, with the right keys, but values a store cannot hold, are
never served (issue 17, item 5): each is a miss, the command shows the store as it is, and the
entry is replaced. And the cache folder does not grow forever: entries of stores that no longer
exist, odd files and the least recently used entries beyond the budget are removed."""

from __future__ import annotations

import marshal
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from timeline.store import _cache as cache
from timeline.store import _entry, _prune, load

from conftest import DATA, Runner, cache_folder, store_entry

pytestmark = pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)

Row = list[Any]


@pytest.fixture
def store(sample_copy: Path) -> Path:
    return sample_copy


def sign(entry: Path, head: Any, chunks: list[bytes], *, by: str) -> None:
    """Write an entry of ``head`` and ``chunks`` signed by the user's own key (what this code
    writes) or by someone who knows the format but not the key."""
    source = _entry.read_source(entry) or ""
    if by == "user":
        _entry.write_blob(entry.parent, entry, head, chunks, source)
        return
    entry.unlink()
    entry.write_bytes(b"".join(_entry.entry_bytes(os.urandom(32), head, chunks, source)))


def rewrite_entry(entry: Path, change: Callable[[list[Row], list[Any]], None], *, by: str = "attacker") -> None:
    """Rewrite the entry as only someone who knows the format could: same keys, its rows
    changed by ``change(rows, companies)``, signed ``by`` the user's key or a key of their own."""
    (tag, keys, fields), chunks = _entry.read_blob(entry)
    companies, ids, _, order, texts, days, linked = fields
    rows = [list(row) for chunk in chunks for row in marshal.loads(chunk)]  # noqa: S302 - the test's own entry
    companies = [list(c) for c in companies]
    change(rows, companies)
    blobs = [marshal.dumps(tuple(tuple(r) for r in rows))]
    new = (tuple(tuple(c) for c in companies), ids, (len(rows),), order, texts, days, linked)
    sign(entry, (tag, keys, new), blobs, by=by)


def set_field(index: int, value: Any) -> Callable[[list[Row], list[Any]], None]:
    def change(rows: list[Row], companies: list[Any]) -> None:
        rows[0][index] = value

    return change


def first_source(url: str) -> Callable[[list[Row], list[Any]], None]:
    def change(rows: list[Row], companies: list[Any]) -> None:
        rows[0][8] = ((url, None, None, None),)

    return change


def shorter_row(rows: list[Row], companies: list[Any]) -> None:
    del rows[0][-1]


def drop_company(rows: list[Row], companies: list[Any]) -> None:
    used = rows[0][4][0]
    companies[:] = [c for c in companies if c[0] != used and c[2] != used]


CRAFTED = {
    "month 13, day 40": set_field(1, (2026, 13, 40, False, False)),
    "day 31 of April": set_field(1, (2026, 4, 31, False, False)),
    "year 0": set_field(1, (0, None, None, False, False)),
    "end before start": set_field(2, (1999, None, None, False, False)),
    "javascript: source": first_source("javascript:alert(1)"),
    "source with a space": first_source("https://example.org/a b"),
    "title that is a number": set_field(3, 5),
    "summary that is a list": set_field(7, ["x"]),
    "unknown kind": set_field(5, "<script>"),
    "unknown company": set_field(4, ("Nobody Inc",)),
    "company name not text": set_field(4, (7,)),
    "tag with markup": set_field(6, ("[red]x[/red]",)),
    "related to no event": set_field(9, ("no-such-event",)),
    "id with a newline": set_field(0, "a\nb"),
    "row id not the one the entry lists": set_field(0, "some-other-event"),
    "source not a tuple": set_field(8, ("https://example.org/",)),
    "provenance of the wrong shape": set_field(10, ("csv",)),
    "row one field short": shorter_row,
    "registry without a company the rows use": drop_company,
}


@pytest.mark.parametrize("name", list(CRAFTED))
def test_a_crafted_entry_is_a_miss_and_is_replaced(run: Runner, store: Path, tmp_path: Path, name: str) -> None:
    expected = run("-f", str(store), "list", "--view", "compact")
    html = run("-f", str(store), "export", "-F", "html")
    entry = store_entry(tmp_path)
    rewrite_entry(entry, CRAFTED[name])
    assert cache.read(cache_folder(tmp_path), store) is None
    assert not entry.exists(), "an odd entry is removed"
    result = run("-f", str(store), "list", "--view", "compact")
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected.stdout, expected.stderr)
    assert "2026-13-40" not in result.stdout and "Traceback" not in result.stderr
    assert cache.read(cache_folder(tmp_path), store) == load(store), "the next run wrote a good entry"
    rewrite_entry(store_entry(tmp_path), CRAFTED[name])
    again = run("-f", str(store), "export", "-F", "html")
    assert (again.exit_code, again.stdout) == (0, html.stdout)
    assert "javascript:" not in again.stdout


def every_date(rows: list[Row], companies: list[Any]) -> None:
    for row in rows:
        row[1] = (2026, 13, 40, False, False)


@pytest.mark.parametrize(
    ("crafted", "by"),
    [(set_field(1, (2026, 13, 40, False, False)), "attacker"), (every_date, "user")],
    ids=["one-row-foreign-key", "every-row-users-own-key"],
)
@pytest.mark.parametrize("command", ["add", "edit", "rm"])
def test_a_crafted_entry_does_not_reach_an_edit(
    run: Runner, store: Path, tmp_path: Path, crafted: Callable[[list[Row], list[Any]], None], by: str, command: str
) -> None:
    """A foreign entry is a miss for an edit too. Even an entry signed with the user's own key
    is read lazily by an edit, each event checked as it is built: an odd row it reads makes it
    plan again on a full read (and drops the entry). Either way the store is right and nothing
    odd is shown."""
    assert run("-f", str(store), "list").exit_code == 0
    expected_ids = {e.id for e in load(store).events}
    target = sorted(expected_ids)[-1]
    rewrite_entry(store_entry(tmp_path), crafted, by=by)
    args = {
        "add": ["add", "--date", "2026-06-01", "--title", "After a crafted entry", "-c", "Example Corp", "-k", "other"],
        "edit": ["edit", target, "--set", "title=Edited after a crafted entry"],
        "rm": ["rm", target, "--unlink"],
    }[command]
    result = run("-f", str(store), *args)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr and "2026-13" not in result.stdout + result.stderr
    after = load(store)  # what the file holds: the change made, nothing else touched
    assert run("-f", str(store), "validate").exit_code == 0
    if command == "add":
        assert {e.id for e in after.events} > expected_ids and len(after.events) == len(expected_ids) + 1
    elif command == "edit":
        assert next(e for e in after.events if e.id == target).title == "Edited after a crafted entry"
    else:
        assert {e.id for e in after.events} == expected_ids - {target}
    if by == "attacker":  # a user's own key signs what the user wrote: only foreign entries are refused
        served = cache.read(cache_folder(tmp_path), store)
        assert served is None or served == after, "a crafted row is never served"
        listed = run("-f", str(store), "list", "--view", "compact")
        assert listed.exit_code == 0 and "2026-13" not in listed.stdout


def test_a_well_formed_entry_is_still_served(run: Runner, store: Path, tmp_path: Path) -> None:
    """The key does not turn every entry into a miss: one the user's key signs is used."""
    assert run("-f", str(store), "list").exit_code == 0
    entry = store_entry(tmp_path)
    rewrite_entry(entry, lambda rows, companies: None, by="user")
    assert cache.read(cache_folder(tmp_path), store) == load(store)
    assert entry.exists()


def test_a_planted_entry_of_another_user_is_not_served(run: Runner, store: Path, tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("giving a file to another user needs root")
    assert run("-f", str(store), "list").exit_code == 0
    entry = store_entry(tmp_path)
    rewrite_entry(entry, set_field(3, "Planted title"), by="user")
    os.chown(entry, 65534, 65534)
    assert cache.read(cache_folder(tmp_path), store) is None
    result = run("-f", str(store), "list")
    assert result.exit_code == 0 and "Planted title" not in result.stdout


def make_store(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    shutil.copy(DATA / "sample.yaml", path)
    return path


def entries(tmp_path: Path) -> dict[str | None, Path]:
    return {_entry.read_source(p): p for p in cache_folder(tmp_path).iterdir() if p.name.endswith(_prune.SUFFIXES)}


def test_entries_of_stores_that_no_longer_exist_are_removed(run: Runner, tmp_path: Path) -> None:
    kept, gone = make_store(tmp_path, "kept.yaml"), make_store(tmp_path, "gone.yaml")
    assert run("-f", str(kept), "list").exit_code == 0
    assert run("-f", str(gone), "list").exit_code == 0
    assert set(entries(tmp_path)) == {str(kept.resolve()), str(gone.resolve())}
    gone.unlink()
    kept.write_text(kept.read_text() + "# edited\n")  # a miss: the cache writes, then prunes
    assert run("-f", str(kept), "list").exit_code == 0
    assert set(entries(tmp_path)) == {str(kept.resolve())}


def test_old_format_entries_and_stale_temporary_files_are_removed(run: Runner, store: Path, tmp_path: Path) -> None:
    assert run("-f", str(store), "list").exit_code == 0
    old = cache_folder(tmp_path) / "0123456789abcdef.store"
    old.write_bytes(b"TLC3" + bytes(12) + b"payload of an older version")
    stale = cache_folder(tmp_path) / ".0123456789abcdef.store.99999-abc.tmp"
    stale.write_bytes(b"half an entry")
    os.utime(stale, (1, 1))
    fresh_temp = cache_folder(tmp_path) / ".0123456789abcdef.store.99998-abc.tmp"
    fresh_temp.write_bytes(b"being written now")
    store.write_text(store.read_text() + "# edited\n")
    assert run("-f", str(store), "list").exit_code == 0
    assert not old.exists() and not stale.exists()
    assert fresh_temp.exists(), "a temporary file that may still be being written is left alone"


def test_beyond_the_budget_the_least_recently_used_go_first(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = [make_store(tmp_path, f"s{n}.yaml") for n in range(4)]
    for number, path in enumerate(stores):
        assert run("-f", str(path), "list").exit_code == 0
        os.utime(entries(tmp_path)[str(path.resolve())], ns=(number * 10**9, number * 10**9))
    size = max(p.stat().st_size for p in entries(tmp_path).values())
    assert run("-f", str(stores[1]), "list").exit_code == 0  # a warm read: s1 is now the most recent
    monkeypatch.setattr(_prune, "BUDGET_BYTES", 2 * size)
    new = make_store(tmp_path, "new.yaml")
    assert run("-f", str(new), "list").exit_code == 0
    left = set(entries(tmp_path))
    assert str(new.resolve()) in left, "the entry just written is kept whatever the budget"
    assert left == {str(new.resolve()), str(stores[1].resolve()), str(stores[3].resolve())}
    others = [p.stat().st_size for source, p in entries(tmp_path).items() if source != str(new.resolve())]
    assert sum(others) <= 2 * size, "the others fit the budget"


def test_a_folder_stores_own_entry_is_kept_over_the_budget(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "events"
    store.mkdir()
    text = (DATA / "sample.yaml").read_text()
    head, _, body = text.partition("events:\n")
    (store / "a.yaml").write_text(head + "events:\n" + body)
    (store / "b.yaml").write_text("version: 1\ncompanies: []\nevents: []\n")
    monkeypatch.setattr(_prune, "BUDGET_BYTES", 1)
    assert run("-f", str(store), "list").exit_code == 0
    (store / "b.yaml").write_text("version: 1\ncompanies: []\nevents: []\n# edited\n")
    assert run("-f", str(store), "list").exit_code == 0
    names = {p.suffix for p in cache_folder(tmp_path).iterdir() if not p.name.startswith(".") and p.name != "key"}
    assert names == {".store"}


def swap_first_two_in_order(entry: Path) -> None:
    (tag, keys, fields), chunks = _entry.read_blob(entry)
    companies, row_ids, lengths, order, texts, days, linked = fields
    ids = list(order[0])
    ids[0], ids[1] = ids[1], ids[0]
    new = (companies, row_ids, lengths, (tuple(ids), *order[1:]), texts, days, linked)
    sign(entry, (tag, keys, new), [bytes(c) for c in chunks], by="user")


@pytest.mark.parametrize("command", ["edit", "rm"])
def test_an_order_that_does_not_describe_the_file_never_edits_the_wrong_event(
    run: Runner, store: Path, tmp_path: Path, command: str
) -> None:
    """A well-formed entry whose per-file order is shuffled passes every type check; an edit
    still changes only the event it names, because it checks the block it found."""
    assert run("-f", str(store), "list").exit_code == 0
    first, second = load(store).order[0][:2]
    swap_first_two_in_order(store_entry(tmp_path))
    args = ["edit", first, "--set", "title=Renamed here"] if command == "edit" else ["rm", first, "--unlink"]
    result = run("-f", str(store), *args)
    assert result.exit_code == 0, result.stderr
    after = {e.id: e for e in load(store).events}
    assert second in after and after[second].title != "Renamed here"
    if command == "edit":
        assert after[first].title == "Renamed here"
    else:
        assert first not in after
    assert run("-f", str(store), "validate").exit_code == 0


def assert_entry_passes_the_checks(entry: Path) -> None:
    """What a full read trusts (the MAC says this code wrote it) must be what the value checks
    accept: a writer bug shows here, not as odd output later."""
    from timeline.store._checks import check_ids, check_rows, registry_of
    from timeline.store._rows import PackedRows

    (_, _, fields), chunks = _entry.read_blob(entry)
    companies, joined, lengths, order, texts, days, linked = fields
    blobs = tuple(chunks)
    assert len(texts) == (len(order) if len(order) > 1 else 0)  # a folder store's files' companies
    registry = registry_of(companies)
    ids = check_ids(joined)
    packed = PackedRows.from_entry(blobs, lengths, joined.split("\n") if joined else [], days, linked)
    rows = tuple(packed)
    assert check_rows(rows, registry)[0] == ids
    exact = PackedRows.from_rows(rows)
    assert days == exact.days()  # each row's first and last day
    assert packed.linked >= exact.linked  # every id a related link names (after edits, maybe more)
    assert sum(map(len, order)) == len(rows) and set().union(*order) == ids


def test_every_entry_this_code_writes_passes_the_value_checks(run: Runner, store: Path, tmp_path: Path) -> None:
    steps = [
        ["list"],
        ["add", "--date", "2026-06-01", "--title", "Checked entry", "-c", "Example Corp", "-k", "other"],
        ["add", "--date", "2030", "--title", "At the very end", "-c", "Sample Labs", "-k", "research"],
        ["add", "--date", "1999-01", "--title", "At the very start", "-c", "Other Inc", "-k", "legal"],
        ["edit", "other-lawsuit-2026", "--set", "date=2025-02", "--add-tag", "checked"],
        ["rm", "example-sample-partnership-2024", "--unlink"],
        [
            "import",
            str(DATA / "readme" / "presentofai-sample.csv"),
            "--new-companies",
            "--default-company",
            "Unattributed",
        ],
    ]
    for step in steps:
        result = run("-f", str(store), *step)
        assert result.exit_code == 0, (step, result.stderr)
        assert_entry_passes_the_checks(store_entry(tmp_path))
        assert cache.read(cache_folder(tmp_path), store) == load(store), step
