"""The interactive `add` form, on a real pseudo-terminal, run through the installed script."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pexpect
import pytest
from test_installed import _script

from timeline.store import load

from conftest import DATA, PINNED_TODAY


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    shutil.copy(DATA / "sample.yaml", path)
    return path


def spawn(store: Path, *args: str) -> pexpect.spawn:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(store.parent),
        "XDG_CACHE_HOME": str(store.parent / "cache"),
        "TIMELINE_NOW": PINNED_TODAY,
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
    }
    return pexpect.spawn(
        _script(),
        ["-f", str(store), "add", *args],
        env=env,
        encoding="utf-8",
        timeout=20,
        preexec_fn=_as_from_a_shell,
    )


def _as_from_a_shell() -> None:
    """Ctrl-C reaches the command as it does from an interactive shell, even when the test run
    itself was started in the background (`cmd &` starts with SIGINT ignored, and a child
    inherits that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    status: int = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    return status


def test_each_answer_is_checked_on_the_spot_and_nothing_is_retyped(store: Path) -> None:
    child = spawn(store)
    child.expect("Date: ")
    child.sendline("nonsense")
    child.expect(r"! date: invalid date 'nonsense'.*also accepted: .*yesterday")
    child.expect("Date: ")
    child.sendline("yesterday")
    child.expect("Title: ")
    child.sendline("A prompted event")
    child.expect("Companies: ")
    child.sendline("exmp, NewCo")
    child.expect("'NewCo' is not a registered company")
    child.expect(r"register NewCo as a new company\? \[y/N\] ")
    child.sendline("y")
    child.expect(r"parent company of NewCo \(empty for none\): ")
    child.sendline("Nobody")
    child.expect("! parent: unknown company 'Nobody'")
    child.sendline("Example Corp")
    child.expect(r"\(kinds: partnership, investment")
    child.expect("Kind: ")
    child.sendline("model release")
    child.expect(r"! kind: unknown kind 'model release' \(did you mean 'model-release'\?\)")
    child.sendline("model-release")
    child.expect(r"Tags \(comma-separated, empty for none\): ")
    child.sendline("Consumer Tech")
    child.expect(r"! tag: 'Consumer Tech' is not a tag.*\(did you mean 'consumer-tech'\?\)")
    child.sendline("consumer-tech, models")
    child.expect("> ")
    child.sendline("First line of the summary.")
    child.expect("> ")
    child.sendline("Second line.")
    child.expect("> ")
    child.sendline("")
    child.expect(r"Source URL \(https://...\): ")
    child.sendline("http://example.org/plain")
    child.expect(r"! source: 'http://example.org/plain' is not an https:// URL")
    child.sendline("https://example.org/prompted")
    child.expect(r"Another source URL \(empty to finish\): ")
    child.sendline("")
    child.expect("to be added to .*events.yaml:")
    child.expect("  - name: NewCo")
    child.expect("    parent: Example Corp")
    child.expect("  - id: a-prompted-event-2026")
    child.expect("    date: 2026-06-14")
    child.expect(r"add it\? \[Y/n\] ")
    child.sendline("")
    child.expect("added a-prompted-event-2026 to")
    assert finish(child) == 0
    stored = load(store, today=None)
    event = next(e for e in stored.events if e.id == "a-prompted-event-2026")
    assert str(event.date) == "2026-06-14"  # yesterday, with TIMELINE_NOW=2026-06-15
    assert event.companies == ("Example Corp", "NewCo")
    assert event.kind == "model-release"
    assert event.tags == ("consumer-tech", "models")
    assert event.summary == "First line of the summary.\nSecond line."
    assert [s.url for s in event.sources] == ["https://example.org/prompted"]
    assert stored.registry.resolve("newco") == "NewCo"
    assert next(c for c in stored.registry.companies if c.name == "NewCo").parent == "Example Corp"


def test_options_given_are_not_asked_for(store: Path) -> None:
    child = spawn(store, "--title", "Only asked the rest", "-c", "SL", "--kind", "research", "-t", "models")
    child.expect("Date: ")
    child.sendline("April 2026")
    child.expect("> ")  # no title, companies, kind or tags prompts
    assert "Title: " not in (child.before or "")
    child.sendline("")
    child.expect(r"Source URL")
    child.sendline("https://example.org/asked")
    child.expect("finish")
    child.sendline("")
    child.expect(r"\[Y/n\] ")
    child.sendline("y")
    assert finish(child) == 0
    event = next(e for e in load(store).events if e.title == "Only asked the rest")
    assert (str(event.date), event.companies, event.tags) == ("2026-04", ("Sample Labs",), ("models",))


# Ctrl-C at each step of the form: exit 130, the store byte-identical, no lock file left.
STEPS = ["Date: ", "Title: ", "Companies: ", r"\[y/N\] ", "Kind: ", "Tags", "> ", "Source URL", r"\[Y/n\] "]


@pytest.mark.parametrize("step", STEPS)
def test_ctrl_c_anywhere_exits_130_and_writes_nothing(store: Path, step: str) -> None:
    before = store.read_bytes()
    child = spawn(store)
    answers = {
        "Date: ": "2026-05",
        "Title: ": "Interrupted event",
        "Companies: ": "Example Corp, Brand New",
        r"\[y/N\] ": "y",
        "parent": "",
        "Kind: ": "other",
        "Tags": "",
        "> ": "",
        "Source URL": "https://example.org/x",
        "finish": "",
    }
    patterns = [*answers, r"\[Y/n\] "]
    while True:
        index = child.expect(patterns)
        pattern = patterns[index]
        if pattern == step:
            child.sendintr()
            break
        child.sendline(answers[pattern])
    child.expect("nothing was written")
    assert finish(child) == 130
    assert store.read_bytes() == before
    assert sorted(p.name for p in store.parent.iterdir() if p.name not in ("cache", "home", "work")) == ["events.yaml"]


def test_declining_the_preview_writes_nothing(store: Path) -> None:
    before = store.read_bytes()
    child = spawn(store, "--date", "2026-05-02", "--title", "Declined", "-c", "SL")
    for pattern, answer in [
        ("Kind: ", "other"),
        ("Tags", ""),
        ("> ", ""),
        ("Source URL", "https://example.org/d"),
        ("finish", ""),
    ]:
        child.expect(pattern)
        child.sendline(answer)
    child.expect(r"\[Y/n\] ")
    child.sendline("n")
    child.expect("not added; nothing was written")
    assert finish(child) == 1
    assert store.read_bytes() == before


def test_tab_completes_company_names_and_aliases(store: Path) -> None:
    child = spawn(store, "--date", "2026-05-03", "--title", "Completed", "--kind", "other")
    child.expect("Companies: ")
    child.send("Sample L\t")
    child.expect("abs")  # readline completed "Sample L" to "Sample Labs"
    child.send(", EXM\t")
    child.expect("P")  # and the alias "EXM" to "EXMP"
    child.sendline("")
    for pattern, answer in [("Tags", ""), ("> ", ""), ("Source URL", "https://example.org/c"), ("finish", "")]:
        child.expect(pattern)
        child.sendline(answer)
    child.expect(r"\[Y/n\] ")
    child.sendline("y")
    assert finish(child) == 0
    event = next(e for e in load(store).events if e.title == "Completed")
    assert event.companies == ("Sample Labs", "Example Corp")
