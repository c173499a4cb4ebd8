"""Talking to git: which repository holds the store, which commit a revision names, and the
bytes of the store's files at that commit.

Every call is ``git`` with an argument list (never a shell), run in the repository's top folder;
a revision text from the user is checked before it reaches git, so it cannot become an option.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath

from timeline.errors import TimelineError, UsageError
from timeline.text import visible


class GitError(TimelineError):
    """git cannot give what was asked: no repository, an unknown revision, an untracked path."""


class Commit:
    """A resolved revision: what the user called it, its full and short id and its date."""

    __slots__ = ("day", "label", "sha", "short")

    def __init__(self, label: str, sha: str, short: str, day: date) -> None:
        self.label = label
        self.sha = sha
        self.short = short
        self.day = day

    def __repr__(self) -> str:
        return f"Commit({self.label!r}, {self.short}, {self.day.isoformat()})"


class Blob:
    """One store file at a commit: its path in the repository and git's id of its bytes."""

    __slots__ = ("oid", "path", "size")

    def __init__(self, path: str, oid: str, size: int = 0) -> None:
        self.path = path
        self.oid = oid
        self.size = size


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    # No index lock taken for a read, no password prompt, and paths are never patterns.
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", GIT_LITERAL_PATHSPECS="1")
    try:
        # An argument list, never a shell; git from PATH, as the user runs it.
        return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, check=False)  # noqa: S603, S607
    except FileNotFoundError:
        raise GitError(
            "git is not installed (or not on PATH); `timeline changes` reads the store's git history"
        ) from None
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror}") from None


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return visible(text.splitlines()[0]) if text else "git failed"


class Repository:
    """The git repository that holds a store, and the store's path inside it."""

    __slots__ = ("is_folder", "root", "store_path")

    def __init__(self, root: Path, store_path: str, is_folder: bool) -> None:
        self.root = root
        self.store_path = store_path  # relative to root, with "/" separators
        self.is_folder = is_folder

    @classmethod
    def of(cls, store: Path) -> Repository:
        """The repository whose work tree holds ``store`` (a file or folder); GitError if none."""
        is_folder = store.is_dir()
        real = Path(os.path.realpath(store)) if is_folder else Path(os.path.realpath(store.parent)) / store.name
        here = real if is_folder else real.parent
        done = _run(["rev-parse", "--show-toplevel"], here)
        if done.returncode != 0:
            raise GitError(f"{visible(str(store))} is not in a git repository, so it has no revisions to compare")
        root = Path(os.path.realpath(done.stdout.decode("utf-8", "surrogateescape").strip()))
        try:
            relative = real.relative_to(root)
        except ValueError:
            raise GitError(f"{visible(str(store))} is outside the work tree of {visible(str(root))}") from None
        path = PurePosixPath(*relative.parts).as_posix()
        return cls(root, "" if path == "." else path, is_folder)

    def git(self, *args: str) -> bytes:
        done = _run(list(args), self.root)
        if done.returncode != 0:
            raise GitError(f"git {args[0]}: {_first_line(done.stderr)}")
        return done.stdout

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def commit(self, revision: str) -> Commit:
        """The commit ``revision`` names (``HEAD~1``, a tag, a hash); GitError if it names none."""
        if not revision or revision.startswith("-") or any(c in revision for c in "\0\n"):
            raise UsageError(f"{visible(revision)!r} is not a revision")
        done = _run(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], self.root)
        if done.returncode != 0:
            if self.is_shallow():
                raise GitError(
                    f"unknown revision {visible(revision)!r}: this is a shallow clone, so older commits are "
                    "missing; fetch them with `git fetch --unshallow`"
                )
            if revision == "HEAD":
                raise GitError("the repository has no commits yet; commit the store first")
            raise GitError(f"unknown revision {visible(revision)!r} (see `git log` for the commits)")
        return self._described(revision, done.stdout.decode("ascii").strip())

    def commit_before(self, moment: datetime) -> Commit:
        """The last commit (by committer date) made before ``moment``, reachable from HEAD."""
        head = self.commit("HEAD")
        found = self.git("rev-list", "-1", f"--before={moment.isoformat()}", head.sha).decode("ascii").strip()
        if not found:
            shallow = "; this is a shallow clone: fetch older commits with `git fetch --unshallow`"
            raise GitError(
                f"no commit before {moment.strftime('%Y-%m-%d %H:%M %z')}"
                + (shallow if self.is_shallow() else "; the store's history starts later")
            )
        return self._described(None, found)

    def _described(self, label: str | None, sha: str) -> Commit:
        """The commit ``sha``, called ``label`` (default: its short id)."""
        short, _, day = (
            self.git("show", "-s", "--no-notes", "--format=%h%x00%cs", sha).decode("ascii").strip().partition("\0")
        )
        return Commit(label or short, sha, short, date.fromisoformat(day))

    def blobs(self, commit: Commit) -> list[Blob]:
        """The store's files at ``commit``: the file itself, or a folder's *.yaml and *.yml."""
        path = self.store_path
        entry = self._tree(commit.sha, path) if path else [("tree", "", "", 0)]
        if not entry:
            raise GitError(f"{visible(path)} is not tracked at {visible(commit.label)} ({commit.short})")
        kind, oid, _, size = entry[0]
        if kind == "blob":
            return [Blob(path, oid, size)]
        if kind != "tree":
            raise GitError(f"{visible(path)} at {visible(commit.label)} is a {kind}, not a store file or folder")
        prefix = f"{path}/" if path else ""
        listed = sorted(self._tree(commit.sha, prefix or "."), key=lambda entry: entry[2])
        files = [
            Blob(name, oid, size)
            for kind, oid, name, size in listed
            if kind == "blob" and PurePosixPath(name).suffix in (".yaml", ".yml")
        ]
        if not files:
            raise GitError(
                f"no *.yaml or *.yml files in {visible(path or '.')} at {visible(commit.label)} ({commit.short})"
            )
        return files

    def _tree(self, sha: str, path: str) -> list[tuple[str, str, str, int]]:
        """``git ls-tree`` of one path: (type, id, path, size) for each entry, symlinks left out."""
        out = self.git("ls-tree", "-z", "-l", sha, "--", path)
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, kind, oid, size = meta.decode("ascii").split()
            if mode == "120000":
                continue  # a symlink's blob is its target's name, not a store
            entries.append((kind, oid, name.decode("utf-8", "surrogateescape"), int(size) if size.isdigit() else 0))
        return entries

    def read(self, commit: Commit, blob: Blob) -> bytes:
        """A store file's bytes at ``commit``, as ``git show REV:PATH`` gives them."""
        return self.git("show", "--no-textconv", f"{commit.sha}:{blob.path}")


def moment(first: date, *, after: bool = False) -> datetime:
    """Local midnight at the start of ``first`` (or, with ``after``, of the next day)."""
    day = first + timedelta(days=1) if after else first
    return datetime.combine(day, time()).astimezone()
