"""The store cache: used only while it is exactly right, ignored whenever it is not."""

from __future__ import annotations

import marshal
import os
import shutil
from pathlib import Path

import pytest

from timeline.store import _cache as cache
from timeline.store import load

from conftest import DATA, Runner


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.yaml"
    shutil.copy(DATA / "sample.yaml", path)
    return path


def entries(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache" / "timeline"
    return sorted(folder.glob("*.store")) if folder.exists() else []


def titles(run: Runner, store: Path) -> str:
    result = run("-f", str(store), "list", "--view", "compact")
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
def test_a_warm_run_reads_the_cache(run: Runner, store: Path, tmp_path: Path) -> None:
    titles(run, store)
    (entry,) = entries(tmp_path)
    assert cache.read(tmp_path / "cache" / "timeline", store) == load(store)
    assert entry.stat().st_size > 0


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
def test_an_edit_keeping_size_and_mtime_is_seen(run: Runner, store: Path) -> None:
    assert "Example Summit 2025" in titles(run, store)
    stat = store.stat()
    text = store.read_text()
    store.write_text(text.replace("Example Summit 2025", "Example Summit 2052"))
    os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert store.stat().st_size == stat.st_size and store.stat().st_mtime_ns == stat.st_mtime_ns
    assert "Example Summit 2052" in titles(run, store)


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
@pytest.mark.parametrize(
    "damage",
    [b"", b"garbage", b"\x00" * 100, marshal.dumps(((99, (3, 11)), (), b"")), marshal.dumps("wrong shape")],
    ids=["empty", "garbage", "zeros", "foreign-version", "wrong-shape"],
)
def test_a_corrupt_or_foreign_entry_is_ignored(run: Runner, store: Path, tmp_path: Path, damage: bytes) -> None:
    expected = titles(run, store)
    (entry,) = entries(tmp_path)
    good = entry.read_bytes()
    entry.write_bytes(damage)
    assert titles(run, store) == expected
    entry.write_bytes(good[: len(good) // 2])  # truncated
    assert titles(run, store) == expected


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
def test_an_unwritable_cache_folder_means_no_cache(run: Runner, store: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    result = run("-f", str(store), "list", env={"XDG_CACHE_HOME": str(blocker)})
    assert result.exit_code == 0
    assert result.stderr == ""
    assert "Example Summit 2025" in result.stdout


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
def test_a_store_whose_path_changes(run: Runner, store: Path, tmp_path: Path) -> None:
    link = tmp_path / "current.yaml"
    link.symlink_to(store)
    assert "Example Summit 2025" in titles(run, link)
    other = tmp_path / "other.yaml"
    other.write_text(store.read_text().replace("Example Summit 2025", "Other Summit"))
    link.unlink()
    link.symlink_to(other)  # same path, another file
    assert "Other Summit" in titles(run, link)
    moved = tmp_path / "moved.yaml"
    store.rename(moved)
    assert "Example Summit 2025" in titles(run, moved)
    store.write_text(moved.read_text().replace("Example Summit 2025", "New file, old path"))
    assert "New file, old path" in titles(run, store)


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
def test_a_folder_store_notices_a_new_file(run: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(DATA / "sample.yaml", folder / "a.yaml")
    before = titles(run, folder)
    (folder / "b.yaml").write_text(
        "version: 1\ncompanies:\n  - name: Solo\nevents:\n  - id: solo\n    date: 2030\n    title: Solo event\n    companies: [Solo]\n    kind: other\n"
    )
    after = titles(run, folder)
    assert "Solo event" in after and "Solo event" not in before


@pytest.mark.parametrize("cache_mode", ["uncached"], indirect=True)
def test_no_cache_turns_it_off(run: Runner, store: Path, tmp_path: Path) -> None:
    titles(run, store)
    assert entries(tmp_path) == []
