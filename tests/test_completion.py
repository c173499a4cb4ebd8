"""Shell completion as a shell runs it: bash sources the script and asks for candidates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, PINNED_TODAY, Runner

SAMPLE = str(DATA / "sample.yaml")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["timeline", "li"], ["list"]),
        (["timeline", "-f", SAMPLE, "list", "-c", "Exa"], ["Example Corp", "Example Corporation", "Example Cloud"]),
        (["timeline", "-f", SAMPLE, "list", "-t", "c"], ["cloud", "conference"]),
        (["timeline", "list", "-k", "model"], ["model-release"]),
        (["timeline", "list", "--view", ""], ["table", "timeline", "compact"]),
        (["timeline", "-f", SAMPLE, "show", "other"], ["other-lawsuit-2026"]),
        (["timeline", "stats", "--b"], ["--by"]),
        (["timeline", "completion", "z"], ["zsh"]),
    ],
)
def test_candidates(run: Runner, words: list[str], expected: list[str]) -> None:
    result = run("__complete", *words)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == expected


def _script() -> str:
    found = shutil.which("timeline", path=str(Path(sys.executable).parent))
    assert found
    return found


def test_bash_completes_company_names_from_the_script(tmp_path: Path) -> None:
    bin_dir = str(Path(_script()).parent)
    env = {
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TIMELINE_NOW": PINNED_TODAY,
    }
    program = (
        "source <(timeline completion bash)\n"
        f'COMP_WORDS=(timeline -f {SAMPLE} list -c "Sam"); COMP_CWORD=5\n'
        '_timeline_complete; printf "%s\\n" "${COMPREPLY[@]}"\n'
        'COMP_WORDS=(timeline st); COMP_CWORD=1; _timeline_complete; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(["bash", "-c", program], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Sample Labs", "stats"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_script_calls_back_into_timeline(run: Runner, shell: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert "timeline __complete" in result.stdout
