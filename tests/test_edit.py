"""`timeline edit` and `timeline rm`: only the event's lines change, failures change nothing.

The editor in these tests is a real program: a small script (written below) that a user could
have as $EDITOR. It records the arguments and the text it was shown, then edits the file as an
editor does (write a temporary file, rename it over).
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from test_add import FAULTS, leftovers, warm_cache
from test_installed import _script

from timeline.edit._change import FieldChanges, remove_event, set_fields
from timeline.errors import TimelineError
from timeline.store import load

from conftest import DATA, PINNED_TODAY, Runner

FAKE_EDITOR = """
import json, os, pathlib, sys
path = pathlib.Path(sys.argv[-1])
log = pathlib.Path(os.environ["FAKE_EDITOR_LOG"])
seen = json.loads(log.read_text()) if log.exists() else []
seen.append({"args": sys.argv[1:], "text": path.read_text()})
log.write_text(json.dumps(seen))
actions = json.loads(os.environ["FAKE_EDITOR_ACTIONS"])
old, new = actions[min(len(seen), len(actions)) - 1]
text = path.read_text()
assert old in text, (old, text)
temp = path.with_name(path.name + ".swp")
temp.write_text(text.replace(old, new, 1))
os.replace(temp, path)
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    shutil.copy(DATA / "sample.yaml", path)
    return path


@pytest.fixture
def editor(tmp_path: Path) -> Path:
    script = tmp_path / "fake-editor.py"
    script.write_text(FAKE_EDITOR)
    return script


def editor_env(editor: Path, tmp_path: Path, *actions: tuple[str, str]) -> dict[str, str]:
    return {
        "VISUAL": f"{sys.executable} {editor}",
        "FAKE_EDITOR_LOG": str(tmp_path / "editor-log.json"),
        "FAKE_EDITOR_ACTIONS": json.dumps(actions),
    }


def editor_calls(tmp_path: Path) -> list[dict[str, object]]:
    log = tmp_path / "editor-log.json"
    calls: list[dict[str, object]] = json.loads(log.read_text()) if log.exists() else []
    return calls


def changed_lines(before: str, after: str) -> list[int]:
    """0-based numbers of the lines of ``before`` that were replaced or removed."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return [i for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal" for i in range(i1, i2)]


MODEL_ONE = (23, 30)  # the 0-based lines [first, end) of sample-model-one-2024 in sample.yaml


def test_set_and_add_change_only_that_blocks_lines(run: Runner, store: Path) -> None:
    before = store.read_text()
    result = run(
        "-f",
        str(store),
        "edit",
        "sample-model-one-2024",
        "--set",
        "date=2024-11-02",
        "--add-tag",
        "cloud",
        "--add-source",
        "https://example.org/model-one-more",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"changed sample-model-one-2024 in {store}\n"
    after = store.read_text()
    assert all(MODEL_ONE[0] <= line < MODEL_ONE[1] for line in changed_lines(before, after))
    event = load(store).event("sample-model-one-2024")
    assert event is not None
    assert str(event.date) == "2024-11-02"
    assert event.tags == ("models", "cloud")
    assert [s.url for s in event.sources] == ["https://example.org/model-one", "https://example.org/model-one-more"]
    # in the block's own style: flow lists stay flow lists
    assert "    tags: [models, cloud]\n" in after


def test_remove_options_and_the_dry_run_diff(run: Runner, store: Path) -> None:
    before = store.read_bytes()
    result = run(
        "-f",
        str(store),
        "edit",
        "example-sample-partnership-2024",
        "--remove-tag",
        "licensing",
        "--remove-related",
        "example-invests-sample-2025",
        "--set",
        "summary=",
        "--dry-run",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"--- {store}\n+++ {store}\n@@ ")
    assert "\n-    tags: [cloud, licensing]\n" in result.stdout
    assert "\n+    tags: [cloud]\n" in result.stdout
    assert "-    related: [example-invests-sample-2025]\n" in result.stdout
    assert "-    summary: >\n" in result.stdout
    assert store.read_bytes() == before
    assert not (store.parent / "events.yaml.lock").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--remove-tag", "nope"], "--remove-tag: 'sample-model-one-2024' has no tag 'nope'"),
        (["--add-tag", "Consumer Tech"], "--add-tag: 'Consumer Tech' is not a tag"),
        (["--set", "date=2024-13"], "--set date: invalid date '2024-13'"),
        (["--set", "colour=red"], "--set: 'colour' cannot be set"),
        (["--set", "kind=modle-release"], "did you mean 'model-release'?"),
        (["--add-company", "Nobody"], "--add-company: unknown company 'Nobody'"),
        (["--remove-company", "Sample Labs"], "--remove-company: an event needs at least one company"),
        (["--add-source", "ftp://x"], "--add-source: 'ftp://x' is not an http:// or https:// URL"),
        (["--add-related", "nope"], "--add-related: no event with id 'nope'"),
        (["--set", "id=example-summit-2025"], "--set id: an event with id 'example-summit-2025' already exists"),
        (["--set", "nonsense"], "--set: 'nonsense' is not KEY=VALUE"),
    ],
)
def test_bad_changes_name_the_option(run: Runner, store: Path, args: list[str], message: str) -> None:
    before = store.read_bytes()
    result = run("-f", str(store), "edit", "sample-model-one-2024", *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert store.read_bytes() == before


def test_an_unknown_id_is_not_found(run: Runner, store: Path) -> None:
    result = run("-f", str(store), "edit", "sample-model-on-2024", "--add-tag", "x")
    assert result.exit_code == 1
    assert "no event with id 'sample-model-on-2024' (did you mean 'sample-model-one-2024'?)" in result.stderr
    removed = run("-f", str(store), "rm", "nope-2024")
    assert removed.exit_code == 1


def test_the_editor_gets_the_block_alone(run: Runner, store: Path, editor: Path, tmp_path: Path) -> None:
    before = store.read_text()
    env = editor_env(editor, tmp_path, ("title: Sample Labs releases Model One", "title: Model One, renamed"))
    result = run("-f", str(store), "edit", "sample-model-one-2024", env=env)
    assert result.exit_code == 0, result.stderr
    (call,) = editor_calls(tmp_path)
    assert call["text"] == (
        "id: sample-model-one-2024\ndate: 2024-11\ntitle: Sample Labs releases Model One\n"
        "companies: [Sample Labs]\nkind: model-release\ntags: [models]\nsources: [https://example.org/model-one]\n"
    )
    after = store.read_text()
    assert changed_lines(before, after) == [25]
    assert "    title: Model One, renamed\n" in after
    assert not Path(str(call["args"][-1])).exists()  # type: ignore[index]  # the temporary file is removed


def test_an_unchanged_save_writes_nothing(run: Runner, store: Path, editor: Path, tmp_path: Path) -> None:
    before = store.stat().st_mtime_ns
    result = run("-f", str(store), "edit", "sample-model-one-2024", env=editor_env(editor, tmp_path, ("id", "id")))
    assert result.exit_code == 0
    assert result.stderr == "no changes; nothing was written\n"
    assert store.stat().st_mtime_ns == before


def test_an_invalid_edit_is_located_in_the_edited_file(run: Runner, store: Path, editor: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    env = editor_env(editor, tmp_path, ("date: 2024-11", "date: 2024-11-31"))
    result = run("-f", str(store), "edit", "sample-model-one-2024", env=env)
    assert result.exit_code == 1
    (call,) = editor_calls(tmp_path)
    temp = str(call["args"][-1])  # type: ignore[index]
    assert f"{temp}:2:7: error: invalid date '2024-11-31': November 2024 has 30 days, not 31\n" in result.stderr
    assert f"nothing was written; your edit is kept in {temp}" in result.stderr
    assert store.read_bytes() == before
    assert "2024-11-31" in Path(temp).read_text()
    Path(temp).unlink()


def test_an_edit_that_breaks_another_event_is_refused(run: Runner, store: Path, editor: Path, tmp_path: Path) -> None:
    """Validated in the context of the whole store: renaming an id others relate to fails."""
    before = store.read_bytes()
    env = editor_env(editor, tmp_path, ("id: example-invests-sample-2025", "id: renamed-2025"))
    result = run("-f", str(store), "edit", "example-invests-sample-2025", env=env)
    assert result.exit_code == 1
    assert "is related to unknown id 'example-invests-sample-2025'" in result.stderr
    assert store.read_bytes() == before


def spawn_edit(
    store: Path, editor: Path, tmp_path: Path, *actions: tuple[str, str], extra: tuple[str, ...] = ()
) -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TIMELINE_NOW": PINNED_TODAY,
        "LC_ALL": "C.UTF-8",
        **editor_env(editor, tmp_path, *actions),
    }
    args = ["-f", str(store), "edit", "sample-model-one-2024", *extra]
    return pexpect.spawn(_script(), args, env=env, encoding="utf-8", timeout=20)


def test_on_error_the_editor_can_be_reopened(store: Path, editor: Path, tmp_path: Path) -> None:
    child = spawn_edit(
        store,
        editor,
        tmp_path,
        ("kind: model-release", "kind: model-relase"),
        ("kind: model-relase", "kind: research"),
    )
    child.expect(r":5:7: error: unknown kind 'model-relase' \(did you mean 'model-release'\?\)")
    child.expect(r"re-open the editor \(r\) or abort \(a\)\? \[R/a\] ")
    child.sendline("r")
    child.expect("changed sample-model-one-2024 in")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    calls = editor_calls(tmp_path)
    assert len(calls) == 2 and "kind: model-relase" in str(calls[1]["text"])  # the second opening keeps the edit
    event = load(store).event("sample-model-one-2024")
    assert event is not None and event.kind == "research"


def test_on_error_abort_writes_nothing(store: Path, editor: Path, tmp_path: Path) -> None:
    before = store.read_bytes()
    child = spawn_edit(store, editor, tmp_path, ("kind: model-release", "kind: nope"))
    child.expect(r"\[R/a\] ")
    child.sendline("a")
    child.expect("aborted; nothing was written")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert store.read_bytes() == before


def test_file_opens_the_whole_store_at_the_events_line(run: Runner, store: Path, editor: Path, tmp_path: Path) -> None:
    env = editor_env(editor, tmp_path, ("title: Example Summit 2025", "title: Example Summit, 2025 edition"))
    result = run("-f", str(store), "edit", "--file", "sample-model-one-2024", env=env)
    assert result.exit_code == 0, result.stderr
    (call,) = editor_calls(tmp_path)
    assert call["args"][0] == "+24"  # type: ignore[index]
    assert call["text"] == (DATA / "sample.yaml").read_text()
    assert "title: Example Summit, 2025 edition" in store.read_text()


def test_rm_refuses_while_others_relate_to_it(run: Runner, store: Path) -> None:
    before = store.read_bytes()
    result = run("-f", str(store), "rm", "example-invests-sample-2025")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: 1 event(s) relate to 'example-invests-sample-2025': example-sample-partnership-2024; "
        "add --unlink to remove those links too\n"
    )
    assert store.read_bytes() == before


def test_rm_dry_run_shows_the_diff_and_unlink_removes_the_links(run: Runner, store: Path) -> None:
    before = store.read_text()
    shown = run("-f", str(store), "rm", "example-invests-sample-2025", "--unlink", "--dry-run")
    assert shown.exit_code == 0, shown.stderr
    assert "-    related: [example-invests-sample-2025]\n" in shown.stdout
    assert "-  - id: example-invests-sample-2025\n" in shown.stdout
    assert store.read_text() == before
    assert not (store.parent / "events.yaml.lock").exists()
    removed = run("-f", str(store), "rm", "example-invests-sample-2025", "--unlink")
    assert removed.exit_code == 0, removed.stderr
    assert removed.stderr == (
        f"removed example-invests-sample-2025 and its links from example-sample-partnership-2024 from {store}\n"
    )
    after = store.read_text()
    assert [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line.startswith("+ ")] == []
    loaded = load(store)
    assert loaded.event("example-invests-sample-2025") is None
    partnership = loaded.event("example-sample-partnership-2024")
    assert partnership is not None and partnership.related == ()
    assert len(loaded.events) == len(load(DATA / "sample.yaml").events) - 1


def test_rm_of_the_last_and_of_a_middle_event_keeps_the_layout(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "version: 1\ncompanies:\n  - name: A\nevents:\n  - id: one\n    date: 2020\n    title: One\n"
        "    companies: [A]\n    kind: other\n\n  # a comment about two\n  - id: two\n    date: 2021\n"
        "    title: Two\n    companies: [A]\n    kind: other\n\n  - id: three\n    date: 2022\n"
        "    title: Three\n    companies: [A]\n    kind: other\n"
    )
    remove_event(path, "two")
    assert path.read_text() == (
        "version: 1\ncompanies:\n  - name: A\nevents:\n  - id: one\n    date: 2020\n    title: One\n"
        "    companies: [A]\n    kind: other\n\n  # a comment about two\n  - id: three\n    date: 2022\n"
        "    title: Three\n    companies: [A]\n    kind: other\n"
    )
    remove_event(path, "three")
    remove_event(path, "one")
    assert [e.id for e in load(path).events] == []


EDIT_FAULTS = [f for f in FAULTS if f[0] != "interrupt-validate"] + [
    ("interrupt-validate", "timeline.edit._commit.load_bytes", KeyboardInterrupt()),
    ("lost-update-check", "timeline.edit._commit._check_unchanged", KeyboardInterrupt()),
]


@pytest.mark.parametrize("cached", [False, True], ids=["uncached", "cached"])
@pytest.mark.parametrize("operation", ["edit", "rm"])
@pytest.mark.parametrize(("step", "target", "error"), EDIT_FAULTS, ids=[f[0] for f in EDIT_FAULTS])
def test_any_failure_of_edit_or_rm_leaves_the_store_byte_identical(
    store: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
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
            return real(*args, **kwargs)  # the first load is the read under the lock
        raise error

    monkeypatch.setattr(module, attribute, failing)
    expected = KeyboardInterrupt if isinstance(error, KeyboardInterrupt) else TimelineError
    with pytest.raises(expected):
        if operation == "edit":
            set_fields(
                store,
                "sample-model-one-2024",
                FieldChanges(add_tags=("cloud",)),
                today=load(store).events[0].date.first_day,
                cache_folder=folder,
            )
        else:
            remove_event(store, "example-cloud-region-2026", cache_folder=folder)
    monkeypatch.undo()
    assert calls["n"] > 0
    assert store.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_twenty_adds_edits_and_removals_at_once(tmp_path: Path) -> None:
    store = tmp_path / "events.yaml"
    lines = ["version: 1", "companies:", "  - name: Acme", "events:"]
    for number in range(14):
        lines += [f"  - id: e{number:02d}", f"    date: 2020-01-{number + 1:02d}", f"    title: Event {number}"]
        lines += ["    companies: [Acme]", "    kind: other"]
    store.write_text("\n".join(lines) + "\n")
    commands = [
        [
            "add",
            "--date",
            f"2021-02-{n + 1:02d}",
            "--title",
            f"Added number {n}",
            "-c",
            "Acme",
            "-k",
            "other",
            "--force",
        ]
        for n in range(7)
    ]
    commands += [["edit", f"e{n:02d}", "--set", f"title=Edited {n}", "--add-tag", "edited"] for n in range(7)]
    commands += [["rm", f"e{n:02d}"] for n in range(7, 13)]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TIMELINE_NOW": PINNED_TODAY}
    processes = [
        subprocess.Popen(
            [_script(), "-f", str(store), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        for command in commands
    ]
    assert len(processes) == 20
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    events = {e.id: e for e in load(store).events}
    assert sorted(e.title for e in events.values() if e.title.startswith("Added")) == [
        f"Added number {n}" for n in range(7)
    ]
    assert [events[f"e{n:02d}"].title for n in range(7)] == [f"Edited {n}" for n in range(7)]
    assert all(events[f"e{n:02d}"].tags == ("edited",) for n in range(7))
    assert sorted(i for i in events if i.startswith("e")) == [*(f"e{n:02d}" for n in range(7)), "e13"]
    assert leftovers(tmp_path) == []


WRAPPED = (
    "version: 1\ncompanies:\n  - name: A\nevents:\n"
    '  - id: one\n    date: 2020-01-02\n    title: "A title that\n{continuation}"\n'
    "    companies: [A]\n    kind: other\n"
    "  - id: two\n    date: 2021-02-03\n    title: Two\n    companies: [A]\n    kind: other\n"
)


@pytest.mark.parametrize(
    "args",
    [
        ("edit", "two", "--set", "title=Changed"),
        ("rm", "two"),
        ("rm", "one"),
        ("add", "--date", "2020-06-01", "--title", "Between", "-c", "A", "-k", "other", "--force"),
    ],
)
def test_a_quoted_title_wrapped_at_column_zero_is_edited_in_place(
    run: Runner, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """YAML lets a quoted value continue at column 0: that line is not the end of the list
    (it was, and the edit of the next event failed with a traceback)."""
    path = write_store(tmp_path, WRAPPED.format(continuation="continues at column zero"))
    assert run("-f", str(path), "list").exit_code == 0  # the cache entry an edit then trusts
    result = run("-f", str(path), *args)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    loaded = load(path)
    wrapped = loaded.event("one")
    if args[:2] == ("rm", "one"):
        assert wrapped is None and [e.id for e in loaded.events] == ["two"]
    else:
        assert wrapped is not None and wrapped.title == "A title that continues at column zero"
    if args[0] == "edit":
        assert [e.title for e in loaded.events][1] == "Changed"
    if args[0] == "add":
        assert [e.title for e in loaded.events] == ["A title that continues at column zero", "Between", "Two"]


@pytest.mark.parametrize(
    "args",
    [
        ("edit", "two", "--set", "title=Changed"),
        ("rm", "two"),
        ("add", "--date", "2020-06-01", "--title", "Between", "-c", "A", "-k", "other", "--force"),
    ],
)
def test_a_value_line_that_looks_like_an_item_is_refused_and_nothing_written(
    run: Runner, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A quoted value whose next line reads ``  - looks like an item`` hides where the events
    start from a line scan: the change is refused with a message, never applied to the wrong
    lines (or a traceback)."""
    path = write_store(tmp_path, WRAPPED.format(continuation="  - looks like an item"))
    before = path.read_bytes()
    assert run("-f", str(path), "list").exit_code == 0
    result = run("-f", str(path), *args)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {path}: cannot find each event's lines (a multi-line quoted value with a line that"
        " starts like a list item?); nothing was written: edit the file by hand\n"
    )
    assert path.read_bytes() == before


def write_store(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path
