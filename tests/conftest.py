"""Every test runs in its own folder with a pinned clock and no access to the real home or cache."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from timeline.__main__ import main

DATA = Path(__file__).parent / "data"
PINNED_TODAY = "2026-06-15"


@pytest.fixture(params=["cached", "uncached"])
def cache_mode(request: pytest.FixtureRequest) -> str:
    """Every test that runs the command runs with the store cache on and off: the cache must
    never change what a user sees. (Library tests do not go through the cache.)"""
    mode: str = request.param
    return mode


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("TIMELINE_NOW", PINNED_TODAY)
    for name in ("TIMELINE_FILE", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES", "TIMELINE_NO_CACHE"):
        monkeypatch.delenv(name, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work


Runner = Callable[..., Result]


def _stable(output: bytes) -> bytes:
    """Output without rich's random terminal-hyperlink ids (they differ on every run)."""
    return re.sub(rb"\x1b\]8;id=[^;]*;", b"\x1b]8;id=;", output)


READ_ONLY = {"list", "show", "companies", "tags", "stats", "validate", "schema", "export", "changes"}


def invoke_main(args: list[str], env: dict[str, str] | None = None, input: str | None = None) -> Result:
    """Run ``timeline.__main__.main``, the console script's own entry point, with ``args`` as
    its command line, and capture what it prints and its exit status."""
    runner = CliRunner()
    with runner.isolation(input=input, env=env) as (stdout, stderr, output):
        saved_argv, sys.argv = sys.argv, ["timeline", *args]
        code = 0
        try:
            main(teardown=True)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        finally:
            sys.argv = saved_argv
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(
            runner=runner,
            stdout_bytes=stdout.getvalue(),
            stderr_bytes=stderr.getvalue(),
            output_bytes=output.getvalue(),
            return_value=None,
            exit_code=code,
            exception=None,
            exc_info=None,
        )


@pytest.fixture
def run(cache_mode: str) -> Runner:
    """Invoke the command as a user would: ``run("list", "-c", "X", env={"COLUMNS": "80"})``.

    This calls the console script's entry point (``timeline.__main__.main``) in-process; the
    installed script itself runs in a subprocess in ``test_installed.py``. With the cache on, a
    read-only command runs twice (cold, then warm from the cache) and both runs must give the
    same exit status, stdout and stderr.
    """

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        env = {**(env or {}), **({"TIMELINE_NO_CACHE": "1"} if cache_mode == "uncached" else {})}
        result = invoke_main(list(args), env=env, input=input)
        command = next((a for a in args if a in READ_ONLY), None)
        if cache_mode == "cached" and command is not None and "-o" not in args and "--output" not in args:
            again = invoke_main(list(args), env=env, input=input)
            assert (again.exit_code, _stable(again.stdout_bytes), again.stderr_bytes) == (
                result.exit_code,
                _stable(result.stdout_bytes),
                result.stderr_bytes,
            ), "a warm (cached) run differs from the cold run"
        return result

    return invoke


def cache_folder(tmp_path: Path) -> Path:
    """The command's cache folder under a test's own XDG_CACHE_HOME (see ``isolated``)."""
    return tmp_path / "cache" / "timeline"


def store_entry(tmp_path: Path) -> Path:
    """The one whole-store entry in a test's cache folder."""
    (entry,) = cache_folder(tmp_path).glob("*.store")
    return entry


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A copy of the sample store that a test may change, and its cache entry with it."""
    path = tmp_path / "store.yaml"
    shutil.copy(DATA / "sample.yaml", path)
    return path


@pytest.fixture
def sample() -> Path:
    """A small hand-made store with every date form, aliases and a subsidiary."""
    return DATA / "sample.yaml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
