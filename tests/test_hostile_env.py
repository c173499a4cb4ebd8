"""Every command in a hostile environment, run as the installed script: the store is a device, a
FIFO, a dangling link or unreadable; stdout is closed, on a full disk or not UTF-8; the disk
itself is full. Whatever happens, there is no traceback and no hang, and the exit status is one
the README documents (0, 1 or 2)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_installed import _script

from timeline.cli import COMMANDS
from timeline.store import packaged_store

from gitrepo import Repo

# After the newest shipped event, so that validate has no "starts after today" warning to print.
TODAY = "2026-12-01"

SHOW_ID = "microsoft-openai-amended-agreement-2026"
IMPORT_SAMPLE = Path(__file__).parent / "data" / "readme" / "presentofai-sample.csv"
ADD = ["add", "--date", "2026-06-10", "--title", "A hostile-environment test", "-c", "OpenAI", "-k", "other"]


def arguments(command: str, store: str, target: str) -> list[str]:
    """The command line for ``command`` on ``store``; ``init`` writes to ``target``."""
    return {
        "validate": ["-f", store, "validate"],
        "schema": ["schema"],
        "list": ["-f", store, "list"],
        "show": ["-f", store, "show", SHOW_ID],
        "companies": ["-f", store, "companies"],
        "tags": ["-f", store, "tags"],
        "stats": ["-f", store, "stats"],
        "export": ["-f", store, "export", "-F", "html"],
        "init": ["init", target],
        "add": ["-f", store, *ADD],
        "changes": ["-f", store, "changes"],
        "where": ["-f", store, "where"],
        "completion": ["completion", "bash"],
        "edit": ["-f", store, "edit", SHOW_ID, "--add-tag", "a-test-tag"],
        "rm": ["-f", store, "rm", SHOW_ID, "--unlink"],
        "import": ["-f", store, "import", str(IMPORT_SAMPLE), "--new-companies", "--default-company", "Unattributed"],
    }[command]


def test_every_command_is_covered() -> None:
    assert set(COMMANDS) == {
        "validate",
        "schema",
        "list",
        "show",
        "companies",
        "tags",
        "stats",
        "export",
        "init",
        "add",
        "changes",
        "where",
        "completion",
        "import",
        "edit",
        "rm",
    }


def run_script(
    args: list[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    stdout: int | None = subprocess.PIPE,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "XDG_CACHE_HOME": str(cwd / "cache")}
    clean |= {"TIMELINE_NOW": TODAY, "LC_ALL": "C.UTF-8"} | (env or {})
    return subprocess.run(
        [_script(), *args],
        cwd=cwd,
        env=clean,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        timeout=60,  # a FIFO must never hang a command
        preexec_fn=preexec,
    )


def no_traceback(result: subprocess.CompletedProcess[str], *codes: int) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in codes, (result.returncode, result.stderr[-800:])


def own_store(folder: Path) -> Path:
    """A copy of the shipped store, committed to a git repository in ``folder`` and then edited
    (one title), so that `changes` has a change to print too."""
    store = folder / "store.yaml"
    text = packaged_store().read_text(encoding="utf-8")
    Repo(folder, folder / "git-home").commit("2026-06-01", {"store.yaml": text})
    store.write_text(text.replace("    title: ", "    title: Edited ", 1), encoding="utf-8")
    return store


# --- a hostile store: device, FIFO, dangling link, unreadable -----------------------------------


def _device(folder: Path) -> str:
    return "/dev/zero"


def _fifo(folder: Path) -> str:
    os.mkfifo(folder / "fifo.yaml")
    return str(folder / "fifo.yaml")


def _dangling(folder: Path) -> str:
    (folder / "link.yaml").symlink_to(folder / "missing.yaml")
    return str(folder / "link.yaml")


def _unreadable(folder: Path) -> str:
    store = own_store(folder)
    store.chmod(0)
    return str(store)


STORES = {"device": _device, "fifo": _fifo, "dangling link": _dangling, "unreadable": _unreadable}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", list(STORES))
def test_a_hostile_store(tmp_path: Path, kind: str, command: str) -> None:
    store = STORES[kind](tmp_path)
    result = run_script(arguments(command, store, store), tmp_path)
    if command in ("schema", "completion", "where"):  # none of them reads the store's content
        no_traceback(result, 0)
    elif command == "changes" and kind != "unreadable":  # outside any git repository: refused unread
        no_traceback(result, 1)
        assert result.stderr == f"error: {store} is not in a git repository, so it has no revisions to compare\n"
    elif command == "init":
        no_traceback(result, 2)  # something is already there: never overwritten
        assert "already exists" in result.stderr
    elif kind == "unreadable" and os.geteuid() == 0:
        no_traceback(result, 0)  # root reads it anyway
    else:
        no_traceback(result, 1)
        # One located line (add names a dangling link's target as not found before reading).
        assert f"{store}:1:1: error: cannot read file: " in result.stderr or (
            kind == "dangling link" and result.stderr == f"error: store not found: {store}\n"
        )
    if kind == "device":
        assert Path("/dev/zero").is_char_device()


# --- hostile output: closed stdout, stdout on a full disk, a stdout that is not UTF-8 ------------


def _close_stdout() -> None:
    os.close(1)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_closed_stdout(tmp_path: Path, command: str) -> None:
    store = own_store(tmp_path)
    result = run_script(
        arguments(command, str(store), str(tmp_path / "new.yaml")),
        tmp_path,
        stdout=subprocess.DEVNULL,
        preexec=_close_stdout,
    )
    no_traceback(result, 0, 1)
    if result.returncode == 1:
        assert result.stderr == "error: cannot write the output: standard output is closed\n"
    if command in ("add", "import"):  # they report on stderr: a closed stdout does not matter
        assert result.returncode == 0


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_stdout_on_a_full_disk(tmp_path: Path, command: str) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    store = own_store(tmp_path)
    with open("/dev/full", "w") as full:
        result = run_script(arguments(command, str(store), str(tmp_path / "new.yaml")), tmp_path, stdout=full.fileno())
    no_traceback(result, 0, 1)
    if result.returncode == 1:
        assert result.stderr == "error: cannot write the output: No space left on device\n"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_stdout_that_is_not_utf8(tmp_path: Path, command: str) -> None:
    store = own_store(tmp_path)
    ascii_locale = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    result = run_script(arguments(command, str(store), str(tmp_path / "new.yaml")), tmp_path, env=ascii_locale)
    no_traceback(result, 0)


# --- a full disk: a small tmpfs where the machine allows mounting one ---------------------------


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    mount = shutil.which("mount")
    folder = tmp_path / "full"
    folder.mkdir()
    if mount is None or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    done = subprocess.run([mount, "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        own_store(folder)
        with contextlib.suppress(OSError), (folder / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_full_disk(full_disk: Path, tmp_path: Path, command: str) -> None:
    store = full_disk / "store.yaml"
    before = store.read_bytes()
    args = arguments(command, str(store), str(full_disk / "new.yaml"))
    if command == "export":
        args += ["-o", str(full_disk / "out.html")]
    result = run_script(args, tmp_path)
    if command in ("add", "init", "export", "import", "edit", "rm"):
        no_traceback(result, 1)
        assert "No space left on device" in result.stderr
    else:
        no_traceback(result, 0)
    assert store.read_bytes() == before
    assert not [p.name for p in full_disk.iterdir() if p.name.endswith(".tmp")]  # nothing left behind
