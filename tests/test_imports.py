"""An import budget, as click's own tests keep one: start-up stays fast because these modules
are never imported on the common paths. Each check runs the command in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PINNED_TODAY

_PROBE = """
import sys
sys.argv = ["timeline", *sys.argv[1:]]
from timeline.__main__ import main
try:
    main(teardown=True)
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + " ".join(sorted(sys.modules)) + "\\n")
"""

# Never at start-up: rich (colour and panels only), yaml (only when the cache misses),
# dateutil (only for "N months ago"), and the stdlib modules our own code avoids on purpose
# (difflib is not listed: typer imports it for its own suggestions).
HEAVY = {"rich", "yaml", "dateutil", "hashlib", "tempfile", "random", "icalendar", "json"}


def imported(tmp_path: Path, *args: str) -> set[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TIMELINE_NOW": PINNED_TODAY,
    }
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stderr, result.stderr
    names = result.stderr.rsplit("MODULES ", 1)[1].split()
    return {name.split(".")[0] for name in names}


def test_version_imports_neither_typer_nor_anything_heavy(tmp_path: Path) -> None:
    modules = imported(tmp_path, "--version")
    assert modules.isdisjoint(HEAVY | {"typer"}), sorted(modules & (HEAVY | {"typer"}))


@pytest.mark.parametrize("args", [("list",), ("list", "-c", "Microsoft", "--since", "2026-04", "--view", "timeline")])
def test_a_warm_plain_list_imports_nothing_heavy(tmp_path: Path, args: tuple[str, ...]) -> None:
    imported(tmp_path, *args)  # cold: fills the cache (and may import yaml)
    modules = imported(tmp_path, *args)
    assert modules.isdisjoint(HEAVY), sorted(modules & HEAVY)


def test_the_budget_can_fail(tmp_path: Path) -> None:
    """A cold run must parse YAML: the probe sees what it imports."""
    assert "yaml" in imported(tmp_path, "list")


def test_completion_answers_from_the_cache_without_rich(tmp_path: Path) -> None:
    args = ("__complete", "timeline", "list", "-c", "Micro")
    imported(tmp_path, *args)  # cold: fills the cache
    modules = imported(tmp_path, *args)
    assert modules.isdisjoint(HEAVY), sorted(modules & HEAVY)


def _warm_copy(tmp_path: Path, sample_copy: Path) -> tuple[str, ...]:
    store = ("-f", str(sample_copy))
    imported(tmp_path, *store, "list")  # cold: fills the cache, as the user's last command did
    return store


def test_a_warm_add_of_plain_values_imports_no_json_rich_or_hashing(tmp_path: Path, sample_copy: Path) -> None:
    """An add on a warm cache needs yaml (to check the new block) and nothing else heavy."""
    store = _warm_copy(tmp_path, sample_copy)
    before = sample_copy.read_bytes()
    add = ("add", "--date", "2026-06-01", "--title", "Budget probe", "-c", "Example Corp", "-k", "other", "--force")
    modules = imported(tmp_path, *store, *add)
    assert sample_copy.read_bytes() != before  # the add happened
    assert modules.isdisjoint(HEAVY - {"yaml"}), sorted(modules & HEAVY)


def test_a_warm_rm_imports_nothing_heavy(tmp_path: Path, sample_copy: Path) -> None:
    store = _warm_copy(tmp_path, sample_copy)
    added = ("add", "--date", "2026-06-01", "--title", "Removed soon", "-c", "Example Corp", "-k", "other", "--force")
    imported(tmp_path, *store, *added, "--id", "removed-soon")
    modules = imported(tmp_path, *store, "rm", "removed-soon")
    assert "removed-soon" not in sample_copy.read_text(encoding="utf-8")
    assert modules.isdisjoint(HEAVY), sorted(modules & HEAVY)


_READER_PROBE = """
import re, sys
from timeline.store._yaml import NON_PRINTABLE_FAST, YAML_NON_PRINTABLE, prepare_yaml
prepare_yaml()
import yaml
used = yaml.reader.Reader.NON_PRINTABLE
every = "".join(map(chr, range(sys.maxunicode + 1)))
print(used.pattern == NON_PRINTABLE_FAST, used.findall(every) == re.compile(YAML_NON_PRINTABLE).findall(every))
"""


def test_yaml_reader_refuses_the_same_characters_with_the_faster_class(tmp_path: Path) -> None:
    """``prepare_yaml`` saves yaml's import ~10 ms by handing it an equivalent class: the reader
    gets it, and it refuses exactly the characters yaml's own spelling refuses, at every code
    point (a PyYAML that spells its class differently fails the first check: update ours)."""
    result = subprocess.run([sys.executable, "-c", _READER_PROBE], cwd=tmp_path, capture_output=True, text=True)
    assert result.stdout.split() == ["True", "True"], result.stderr
