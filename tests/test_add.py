"""`timeline init` and `timeline add`: hand-written files keep every byte, writes never lose data."""

from __future__ import annotations

import difflib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.edit import NewEvent, add_event
from timeline.errors import TimelineError, WriteError
from timeline.fileio import locked
from timeline.store import load, packaged_store

from conftest import DATA, Runner

STYLED = """# My AI timeline — hand-written, with comments.
version: 1

companies:
  - name: Example Corp   # the big one
    aliases: ['EXMP']
  - name: Sample Labs

events:
  # 2024
  - id: first
    date: 2024-01-15
    title: 'First event'   # single quotes, kept
    companies: [Example Corp]
    kind: partnership
    sources: [https://example.org/1]

  # 2026
  - id: last
    date: "2026-05"
    title: Last event
    companies: [Sample Labs]
    kind: other
    summary: >
      Folded text
      over lines.
    sources: [https://example.org/2]
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(STYLED)
    return path


def only_added(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if any line was changed or removed."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "\n".join(diff)
    return [line[2:] for line in diff if line.startswith("+ ")]


def add_args(store: Path, *extra: str) -> list[str]:
    return [
        "-f",
        str(store),
        "add",
        "--date",
        "2025-03-10",
        "--title",
        "Middle event",
        "-c",
        "EXMP",
        "--kind",
        "other",
        *extra,
    ]


def test_add_inserts_in_order_in_the_file_style(run: Runner, store: Path) -> None:
    result = run(*add_args(store, "-t", "cloud", "--source", "https://example.org/3", "--summary", "Text."))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"added middle-event-2025 to {store}\n"
    after = store.read_text()
    block = [
        "  - id: middle-event-2025",
        "    date: 2025-03-10",
        "    title: Middle event",
        "    companies: [Example Corp]",
        "    kind: other",
        "    tags: [cloud]",
        "    summary: >",
        "      Text.",
        "    sources: [https://example.org/3]",
    ]
    assert [line for line in only_added(STYLED, after) if line] == block
    # in the file's style: a blank line between events, before the next event's comment
    assert "[https://example.org/1]\n\n" + "\n".join(block) + "\n\n  # 2026\n" in after
    assert [e.id for e in load(store).events] == ["first", "middle-event-2025", "last"]


def test_add_at_the_end_and_with_a_new_company(run: Runner, store: Path) -> None:
    result = run(
        "-f",
        str(store),
        "add",
        "--date",
        "2026-06-01",
        "--title",
        "Newest",
        "-c",
        "New Co",
        "--new-company",
        "New Co",
        "--kind",
        "funding",
    )
    assert result.exit_code == 0, result.stderr
    after = store.read_text()
    added = [line for line in only_added(STYLED, after) if line]
    assert added == [
        "  - name: New Co",
        "  - id: newest-2026",
        "    date: 2026-06-01",
        "    title: Newest",
        "    companies: [New Co]",
        "    kind: funding",
    ]
    assert "  - name: Sample Labs\n  - name: New Co\n\nevents:" in after
    assert after.endswith(
        "[https://example.org/2]\n\n  - id: newest-2026\n    date: 2026-06-01\n    title: Newest\n    companies: [New Co]\n    kind: funding\n"
    )
    assert load(store).events[-1].companies == ("New Co",)


def test_unknown_company_says_how_to_register_it(run: Runner, store: Path) -> None:
    result = run("-f", str(store), "add", "--date", "2026", "--title", "X", "-c", "Nobody", "--kind", "other")
    assert result.exit_code == 2
    assert "unknown company 'Nobody'" in result.stderr
    assert "--new-company 'Nobody'" in result.stderr
    assert store.read_text() == STYLED


AWKWARD = [
    "no",
    "on",
    "Yes",
    "null",
    "~",
    "1.10",
    "12:30",
    "2026-01-01",
    "#hash at start",
    "*star at start",
    "&amp at start",
    "!bang",
    "- dash at start",
    "? question",
    "key: value inside",
    "ends with colon:",
    "hash # inside",
    'He said "hi"',
    "it's",
    "[brackets] and {braces}",
    "pipes | and > arrows",
    "`backticks` and @at and %percent",
    "Ünïcödé 日本語 😀",
    "tab\tinside",
    "comma, semicolon; done",
]


@pytest.mark.parametrize("title", AWKWARD)
def test_awkward_titles_load_back_exactly(store: Path, title: str) -> None:
    add_event(store, NewEvent(date="2025-07-01", title=title, companies=("Sample Labs",), kind="other"), force=True)
    added = [e for e in load(store).events if e.date.first_day.isoformat() == "2025-07-01"]
    assert [e.title for e in added] == [title]


@pytest.mark.parametrize(
    "summary",
    [
        "multi\nline\ntext",
        "  leading spaces kept",
        "quotes \" and ' and \\ backslash",
        "line\r\nwith CRLF",
        "yes",
        "a: b\n- c\n# d",
        "\u2028 line separator",
    ],
)
def test_awkward_summaries_load_back_exactly(store: Path, summary: str) -> None:
    add_event(
        store, NewEvent(date="2025-07-01", title="Summary test", companies=("EXMP",), kind="other", summary=summary)
    )
    event = next(e for e in load(store).events if e.title == "Summary test")
    assert event.summary == summary.strip()


def test_duplicates_are_refused_unless_forced(run: Runner, store: Path) -> None:
    same_id = run(
        "-f", str(store), "add", "--date", "2025", "--title", "Other", "-c", "EXMP", "--kind", "other", "--id", "first"
    )
    assert same_id.exit_code == 2
    assert "an event with id 'first' already exists" in same_id.stderr
    near_copy = ("--date", "2024-01-17", "--title", "First events", "-c", "Sample Labs", "--kind", "other")
    similar = run("-f", str(store), "add", *near_copy)
    assert similar.exit_code == 1
    assert "this looks like an existing event: first (Jan 15, 2024) 'First event'" in similar.stderr
    same_day_and_kind = (
        "--date",
        "2024-01-15",
        "--title",
        "Something else",
        "-c",
        "Example Corp",
        "--kind",
        "partnership",
    )
    same_day = run("-f", str(store), "add", *same_day_and_kind)
    assert same_day.exit_code == 1
    assert store.read_text() == STYLED
    forced = run("-f", str(store), "add", *near_copy, "--force")
    assert forced.exit_code == 0
    assert len(load(store).events) == 3


def test_dry_run_prints_and_changes_nothing(run: Runner, store: Path) -> None:
    result = run(*add_args(store, "--dry-run"))
    assert result.exit_code == 0
    assert result.stdout.startswith("  - id: middle-event-2025\n    date: 2025-03-10\n")
    assert store.read_text() == STYLED


def test_bad_values_are_usage_errors(run: Runner, store: Path) -> None:
    for args, message in [
        (["--date", "2026-02-30"], "--date: invalid date '2026-02-30'"),
        (["--kind", "partnershp"], "--kind: unknown kind 'partnershp' (did you mean 'partnership'?)"),
        (["--related", "frist"], "--related: no event with id 'frist' (did you mean 'first'?)"),
        (["--id", "Bad Id"], "--id: 'Bad Id' must be lower-case"),
    ]:
        base = {"--date": "2025-03-10", "--kind": "other"}
        base.update({args[0]: args[1]} if args[0] in base else {})
        extra = [] if args[0] in ("--date", "--kind") else args
        argv = [
            "-f",
            str(store),
            "add",
            "--date",
            base["--date"],
            "--title",
            "T",
            "-c",
            "EXMP",
            "--kind",
            base["--kind"],
            *extra,
        ]
        result = run(*argv)
        assert result.exit_code == 2, (args, result.stderr)
        assert message in result.stderr
    assert store.read_text() == STYLED


def test_missing_fields_without_a_terminal(run: Runner, store: Path) -> None:
    result = run("-f", str(store), "add", "--title", "Only a title")
    assert result.exit_code == 2
    assert "missing --date, --company, --kind" in result.stderr


def test_the_shipped_store_is_read_only_and_init_copies_it(run: Runner, isolated: Path) -> None:
    refused = run("add", "--date", "2026", "--title", "X", "-c", "Microsoft", "--kind", "other")
    assert refused.exit_code == 2
    assert "run `timeline init`" in refused.stderr
    created = run("init")
    assert created.exit_code == 0
    copied = (isolated / "events.yaml").read_text(encoding="utf-8")
    shipped = packaged_store().read_text(encoding="utf-8")
    # the same store; only the $schema comment points at the schema file written beside it
    assert copied.splitlines()[1:] == shipped.splitlines()[1:]
    assert copied.splitlines()[0] == "# yaml-language-server: $schema=timeline.schema.json"
    assert (isolated / "timeline.schema.json").is_file()
    again = run("init")
    assert again.exit_code == 2
    assert "already exists" in again.stderr
    added = run("add", "--date", "2026-11", "--title", "My first own event", "-c", "Microsoft", "--kind", "other")
    assert added.exit_code == 0, added.stderr
    assert "my-first-own-event-2026" in (isolated / "events.yaml").read_text()
    custom = run("init", "copy.yaml")
    assert custom.exit_code == 0
    assert (isolated / "copy.yaml").exists()


def test_symlinked_store_is_updated_through_the_link(store: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(store)
    os.chmod(store, 0o600)
    add_event(link, NewEvent(date="2025-01-01", title="Through the link", companies=("EXMP",), kind="other"))
    assert link.is_symlink()
    assert "Through the link" in store.read_text()
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert (tmp_path / "events.yaml.lock").exists() and not (tmp_path / "link.yaml.lock").exists()


def test_a_held_lock_is_waited_for_then_reported(store: Path) -> None:
    with locked(store), pytest.raises(WriteError, match=r"locked by another writer .*events.yaml.lock.*0.3 seconds"):
        add_event(
            store, NewEvent(date="2025-01-01", title="Blocked", companies=("EXMP",), kind="other"), lock_timeout=0.3
        )
    assert store.read_text() == STYLED


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.iterdir() if p.name not in ("events.yaml", "events.yaml.lock", "home", "work", "cache")
    )


FAULTS = [
    ("create-temp", "timeline.fileio.create_temp", OSError(28, "No space left on device")),
    ("write", "os.fdopen", OSError(28, "No space left on device")),
    ("fsync", "os.fsync", OSError(28, "No space left on device")),
    ("chmod", "os.chmod", PermissionError(1, "Operation not permitted")),
    ("rename", "os.replace", OSError(18, "Invalid cross-device link")),
    ("interrupt-write", "os.fdopen", KeyboardInterrupt()),
    ("interrupt-fsync", "os.fsync", KeyboardInterrupt()),
    ("interrupt-chmod", "os.chmod", KeyboardInterrupt()),
    ("interrupt-rename", "os.replace", KeyboardInterrupt()),
    ("interrupt-validate", "timeline.edit._commit.load_bytes", KeyboardInterrupt()),
    ("interrupt-lock", "fcntl.flock", KeyboardInterrupt()),
    # with a warm cache, the next entry is made while the store file is fsynced
    ("interrupt-entry", "timeline.store._cache.prepare", KeyboardInterrupt()),
]


def warm_cache(store: Path, tmp_path: Path, cached: bool, step: str) -> Path | None:
    """The cache folder of a store whose entry is warm (the fast write path), or None."""
    if cached and step == "interrupt-validate":
        pytest.skip("a warm change validates only its block: there is no full load to interrupt")
    if not cached and step == "interrupt-entry":
        pytest.skip("without a cache there is no entry to make")
    if not cached:
        return None
    from timeline.store import load_cached

    folder = tmp_path / "cache" / "timeline"
    load_cached(store, folder)
    return folder


@pytest.mark.parametrize("cached", [False, True], ids=["uncached", "cached"])
@pytest.mark.parametrize(("step", "target", "error"), FAULTS, ids=[f[0] for f in FAULTS])
def test_any_failure_leaves_the_store_byte_identical(
    store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    target: str,
    error: BaseException,
    cached: bool,
) -> None:
    folder = warm_cache(store, tmp_path, cached, step)
    before = store.read_bytes()
    module_name, _, attribute = target.rpartition(".")
    module = sys.modules[module_name] if module_name in sys.modules else __import__(module_name)
    real = getattr(module, attribute)
    calls = {"n": 0}

    def failing(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if step == "interrupt-validate" and calls["n"] == 1:
            return real(*args, **kwargs)  # the first load is the re-read under the lock
        raise error

    monkeypatch.setattr(module, attribute, failing)
    expected = KeyboardInterrupt if isinstance(error, KeyboardInterrupt) else TimelineError
    with pytest.raises(expected):
        add_event(
            store,
            NewEvent(date="2025-01-01", title="Never written", companies=("EXMP",), kind="other"),
            cache_folder=folder,
        )
    monkeypatch.undo()
    assert calls["n"] > 0
    assert store.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_failed_validation_of_the_new_text_changes_nothing(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import timeline.edit._add

    monkeypatch.setattr(timeline.edit._add, "event_lines", lambda values, style: ["id: broken", "date: 2026-02-30"])
    with pytest.raises(TimelineError, match="February 2026 has 28 days"):
        add_event(store, NewEvent(date="2025-01-01", title="X", companies=("EXMP",), kind="other"))
    assert store.read_text() == STYLED


def test_twenty_writers_at_once(tmp_path: Path) -> None:
    store = tmp_path / "events.yaml"
    shutil.copy(DATA / "sample.yaml", store)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "timeline",
                "-f",
                str(store),
                "add",
                "--date",
                f"2030-01-{day:02d}",
                "--title",
                f"Concurrent writer number {day}",
                "-c",
                "Other Inc",
                "--kind",
                "other",
                "--force",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        for day in range(1, 21)
    ]
    for process in processes:
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()
    events = load(store).events
    added = [e for e in events if e.title.startswith("Concurrent writer")]
    assert len(added) == 20
    assert [e.date.first_day.day for e in added] == list(range(1, 21))
    assert leftovers(tmp_path) == []
