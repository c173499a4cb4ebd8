"""Real git repositories for tests: fixed identity and dates, no user or system git config."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

IDENTITY = {
    "GIT_AUTHOR_NAME": "Timeline Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.org",
    "GIT_COMMITTER_NAME": "Timeline Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.org",
}
# Variables that would point git at another repository, index or configuration.
_FOREIGN = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS")


def git_environment(home: Path) -> dict[str, str]:
    """The variables every git call in a test runs with (and the command under test inherits)."""
    return {"HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, **IDENTITY}


class Repo:
    """A git repository in ``root``; ``commit`` writes files and commits them on a given day."""

    def __init__(self, root: Path, home: Path) -> None:
        self.root = root
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN} | git_environment(home)
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.root, env=self.env, capture_output=True, text=True, check=False, timeout=60
        )
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    def write(self, files: Mapping[str, str | None]) -> None:
        """Write each file (None deletes it)."""
        for name, text in files.items():
            path = self.root / name
            if text is None:
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def commit(self, day: str, files: Mapping[str, str | None] | None = None, message: str | None = None) -> str:
        """Commit the work tree (after writing ``files``) dated noon UTC on ``day``; its id."""
        self.write(files or {})
        when = f"{day}T12:00:00+00:00"
        self.env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message or f"store on {day}")
        return self.git("rev-parse", "HEAD").strip()
