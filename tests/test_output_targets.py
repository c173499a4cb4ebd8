"""`export -o` writes what is at the target the way `> target` would, but atomically:
modes kept or from the umask, symlinks followed, devices and FIFOs written in place,
hard links refused, missing folders made (issue 12 item 3 and issue 17 item 3)."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_installed import assert_clean, timeline

from conftest import Runner


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_export_follows_the_umask_not_0600(run: Runner, tmp_path: Path, umask_022: None) -> None:
    result = run("export", "-o", str(tmp_path / "out.html"))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "out.html").stat().st_mode) == 0o644


def test_an_existing_files_mode_is_kept(run: Runner, tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    target.chmod(0o640)
    assert run("export", "-o", str(target)).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text().startswith("# AI industry timeline")


def test_a_symlinks_target_is_written_and_the_link_kept(run: Runner, tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    assert run("export", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert real.read_text().startswith("# AI industry timeline")


def test_missing_parent_folders_are_made(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.json"
    result = run("export", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_text().startswith("{")


def test_a_hard_linked_target_is_refused_and_unchanged(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old")
    os.link(target, tmp_path / "other.md")
    result = run("export", "-o", str(target))
    assert result.exit_code == 1
    assert "has 2 hard links" in result.stderr and "nothing was written" in result.stderr
    assert target.read_text() == "old" and (tmp_path / "other.md").read_text() == "old"
    assert target.stat().st_nlink == 2


def test_a_fifo_target_is_written_into_not_replaced(run: Runner, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run("export", "-F", "csv", "-o", str(fifo))
    reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received[0].startswith(b"id,date,start,end")


def test_a_device_target_is_written_into_not_replaced(run: Runner, tmp_path: Path) -> None:
    node = tmp_path / "null"
    try:  # a private copy of /dev/null (never the real one: the old code replaced the target)
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")
    result = run("export", "-F", "json", "-o", str(node))
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISCHR(node.lstat().st_mode)


def test_dev_stdout_writes_to_standard_output(tmp_path: Path) -> None:
    result = timeline("export", "-F", "json", "-o", "/dev/stdout", cwd=tmp_path)
    assert_clean(result, 0)
    assert result.stdout.startswith('{\n  "title": "AI industry timeline"')


def test_a_full_device_reports_the_full_disk(tmp_path: Path) -> None:
    full = tmp_path / "full"
    try:  # a private copy of /dev/full as root: a regression must not replace the real one
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:
        full = Path("/dev/full")  # without root nothing can replace it
    if not full.exists():
        pytest.skip("no /dev/full on this system")
    before = os.lstat(full)
    result = timeline("export", "-F", "json", "-o", str(full), cwd=tmp_path)
    assert_clean(result, 1)
    assert result.stderr == f"error: cannot write {full}: No space left on device\n"
    assert stat.S_ISCHR(os.lstat(full).st_mode) and os.lstat(full).st_ino == before.st_ino


def test_a_folder_target_is_refused(run: Runner, tmp_path: Path) -> None:
    (tmp_path / "dir.md").mkdir()
    result = run("export", "-o", str(tmp_path / "dir.md"))
    assert result.exit_code == 1
    assert "it is a folder" in result.stderr
