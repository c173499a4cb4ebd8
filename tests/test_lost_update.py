"""No lost update: an editor that saves (write a temporary file, rename it) while `add` runs.

Editors do not take the store's lock, so `add` checks, just before its rename, that the store is
still the file it read; if not, it plans again on the new content. The editor's change must
survive every trial.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_installed import _script

from timeline.store import load, packaged_store

from conftest import PINNED_TODAY

TRIALS = 60


def editor_save(store: Path, text: str) -> None:
    temp = store.with_name(".events.yaml.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, store)


def held_lock(store: Path, process: subprocess.Popen[bytes]) -> None:
    """Wait until the add holds the store's lock (it then reads, plans and writes)."""
    import fcntl

    lock = store.with_name(store.name + ".lock")
    while process.poll() is None:
        if lock.exists():
            with lock.open("rb") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return
                fcntl.flock(handle, fcntl.LOCK_UN)
        time.sleep(0.002)


def test_an_editor_save_during_add_is_never_lost(tmp_path: Path) -> None:
    original = packaged_store().read_text(encoding="utf-8")
    first = load(packaged_store()).events[0]
    edited = original.replace(f"title: {first.title}\n", "title: Saved by the editor meanwhile\n", 1)
    assert edited != original
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TIMELINE_NOW": PINNED_TODAY}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    rng = random.Random(17)  # noqa: S311 - reproducible delays, not secrets
    delays = [rng.uniform(0.0, 0.4) for _ in range(TRIALS)]

    def add(store: Path, number: int) -> subprocess.Popen[bytes]:
        args = ["-f", str(store), "add", "--date", "2026-06-01", "--title", f"Racing add {number}"]
        args += ["-c", "OpenAI", "-k", "other", "--force"]
        return subprocess.Popen([_script(), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    probe = tmp_path / "probe" / "events.yaml"
    probe.parent.mkdir()
    shutil.copy(packaged_store(), probe)
    began = time.monotonic()
    add(probe, 0).communicate(timeout=60)
    duration = time.monotonic() - began

    def trial(number: int) -> tuple[str, int, str]:
        store = tmp_path / f"trial-{number}" / "events.yaml"
        store.parent.mkdir()
        store.write_text(original, encoding="utf-8")
        process = add(store, number)
        held_lock(store, process)  # the add has started its read-modify-write
        time.sleep(delays[number] * duration)
        editor_save(store, edited)
        _, err = process.communicate(timeout=120)
        text = store.read_text(encoding="utf-8")
        if "Saved by the editor meanwhile" not in text:
            return "lost", process.returncode, err.decode()
        return ("both" if f"Racing add {number}" in text else "editor"), process.returncode, err.decode()

    # a few trials at a time (each in its own folder), so the test takes seconds, not a minute
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(trial, range(TRIALS)))
    for _, code, err in outcomes:
        assert code in (0, 1), err
        if code == 1:
            assert "the store changed while writing; nothing was written" in err
    lost = sum(1 for outcome, _, _ in outcomes if outcome == "lost")
    assert lost == 0, f"{lost} of {TRIALS} editor saves were overwritten by add"
    # the race was real: some saves came before add's rename (both kept), some after it
    assert any(outcome == "both" for outcome, _, _ in outcomes)


def test_a_store_that_keeps_changing_is_refused_with_nothing_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the store changes before every rename (three tries), add stops and says so."""
    from timeline.edit import NewEvent, _commit, add_event
    from timeline.errors import WriteError

    store = tmp_path / "events.yaml"
    shutil.copy(packaged_store(), store)
    before = store.read_bytes()
    tries = {"n": 0}

    def changed(*args: object) -> None:
        tries["n"] += 1
        raise _commit.StoreChanged(_commit.CHANGED)

    monkeypatch.setattr(_commit, "_check_unchanged", changed)
    with pytest.raises(WriteError, match=r"^the store changed while writing; nothing was written$"):
        add_event(store, NewEvent(date="2026-06-01", title="Never", companies=("OpenAI",), kind="other"))
    assert tries["n"] == 3
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []
