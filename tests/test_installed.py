"""The installed ``timeline`` script, run as a user runs it: a subprocess, every command.

By default this is the script beside the Python running the tests (the README's editable
install); ``.ci/run`` points ``TIMELINE_BIN`` at a script installed from the built wheel, in a
venv of its own, so the wheel itself is proven to work.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.cli import COMMANDS

from conftest import DATA, PINNED_TODAY
from gitrepo import Repo


def _script() -> str:
    chosen = os.environ.get("TIMELINE_BIN") or shutil.which("timeline", path=str(Path(sys.executable).parent))
    if not chosen:
        pytest.fail("no installed `timeline` script: run `pip install .` (or set TIMELINE_BIN)")
    return chosen


def timeline(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    home = cwd / "home"
    home.mkdir(exist_ok=True)
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "XDG_CACHE_HOME": str(cwd / "cache")}
    clean |= {"TIMELINE_NOW": PINNED_TODAY, "LC_ALL": "C.UTF-8"} | (env or {})
    return subprocess.run([_script(), *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=60)


def assert_clean(result: subprocess.CompletedProcess[str], *codes: int) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in codes, (result.returncode, result.stdout[-500:], result.stderr[-500:])


# One real invocation of every command; each must succeed on the shipped store or a copy of it.
INVOCATIONS: dict[str, list[str]] = {
    "validate": ["validate"],
    "schema": ["schema"],
    "list": ["list", "-c", "Microsoft", "--since", "2026-04"],
    "show": ["show", "microsoft-openai-amended-agreement-2026"],
    "companies": ["companies"],
    "tags": ["tags"],
    "stats": ["stats"],
    "where": ["where"],
    "completion": ["completion", "bash"],
    "export": ["export", "-F", "html", "-c", "OpenAI"],
    "init": ["init", "mine.yaml"],
    "import": ["-f", "mine.yaml", "import", str(DATA / "readme" / "presentofai-sample.csv"), "--new-companies", "--default-company", "Unattributed"],
    "add": ["-f", "mine.yaml", "add", "--date", "2026-06-10", "--title", "A test event", "-c", "OpenAI", "-k", "other"],
    "changes": ["-f", "events.yaml", "changes", "--json"],
    "edit": ["-f", "mine.yaml", "edit", "microsoft-openai-amended-agreement-2026", "--add-tag", "a-test-tag"],
    "rm": ["-f", "mine.yaml", "rm", "microsoft-openai-amended-agreement-2026", "--unlink"],
}


def test_every_command_has_an_invocation_here() -> None:
    assert set(INVOCATIONS) == set(COMMANDS)


def test_version(tmp_path: Path) -> None:
    result = timeline("--version", cwd=tmp_path)
    assert_clean(result, 0)
    assert result.stdout.startswith("timeline ")


def test_top_level_help_lists_every_command(tmp_path: Path) -> None:
    for flag in ("--help",):
        result = timeline(flag, cwd=tmp_path)
        assert_clean(result, 0)
        for name in COMMANDS:
            assert f" {name} " in result.stdout, name


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_runs_from_the_installed_script(tmp_path: Path, name: str) -> None:
    if name in ("add", "import", "edit", "rm"):
        assert_clean(timeline("init", "mine.yaml", cwd=tmp_path), 0)
    if name == "changes":  # a repository with the sample store committed, then a title edited
        repo = Repo(tmp_path, tmp_path / "home")
        sample = (DATA / "sample.yaml").read_text(encoding="utf-8")
        repo.commit("2026-06-01", {"events.yaml": sample})
        repo.write({"events.yaml": sample.replace("releases Model One", "releases Model 1")})
    result = timeline(*INVOCATIONS[name], cwd=tmp_path, env={"COLUMNS": "100", "GIT_CONFIG_NOSYSTEM": "1"})
    assert_clean(result, 0)
    assert result.stdout or result.stderr
    if name == "add":
        assert "A test event" in (tmp_path / "mine.yaml").read_text(encoding="utf-8")
    if name == "changes":
        fields = [f["text"] for c in json.loads(result.stdout)["changed"] for f in c["fields"]]
        assert fields == ["title changed: Sample Labs releases Model One -> Sample Labs releases Model 1"]
    if name == "import":
        assert "added 17," in result.stderr
        assert "id: \"24811\"" in (tmp_path / "mine.yaml").read_text(encoding="utf-8")
    if name == "edit":
        assert "a-test-tag" in (tmp_path / "mine.yaml").read_text(encoding="utf-8")
    if name == "rm":
        assert "id: microsoft-openai-amended-agreement-2026" not in (tmp_path / "mine.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_commands_help(tmp_path: Path, name: str) -> None:
    result = timeline(name, "--help", cwd=tmp_path)
    assert_clean(result, 0)
    assert f"Usage: timeline {name}" in result.stdout


def test_a_folder_without_yaml_files_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = timeline("-f", "empty", "export", "-o", "x.md", cwd=tmp_path)
    assert_clean(result, 1)
    assert result.stderr == "error: no *.yaml or *.yml files in empty\n"
    assert not (tmp_path / "x.md").exists()


def test_add_to_a_store_that_is_not_utf8_is_the_error_validate_gives(tmp_path: Path) -> None:
    store = tmp_path / "latin1.yaml"
    store.write_bytes(b"version: 1\ncompanies:\n  - name: Caf\xe9\nevents: []\n")
    before = store.read_bytes()
    added = timeline(
        "-f", "latin1.yaml", "add", "--date", "2026-01-01", "--title", "T", "-c", "X", "-k", "other", cwd=tmp_path
    )
    assert_clean(added, 1)
    assert added.stderr.startswith("latin1.yaml:3:14: error: file is not valid UTF-8 (byte 0xe9)\n")
    validated = timeline("-f", "latin1.yaml", "validate", cwd=tmp_path)
    assert_clean(validated, 1)
    assert "latin1.yaml:3:14: error: file is not valid UTF-8 (byte 0xe9)" in validated.stderr
    assert store.read_bytes() == before


def test_usage_errors_exit_2_and_data_errors_exit_1(tmp_path: Path) -> None:
    assert_clean(timeline("list", "--view", "nope", cwd=tmp_path), 2)
    assert_clean(timeline("list", "--no-such-option", cwd=tmp_path), 2)
    assert_clean(timeline("-f", str(DATA / "missing.yaml"), "list", cwd=tmp_path), 1)
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ncompanies: []\nevents: [\n", encoding="utf-8")
    assert_clean(timeline("-f", "broken.yaml", "list", cwd=tmp_path), 1)


def test_lanes_and_the_interactive_page_from_the_installed_script(tmp_path: Path) -> None:
    lanes = timeline("list", "--view", "lanes", "-c", "OpenAI", "-c", "Microsoft", "--since", "2025", cwd=tmp_path, env={"COLUMNS": "80"})
    assert_clean(lanes, 0)
    rows = [line for line in lanes.stdout.splitlines() if "│" in line]
    assert [row.split()[0] for row in rows] in (["OpenAI", "Microsoft"], ["Microsoft", "OpenAI"])
    assert all(len(line) <= 80 for line in lanes.stdout.splitlines())
    page = timeline("export", "-F", "html", "-c", "OpenAI", cwd=tmp_path)
    assert_clean(page, 0)
    assert "script-src 'sha256-" in page.stdout  # the script file is in the package
    assert '<script type="application/json" id="timeline-data">' in page.stdout
    static = timeline("export", "-F", "html", "--static", "-c", "OpenAI", cwd=tmp_path)
    assert_clean(static, 0)
    assert "<script" not in static.stdout
