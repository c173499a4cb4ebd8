"""The cache trusts nothing it did not write itself (issue 17, item 5, in part): a private
folder, regular files of this user, bounded and checksummed entries."""

from __future__ import annotations

import os
import random
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.store import _cache as cache
from timeline.store import _entry, load
from timeline.store._checks import _urls_ok
from timeline.store._entry import _MAGIC
from timeline.store._parse import URL_RE

from conftest import Runner, cache_folder, store_entry


@pytest.fixture
def store(sample_copy: Path) -> Path:
    return sample_copy


def test_a_relative_xdg_cache_home_is_ignored(isolated: Path) -> None:
    home = Path(os.environ["HOME"])
    assert cache.cache_dir({"XDG_CACHE_HOME": "relative/cache"}) == home / ".cache" / "timeline"
    assert cache.cache_dir({"XDG_CACHE_HOME": "/abs/cache"}) == Path("/abs/cache/timeline")


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
def test_the_cache_folder_is_private(run: Runner, store: Path, tmp_path: Path) -> None:
    assert run("-f", str(store), "list").exit_code == 0
    assert stat.S_IMODE(cache_folder(tmp_path).stat().st_mode) == 0o700


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
def test_a_folder_others_can_write_to_is_not_used(run: Runner, store: Path, tmp_path: Path) -> None:
    assert run("-f", str(store), "list").exit_code == 0
    assert cache.read(cache_folder(tmp_path), store) == load(store)
    os.chmod(cache_folder(tmp_path), 0o777)  # noqa: S103 - the hostile case under test
    assert cache.read(cache_folder(tmp_path), store) is None
    assert run("-f", str(store), "list").exit_code == 0


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
@pytest.mark.parametrize("kind", ["fifo", "link-to-dev-zero", "tiny", "huge-length"])
def test_an_entry_that_is_not_ours_is_a_miss(run: Runner, store: Path, tmp_path: Path, kind: str) -> None:
    expected = run("-f", str(store), "list", "--view", "compact").stdout
    entry = store_entry(tmp_path)
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind == "link-to-dev-zero":
        entry.symlink_to("/dev/zero")
    elif kind == "tiny":
        entry.write_bytes(b"\xdb\xff\xff\xff\x7f")
    else:
        entry.write_bytes(_MAGIC + (1 << 40).to_bytes(8, "little") + bytes(4) + bytes(2) + b"x" * 10)
    assert cache.read(cache_folder(tmp_path), store) is None
    result = run("-f", str(store), "list", "--view", "compact")
    assert (result.exit_code, result.stdout) == (0, expected)


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
@pytest.mark.parametrize("mac", ["BLAKE2b", "HMAC-SHA256 (large entries)"])
def test_bit_flips_are_never_served(
    run: Runner, store: Path, tmp_path: Path, mac: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if mac.startswith("HMAC"):
        monkeypatch.setattr(_entry, "LARGE_PAYLOAD", 0)  # every entry counts as large
    assert run("-f", str(store), "list").exit_code == 0
    entry = store_entry(tmp_path)
    good = entry.read_bytes()
    truth = load(store)
    assert cache.read(cache_folder(tmp_path), store) == truth  # the undamaged entry is served
    rng = random.Random(60)  # noqa: S311 - reproducible damage, not secrets
    served_wrong = 0
    for _ in range(60):
        damaged = bytearray(good)
        for _ in range(3):
            at = rng.randrange(len(damaged))
            damaged[at] ^= 1 << rng.randrange(8)
        entry.write_bytes(bytes(damaged))
        found = cache.read(cache_folder(tmp_path), store)
        if found is not None and (found.events, found.registry) != (truth.events, truth.registry):
            served_wrong += 1
    assert served_wrong == 0


@given(
    st.lists(st.one_of(st.text(), st.sampled_from(["https://", "http://"]).flatmap(lambda s: st.text().map(s.__add__))))
)
def test_the_cache_url_check_is_the_stores_url_rule(urls: list[str]) -> None:
    """A cache entry's source URLs are checked with C-level scans, not the store's regex per
    URL: both accept exactly the same URLs."""
    assert _urls_ok(urls) == all(URL_RE.fullmatch(url) for url in urls)


@given(st.integers(0, 3000), st.lists(st.tuples(st.booleans(), st.integers(0, 4000)), max_size=40))
def test_chunked_rows_insert_and_delete_like_a_list(size: int, ops: list[tuple[bool, int]]) -> None:
    """The chunks an edit changes in place hold the rows a plain list would, in order, and
    survive being written and read back (ends of chunks and of the whole included)."""
    from timeline.store._rows import PackedRows

    model = [row(f"row-{n}", n) for n in range(size)]
    rows = PackedRows.from_rows(tuple(model))
    for insert, number in ops:
        if insert:
            at = number % (len(model) + 1)
            model.insert(at, row(f"new-{len(model)}", number))
            rows.insert(at, model[at])
        elif model:
            at = number % len(model)
            del model[at]
            del rows[at]
        assert len(rows) == len(model)
    assert list(rows) == model
    assert list(PackedRows.from_entry(rows.blobs(), rows.lengths(), list(rows.ids), rows.days(), rows.links())) == model
    assert rows.ids == [r[0] for r in model]
    assert_days_follow_the_rows(rows, model)


def row(event_id: str, number: int) -> tuple[object, ...]:
    """A packed row as far as the chunks care: id, start and end (year, month, day, ~, ?), and
    related links (the rest of a row's fields are opaque to them)."""
    month = None if number % 5 == 0 else number % 12 + 1
    end = (2021, None, None, False, False) if number % 7 == 0 else None
    start = (2000 + number % 20, month, None if month is None else number % 28 + 1, False, False)
    related = (f"row-{number // 3}",) if number % 3 == 0 else ()
    return (event_id, start, end, None, None, None, None, None, None, related, None)


def assert_days_follow_the_rows(rows: object, model: list[tuple[object, ...]]) -> None:
    """The day columns beside the chunks hold each row's first and last day, in row order:
    what an edit bisects instead of decoding chunks."""
    from timeline.dates import EventDate, PartialDate
    from timeline.model import sort_key
    from timeline.store._rows import PackedRows, compact

    assert isinstance(rows, PackedRows)
    assert rows.linked >= {link for r in model for link in r[9]}  # type: ignore[attr-defined]
    for at, r in enumerate(model):
        date = EventDate(PartialDate(*r[1]), None if r[2] is None else PartialDate(*r[2]))  # type: ignore[misc]
        assert rows.key_at(at) == compact(sort_key(date, str(r[0])))


@given(
    st.integers(0, 3000),
    st.sets(st.integers(0, 3000), max_size=300),
    st.lists(st.integers(0, 3000), max_size=300),
)
def test_merged_rows_are_the_rows_kept_with_the_new_ones_in_place(size: int, drop: set[int], places: list[int]) -> None:
    """After some files of a folder store change, their old rows go and their new rows go in
    between the rows kept: the chunks (read back from their bytes, as the next command reads
    them) hold exactly what a plain list would, and stay within the chunk size."""
    from timeline.store._rows import CHUNK_ROWS, PackedRows

    old = [row(f"row-{n}", n) for n in range(size)]
    packed = PackedRows.from_rows(tuple(old))
    rows = PackedRows.from_entry(packed.blobs(), packed.lengths(), [str(r[0]) for r in old], packed.days(), packed.links())
    dropped = {f"row-{n}" for n in drop}
    kept = [r for r in old if r[0] not in dropped]
    inserts = [(p % (len(kept) + 1), row(f"new-{i}", p)) for i, p in enumerate(sorted(places))]
    inserts.sort(key=lambda item: item[0])
    expected = list(kept)
    for shift, (place, new) in enumerate(inserts):
        expected.insert(place + shift, new)
    merged = rows.merged(dropped, inserts)
    assert merged.ids == [r[0] for r in expected]
    read_back = PackedRows.from_entry(merged.blobs(), merged.lengths(), list(merged.ids), merged.days(), merged.links())
    assert list(read_back) == expected
    assert all(0 < n < 2 * CHUNK_ROWS for n in merged.lengths())
    assert_days_follow_the_rows(merged, expected)
