"""Every test runs in its own folder with a pinned clock and no access to the real home or cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from timeline.cli import app

DATA = Path(__file__).parent / "data"
PINNED_TODAY = "2026-06-15"


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


@pytest.fixture
def run() -> Runner:
    """Invoke the CLI like a user would: ``run("list", "-c", "X", env={"COLUMNS": "80"})``."""

    def invoke(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def sample() -> Path:
    """A small hand-made store with every date form, aliases and a subsidiary."""
    return DATA / "sample.yaml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
