"""Each traceback the audit found (issue 17 item 6) is now one clear line on stderr and an exit
status, checked on the installed script in a subprocess, as a user meets it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_installed import _script, assert_clean, timeline

from conftest import DATA

AS_ROOT = os.geteuid() == 0
STORE_9999 = (
    "version: 1\ncompanies:\n- name: Acme\nevents:\n"
    "- id: the-end\n  date: '9999'\n  title: The last year\n  companies: [Acme]\n  kind: other\n"
)


def _copy_of_sample(folder: Path) -> Path:
    store = folder / "store.yaml"
    store.write_bytes((DATA / "sample.yaml").read_bytes())
    return store


@pytest.mark.skipif(AS_ROOT, reason="root reads a file whatever its mode")
def test_add_on_an_unreadable_store(tmp_path: Path) -> None:
    store = _copy_of_sample(tmp_path)
    store.chmod(0)
    result = timeline(
        "-f", str(store), "add", "--date", "2026", "--title", "T", "-c", "Example Corp", "-k", "other", cwd=tmp_path
    )
    assert_clean(result, 1)
    assert f"{store}:1:1: error: cannot read file: Permission denied" in result.stderr


@pytest.mark.skipif(AS_ROOT, reason="root searches a folder whatever its mode")
def test_a_store_under_an_unsearchable_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    store = _copy_of_sample(folder)
    folder.chmod(0)
    try:
        result = timeline("-f", str(store), "list", cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert_clean(result, 1)
    assert result.stderr == f"error: cannot use the store {store}: Permission denied\n"


def test_a_5000_character_path(tmp_path: Path) -> None:
    name = "a" * 5000
    result = timeline("-f", name, "list", cwd=tmp_path)
    assert_clean(result, 1)
    assert result.stderr == f"error: cannot use the store {name}: File name too long\n"


def test_a_deleted_current_folder_with_an_absolute_store(tmp_path: Path) -> None:
    store = _copy_of_sample(tmp_path)
    gone = tmp_path / "gone"
    gone.mkdir()
    script = _script()
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TIMELINE_NOW": "2026-06-15", "LC_ALL": "C.UTF-8"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    # The shell removes its own current folder, then runs the script in it.
    command = f'cd "{gone}" && rmdir "{gone}" && "{script}" -f "{store}" list --since 2024 && "{script}" list'
    result = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in result.stderr
    assert "Example Corp" in result.stdout  # with -f, the deleted folder does not matter
    assert result.returncode == 1
    assert (
        result.stderr
        == "error: the current folder no longer exists; change to another one, or name the store with -f\n"
    )


def test_ics_title_with_a_newline(tmp_path: Path) -> None:
    store = _copy_of_sample(tmp_path)
    result = timeline("-f", str(store), "export", "-F", "ics", "--title", "a\nb\rc", cwd=tmp_path)
    assert_clean(result, 0)
    assert "X-WR-CALNAME:a b c\n" in result.stdout  # text mode reads CRLF as \n


def test_a_year_9999_event_exports_to_ics(tmp_path: Path) -> None:
    store = tmp_path / "store.yaml"
    store.write_text(STORE_9999)
    result = timeline("-f", str(store), "export", "-F", "ics", cwd=tmp_path)
    assert_clean(result, 0)
    assert "DTSTART;VALUE=DATE:99990101\nDURATION:P365D\n" in result.stdout


def test_closed_stdout(tmp_path: Path) -> None:
    result = subprocess.run(
        [_script(), "list"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TIMELINE_NOW": "2026-06-15"},
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the output: standard output is closed\n"


def test_stdout_on_a_full_disk(tmp_path: Path) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [_script(), "list"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TIMELINE_NOW": "2026-06-15"},
            timeout=60,
        )
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert result.stderr == "error: cannot write the output: No space left on device\n"


def test_a_huge_columns_is_capped(tmp_path: Path) -> None:
    result = timeline("list", "--view", "timeline", cwd=tmp_path, env={"COLUMNS": "1000000000"})
    assert_clean(result, 0)
    assert max(len(line) for line in result.stdout.splitlines()) <= 1000


@pytest.mark.parametrize("format_name", ["ics", "html", "json"])
def test_a_non_utf8_title(tmp_path: Path, format_name: str) -> None:
    script = os.fsencode(_script())
    env = {b"PATH": os.environ.get("PATH", "").encode(), b"HOME": os.fsencode(tmp_path), b"TIMELINE_NOW": b"2026-06-15"}
    result = subprocess.run(
        [script, b"export", b"-F", format_name.encode(), b"--title", b"a\xffb"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
    )
    assert b"Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.stdout == b""  # no raw 0xFF written anywhere
    assert (
        result.stderr == b"usage error: argument 'a\\xffb' is not valid UTF-8 text (only file names may be any bytes)\n"
    )


def test_a_non_utf8_file_name_is_still_a_file_name(tmp_path: Path) -> None:
    script = os.fsencode(_script())
    env = {b"PATH": os.environ.get("PATH", "").encode(), b"HOME": os.fsencode(tmp_path), b"TIMELINE_NOW": b"2026-06-15"}
    name = os.fsencode(tmp_path) + b"/caf\xe9.md"
    result = subprocess.run([script, b"export", b"-o", name], cwd=tmp_path, env=env, capture_output=True, timeout=60)
    assert b"Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert os.path.exists(name)
