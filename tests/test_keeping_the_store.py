"""Keeping a store by hand as a new user does (issue 12's reproductions 4-8): style, errors
that name the option, a dry run that changes nothing, duplicates and future dates, init, and
the README's store-format example."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from timeline.store import load

from conftest import DATA, Runner

BLOCK_STYLE = """version: 1
companies:
  - name: Example Corp
    aliases: [EXMP]
  - name: Sample Labs
    aliases: [SL]
events:
  - id: first
    date: 2024-01-15
    title: First event
    companies:
      - Example Corp
    kind: partnership
    tags:
      - cloud
    summary: >
      A folded summary
      over two lines.
    sources:
      - url: https://example.org/1
        title: One
  - id: may-event
    date: 2026-05-12
    title: Sample Labs ships a model
    companies:
      - Sample Labs
    kind: model-release
"""


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(BLOCK_STYLE)
    return path


def added_block(before: str, after: str) -> str:
    old = before.splitlines(keepends=True)
    new = after.splitlines(keepends=True)
    start = next(i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b)
    return "".join(new[start : start + len(new) - len(old)])


def test_new_blocks_copy_the_files_style_and_canonical_names(run: Runner, store: Path) -> None:
    before = store.read_text()
    summary = (
        "Example Corp and Sample Labs agree to share research on model evaluation, with a joint team "
        "in Paris and a first report due next year."
    )
    result = run(
        "-f",
        str(store),
        "add",
        "--date",
        "2025-03-10",
        "--title",
        "A joint research team",
        "-c",
        "exmp",
        "-c",
        "sample labs",
        "-k",
        "research",
        "-t",
        "research",
        "--summary",
        summary,
        "--source",
        "https://example.org/joint",
    )
    assert result.exit_code == 0, result.stderr
    assert added_block(before, store.read_text()) == (
        "  - id: a-joint-research-team-2025\n"
        "    date: 2025-03-10\n"
        "    title: A joint research team\n"
        "    companies:\n"
        "      - Example Corp\n"
        "      - Sample Labs\n"
        "    kind: research\n"
        "    tags:\n"
        "      - research\n"
        "    summary: >\n"
        "      Example Corp and Sample Labs agree to share research on model evaluation, with a joint\n"
        "      team in Paris and a first report due next year.\n"
        "    sources:\n"
        "      - url: https://example.org/joint\n"
    )
    event = load(store).event("a-joint-research-team-2025")
    assert event is not None and event.summary == summary


def test_generated_ids_are_short_unique_and_readable(run: Runner, store: Path) -> None:
    title = "Example Corp announces a very long and detailed multi-year strategic partnership with Sample Labs"
    args = ["-f", str(store), "add", "--date", "2025-07-01", "--title", title, "-c", "EXMP", "-k", "other"]
    first = run(*args)
    second = run(*args, "--force")
    assert first.exit_code == 0 and second.exit_code == 0, (first.stderr, second.stderr)
    ids = [e.id for e in load(store).events if e.title == title]
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(len(i) <= 50 for i in ids), ids
    assert ids[0] == "example-corp-announces-a-very-long-and-2025"
    assert ids[1] == "example-corp-announces-a-very-long-and-2025-2"


def test_a_bad_tag_names_the_option_not_a_line(run: Runner, store: Path) -> None:
    result = run(
        "-f", str(store), "add", "--date", "2025-01-01", "--title", "T", "-c", "EXMP", "-k", "other",
        "--tag", "Consumer Tech",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "usage error: --tag: 'Consumer Tech' is not a tag: tags are lower-case slugs like 'cloud' or "
        "'ai-safety' (did you mean 'consumer-tech'?)\n"
    )
    assert store.read_text() == BLOCK_STYLE


def test_a_bad_source_names_the_option(run: Runner, store: Path) -> None:
    result = run(
        "-f", str(store), "add", "--date", "2025-01-01", "--title", "T", "-c", "EXMP", "-k", "other",
        "--source", "example.org/no-scheme",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("usage error: --source: 'example.org/no-scheme' is not an http:// or https:// URL")


def test_dry_run_creates_no_lock_and_shows_the_new_company(run: Runner, store: Path) -> None:
    result = run(
        "-f", str(store), "add", "--date", "2025-01-01", "--title", "New Co appears", "-c", "New Co",
        "--new-company", "New Co", "-k", "other", "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "  - name: New Co\n"
        "  - id: new-co-appears-2025\n"
        "    date: 2025-01-01\n"
        "    title: New Co appears\n"
        "    companies:\n"
        "      - New Co\n"
        "    kind: other\n"
    )
    assert store.read_text() == BLOCK_STYLE
    assert sorted(p.name for p in store.parent.iterdir() if p.name not in ("home", "work", "cache")) == ["events.yaml"]


@pytest.mark.parametrize("date", ["2026-05", "2026", "2026-05-14"])
def test_duplicates_are_found_at_the_coarser_precision(run: Runner, store: Path, date: str) -> None:
    result = run(
        "-f", str(store), "add", "--date", date, "--title", "Sample Labs ships a model", "-c", "SL",
        "-k", "model-release",
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    assert "this looks like an existing event: may-event (May 12, 2026)" in result.stderr
    assert store.read_text() == BLOCK_STYLE


def test_a_month_apart_is_not_a_duplicate(run: Runner, store: Path) -> None:
    result = run(
        "-f", str(store), "add", "--date", "2026-04", "--title", "Sample Labs ships a model", "-c", "SL",
        "-k", "model-release",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr


def test_a_future_date_is_a_warning(run: Runner, store: Path) -> None:
    result = run("-f", str(store), "add", "--date", "2026-09-01", "--title", "Later", "-c", "SL", "-k", "other")
    assert result.exit_code == 0
    assert result.stderr == (
        f"warning: event 'later-2026' starts after today (2026-06-15)\nadded later-2026 to {store}\n"
    )


def test_init_into_an_existing_folder(run: Runner, isolated: Path) -> None:
    (isolated / "mine").mkdir()
    result = run("init", "mine")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "created mine/events.yaml and timeline.schema.json (for editors); "
        "add events with `timeline add` or by editing it\n"
    )
    assert len(load(isolated / "mine" / "events.yaml").events) > 100
    again = run("init", "mine")
    assert again.exit_code == 2
    assert "mine/events.yaml already exists" in again.stderr


def test_init_creates_missing_folders(run: Runner, isolated: Path) -> None:
    result = run("init", "a/b/x.yaml")
    assert result.exit_code == 0, result.stderr
    assert load(isolated / "a" / "b" / "x.yaml").events


def test_init_empty_is_a_valid_store_with_an_example(run: Runner, isolated: Path) -> None:
    result = run("init", "--empty")
    assert result.exit_code == 0, result.stderr
    text = (isolated / "events.yaml").read_text()
    assert "# - id: example-corp-opens-a-lab-2026" in text
    validated = run("validate")
    assert validated.exit_code == 0, validated.stderr
    assert "0 events" in validated.stdout
    added = run("add", "--date", "2026-05", "--title", "Mine", "-c", "Acme", "--new-company", "Acme", "-k", "other")
    assert added.exit_code == 0, added.stderr
    assert [e.title for e in load(isolated / "events.yaml").events] == ["Mine"]


def test_the_schema_comment_points_at_a_file_that_exists(run: Runner, isolated: Path) -> None:
    assert run("init", "sub/events.yaml").exit_code == 0
    created = isolated / "sub" / "events.yaml"
    match = re.search(r"^# yaml-language-server: \$schema=(\S+)$", created.read_text(), re.M)
    assert match is not None
    schema = created.parent / match[1]
    assert schema.is_file()
    shown = run("schema")
    assert json.loads(schema.read_text()) == json.loads(shown.stdout)


def test_the_readmes_store_format_example_validates_as_written(run: Runner, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The store format", 1)[1]
    example = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert example is not None
    path = tmp_path / "example.yaml"
    path.write_text(example[1])
    result = run("-f", str(path), "validate")
    assert result.exit_code == 0, result.stderr
    assert ": error:" not in result.stdout + result.stderr


def test_a_folder_store_adds_to_the_events_year_file(run: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    sample = (DATA / "sample.yaml").read_text()
    head, _, events = sample.partition("events:\n")
    (folder / "2024.yaml").write_text(head + "events:\n" + events.split("  - id: example-invests-sample-2025")[0])
    (folder / "2025.yaml").write_text(
        "version: 1\ncompanies: []\nevents:\n  - id: example-invests-sample-2025"
        + events.split("  - id: example-invests-sample-2025")[1].split("  - id: example-cloud-region-2026")[0]
    )
    assert load(folder).events
    result = run("-f", str(folder), "add", "--date", "2025-08-01", "--title", "Into 2025", "-c", "SL", "-k", "other")
    assert result.exit_code == 0, result.stderr
    assert "Into 2025" in (folder / "2025.yaml").read_text()
    created = run("-f", str(folder), "add", "--date", "2027-01-02", "--title", "A new year", "-c", "SL", "-k", "other")
    assert created.exit_code == 0, created.stderr
    assert created.stderr.endswith(f"added a-new-year-2027 to {folder / '2027.yaml'}\n")
    assert (
        (folder / "2027.yaml").read_text().startswith("version: 1\ncompanies: []\nevents:\n  - id: a-new-year-2027\n")
    )
    edited = run("-f", str(folder), "edit", "a-new-year-2027", "--set", "title=A new year, edited")
    assert edited.exit_code == 0, edited.stderr
    assert "A new year, edited" in (folder / "2027.yaml").read_text()
    removed = run("-f", str(folder), "rm", "example-summit-2025")
    assert removed.exit_code == 0, removed.stderr
    assert "example-summit-2025" not in (folder / "2025.yaml").read_text()
    assert {e.id for e in load(folder).events} >= {"a-new-year-2027", "into-2025"}
    shutil.rmtree(folder)


def test_init_respects_the_umask(run: Runner, isolated: Path) -> None:
    import os
    import stat

    previous = os.umask(0o077)
    try:
        assert run("init", "private.yaml").exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((isolated / "private.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE((isolated / "timeline.schema.json").stat().st_mode) == 0o600
