"""`timeline changes` and `--added-since` on real git repositories built in a temporary folder.

Every repository has a fixed identity and commit dates (GIT_AUTHOR_DATE/GIT_COMMITTER_DATE) and
never reads the user's or the system's git configuration.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from conftest import DATA, Runner, invoke_main
from gitrepo import Repo, git_environment

HEADER = "version: 1\ncompanies:\n{companies}events:\n"
COMPANIES = """  - name: Microsoft
    aliases: [MSFT]
  - name: OpenAI
  - name: GitHub
"""
AMENDED = """  - id: ms-openai-2026
    date: 2026-04
    title: Microsoft and OpenAI amend their agreement
    companies: [Microsoft, OpenAI]
    kind: partnership
    tags: [cloud]
    summary: Azure stays the primary cloud.
    sources:
      - url: https://example.org/amended
        publisher: Example News
"""
SHIPS = """  - id: github-ships-2025
    date: 2025-05-01
    title: GitHub ships a coding agent
    companies: [GitHub]
    kind: product-launch
    sources: [https://example.org/ships]
"""
WRONG = """  - id: wrong-2024
    date: 2024
    title: Something that never happened
    companies: [OpenAI]
    kind: other
    sources: [https://example.org/wrong]
"""
LAB = """  - id: openai-paris-lab-2026
    date: 2026-11-20
    title: OpenAI opens a research lab in Paris
    companies: [OpenAI]
    kind: research
    tags: [europe]
    sources:
      - url: https://example.org/lab
        publisher: Lab News
"""


def store(*events: str, companies: str = COMPANIES) -> str:
    return HEADER.format(companies=companies) + "".join(events)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    home = tmp_path / "home"
    for name, value in git_environment(home).items():
        monkeypatch.setenv(name, value)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_PARAMETERS"):
        monkeypatch.delenv(name, raising=False)
    made = Repo(tmp_path / "repo", home)
    monkeypatch.chdir(made.root)
    return made


@pytest.fixture
def week(repo: Repo) -> Repo:
    """Last week's store, then this week's: one of each kind of change."""
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS, WRONG, AMENDED)})
    this_week = store(
        SHIPS.replace("github-ships-2025", "github-coding-agent-2025"),  # renamed
        AMENDED.replace("date: 2026-04\n", "date: 2026-04-27\n")  # more precise
        .replace("[Microsoft, OpenAI]", "[Microsoft, OpenAI, Nvidia]")
        .replace(
            "      - url: https://example.org/amended",
            "      - https://example.org/second\n      - url: https://example.org/amended",
        ),
        LAB,  # added; WRONG removed
        companies=COMPANIES.replace(
            "  - name: GitHub\n", "  - name: GitHub\n    parent: Microsoft\n  - name: Nvidia\n"
        ).replace("aliases: [MSFT]", "aliases: [MSFT, Microsoft Corporation]"),
    )
    repo.commit("2026-11-18", {"events.yaml": this_week})
    return repo


def as_json(run: Runner, *args: str) -> Any:
    result = run("changes", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- each kind of change ----------------------------------------------------------------------


def test_each_kind_of_change_in_the_terminal_summary(run: Runner, week: Repo) -> None:
    result = run("changes", "HEAD~1", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    short = week.git("rev-parse", "--short", "HEAD~1").strip()
    assert result.stdout == (
        f"Changes from HEAD~1 ({short}, Nov 10, 2026) to the working tree\n"
        "1 added, 1 removed, 1 renamed, 1 changed; 3 company changes\n"
        "\n"
        "Added\n"
        "+ Nov 20, 2026  OpenAI opens a research lab in Paris\n"
        "                OpenAI · research · openai-paris-lab-2026\n"
        "\n"
        "Removed\n"
        "- 2024          Something that never happened\n"
        "                OpenAI · other · wrong-2024\n"
        "\n"
        "Renamed\n"
        "> May 1, 2025   GitHub ships a coding agent\n"
        "                GitHub · product-launch · github-coding-agent-2025\n"
        "                id github-ships-2025 -> github-coding-agent-2025\n"
        "\n"
        "Changed\n"
        "* Apr 27, 2026  Microsoft and OpenAI amend their agreement\n"
        "                Microsoft, OpenAI, Nvidia · partnership · ms-openai-2026\n"
        "                date made more precise: 2026-04 -> 2026-04-27\n"
        "                company added: Nvidia\n"
        "                source added: https://example.org/second\n"
        "\n"
        "Companies\n"
        "* alias added: Microsoft Corporation (Microsoft)\n"
        "* parent changed: GitHub: (none) -> Microsoft\n"
        "* company added: Nvidia\n"
    )
    assert result.stderr == ""


def test_the_json_shape(run: Runner, week: Repo) -> None:
    data = as_json(run, "HEAD~1")
    assert list(data) == ["from", "to", "counts", "added", "removed", "renamed", "changed", "registry", "shown"]
    assert data["from"] == {
        "revision": "HEAD~1",
        "commit": week.git("rev-parse", "HEAD~1").strip(),
        "date": "2026-11-10",
        "valid": True,
        "errors": [],
        "events": 3,
    }
    assert data["to"] == {"revision": None, "commit": None, "date": None, "valid": True, "errors": [], "events": 3}
    assert data["counts"] == {"added": 1, "removed": 1, "renamed": 1, "changed": 1, "registry": 3}
    added, removed = data["added"], data["removed"]
    assert isinstance(added, list) and isinstance(removed, list)
    assert [e["id"] for e in added] == ["openai-paris-lab-2026"]
    assert added[0]["sources"] == [
        {"url": "https://example.org/lab", "title": None, "publisher": "Lab News", "note": None}
    ]
    assert [e["id"] for e in removed] == ["wrong-2024"]
    renamed = data["renamed"]
    assert isinstance(renamed, list)
    assert [(r["from"], r["to"], r["fields"]) for r in renamed] == [
        ("github-ships-2025", "github-coding-agent-2025", [])
    ]
    changed = data["changed"]
    assert isinstance(changed, list) and len(changed) == 1
    assert changed[0]["id"] == "ms-openai-2026"
    assert changed[0]["event"]["date"] == "2026-04-27"
    assert changed[0]["fields"] == [
        {
            "field": "date",
            "change": "made more precise",
            "old": "2026-04",
            "new": "2026-04-27",
            "text": "date made more precise: 2026-04 -> 2026-04-27",
        },
        {"field": "companies", "change": "added", "old": None, "new": "Nvidia", "text": "company added: Nvidia"},
        {
            "field": "sources",
            "change": "added",
            "old": None,
            "new": "https://example.org/second",
            "text": "source added: https://example.org/second",
        },
    ]
    assert data["registry"] == [
        {
            "company": "Microsoft",
            "change": "alias added",
            "old": None,
            "new": "Microsoft Corporation",
            "text": "alias added: Microsoft Corporation (Microsoft)",
        },
        {
            "company": "GitHub",
            "change": "parent changed",
            "old": None,
            "new": "Microsoft",
            "text": "parent changed: GitHub: (none) -> Microsoft",
        },
        {"company": "Nvidia", "change": "company added", "old": None, "new": "Nvidia", "text": "company added: Nvidia"},
    ]
    assert data["shown"] is None


def field_texts(run: Runner, *args: str) -> list[str]:
    data = as_json(run, *args)
    changed = data["changed"]
    assert isinstance(changed, list)
    return [f["text"] for c in changed for f in c["fields"]]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("date: 2026-04\n", "date: 2026-04-27\n", "date made more precise: 2026-04 -> 2026-04-27"),
        ("date: 2026-04\n", "date: 2026\n", "date made less precise: 2026-04 -> 2026"),
        ("date: 2026-04\n", "date: 2026-05-02\n", "date moved: 2026-04 -> 2026-05-02"),
        ("date: 2026-04\n", "date: 2026-04~\n", "date marked approximate: 2026-04 -> 2026-04~"),
        (
            "date: 2026-04\n",
            "date: 2026-04-03/2026-04-05\n",
            "date made more precise: 2026-04 -> 2026-04-03/2026-04-05",
        ),
        (
            "title: Microsoft and OpenAI amend their agreement",
            "title: Microsoft and OpenAI amend their deal",
            "title changed: Microsoft and OpenAI amend their agreement -> Microsoft and OpenAI amend their deal",
        ),
        ("kind: partnership", "kind: investment", "kind changed: partnership -> investment"),
        ("[Microsoft, OpenAI]", "[OpenAI, Microsoft]", "companies reordered: Microsoft, OpenAI -> OpenAI, Microsoft"),
        ("[Microsoft, OpenAI]", "[MSFT]", "company removed: OpenAI"),
        ("tags: [cloud]", "tags: [cloud, licensing]", "tag added: licensing"),
        ("    tags: [cloud]\n", "", "tag removed: cloud"),
        ("summary: Azure stays the primary cloud.", "summary: Azure stays primary.", "summary changed"),
        ("    summary: Azure stays the primary cloud.\n", "", "summary removed"),
        (
            "publisher: Example News",
            "publisher: Example Daily",
            "source publisher changed: https://example.org/amended",
        ),
        ("https://example.org/amended", "https://example.org/replaced", "source added: https://example.org/replaced"),
        (
            "    tags: [cloud]\n",
            "    tags: [cloud]\n    related: [github-ships-2025]\n",
            "related added: github-ships-2025",
        ),
    ],
)
def test_each_field_change_is_spelled_out(run: Runner, repo: Repo, old: str, new: str, expected: str) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS, AMENDED)})
    repo.write({"events.yaml": store(SHIPS, AMENDED.replace(old, new))})
    texts = field_texts(run)  # a bare `changes`: the last commit against uncommitted work
    assert expected in texts, texts
    if "replaced" in expected:
        assert "source removed: https://example.org/amended" in texts


def test_an_event_moved_to_another_place_in_the_file_is_no_change(run: Runner, repo: Repo) -> None:
    """What a line diff reads as a removal and an addition is the same event."""
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS, WRONG, AMENDED)})
    repo.write({"events.yaml": store(AMENDED, SHIPS, WRONG)})
    result = run("changes")
    assert result.exit_code == 0
    assert "0 added, 0 removed, 0 renamed, 0 changed; 0 company changes\n\nNo changes.\n" in result.stdout


def test_a_renamed_event_with_other_changes_keeps_them(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    repo.write(
        {"events.yaml": store(SHIPS.replace("github-ships-2025", "gh-2025").replace("[GitHub]", "[GitHub, OpenAI]"))}
    )
    data = as_json(run)
    renamed = data["renamed"]
    assert isinstance(renamed, list)
    assert [(r["from"], r["to"], [f["text"] for f in r["fields"]]) for r in renamed] == [
        ("github-ships-2025", "gh-2025", ["company added: OpenAI"])
    ]
    assert data["counts"] == {"added": 0, "removed": 0, "renamed": 1, "changed": 0, "registry": 0}


def test_a_new_id_with_a_different_title_is_a_removal_and_an_addition(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    repo.write({"events.yaml": store(SHIPS.replace("github-ships-2025", "gh-2025").replace("a coding", "an"))})
    counts = as_json(run)["counts"]
    assert counts == {"added": 1, "removed": 1, "renamed": 0, "changed": 0, "registry": 0}


def test_registry_changes_removed_companies_and_aliases(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(AMENDED)})
    fewer = "  - name: Microsoft\n  - name: OpenAI\n"
    repo.write({"events.yaml": store(AMENDED, companies=fewer)})
    registry = as_json(run)["registry"]
    assert isinstance(registry, list)
    assert [r["text"] for r in registry] == ["alias removed: MSFT (Microsoft)", "company removed: GitHub"]


# --- revisions ----------------------------------------------------------------------------------


def test_two_revisions_and_until(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-03", {"events.yaml": store(SHIPS)})
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS, WRONG)})
    repo.commit("2026-11-17", {"events.yaml": store(SHIPS, WRONG, LAB)})
    repo.write({"events.yaml": store(SHIPS, WRONG, LAB, AMENDED)})  # uncommitted
    added = as_json(run, "HEAD~2", "HEAD~1")["added"]
    assert isinstance(added, list) and [e["id"] for e in added] == ["wrong-2024"]
    # --until: the last commit up to the end of that day, as `git log --until` reads it
    data = as_json(run, "--since", "2026-11-04", "--until", "2026-11-10")
    assert [e["id"] for e in data["added"]] == ["wrong-2024"]
    assert data["to"]["revision"] == repo.git("rev-parse", "--short", "HEAD~1").strip()
    everything = as_json(run, "HEAD~2")["added"]
    assert [e["id"] for e in everything] == ["wrong-2024", "ms-openai-2026", "openai-paris-lab-2026"]


def test_since_last_week_is_the_store_before_last_week_began(run: Runner, repo: Repo) -> None:
    # TIMELINE_NOW=2026-11-26 is a Thursday: "last week" is Monday 16 to Sunday 22 November.
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    repo.commit("2026-11-18", {"events.yaml": store(SHIPS, WRONG)})
    repo.commit("2026-11-24", {"events.yaml": store(SHIPS, WRONG, LAB)})
    env = {"TIMELINE_NOW": "2026-11-26", "COLUMNS": "100"}
    result = run("changes", "--since", "last week", "--json", env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["from"]["commit"] == repo.git("rev-parse", "HEAD~2").strip()
    assert data["from"]["date"] == "2026-11-10"
    assert [e["id"] for e in data["added"]] == ["wrong-2024", "openai-paris-lab-2026"]
    # a week later, "last week" is the week of the 24th: only the lab is new
    later = json.loads(run("changes", "--since", "last week", "--json", env={"TIMELINE_NOW": "2026-12-03"}).stdout)
    assert [e["id"] for e in later["added"]] == ["openai-paris-lab-2026"]
    dated = json.loads(run("changes", "--since", "2026-11-19", "--json").stdout)
    assert dated["from"]["date"] == "2026-11-18"


def test_since_before_the_first_commit(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    result = run("changes", "--since", "2026-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no commit before 2026-01-01 00:00")
    assert result.stderr.count("\n") == 1


def test_folder_store_with_a_file_added_and_a_file_removed(
    run: Runner, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, part = (
        HEADER.format(companies=COMPANIES),
        HEADER.format(companies="").replace("companies:\n", "companies: []\n"),
    )
    repo.commit(
        "2026-11-10", {"store/companies.yaml": first, "store/2024.yaml": part + WRONG, "store/2025.yaml": part + SHIPS}
    )
    repo.write({"store/2024.yaml": None, "store/2026.yaml": part + LAB, "store/notes.txt": "not a store file"})
    result = run("-f", "store", "changes", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["counts"] == {"added": 1, "removed": 1, "renamed": 0, "changed": 0, "registry": 0}
    assert [e["id"] for e in data["added"]] == ["openai-paris-lab-2026"]
    assert [e["id"] for e in data["removed"]] == ["wrong-2024"]
    # and from a subfolder of the repository: the path is taken relative to the repository
    (repo.root / "sub").mkdir()
    monkeypatch.chdir(repo.root / "sub")
    elsewhere = run("-f", "../store", "changes", "--json")
    assert json.loads(elsewhere.stdout)["counts"] == data["counts"]


def test_folder_store_headers_are_split_across_files(run: Runner, repo: Repo) -> None:
    """A folder's files are merged as on disk: a company added in one file, used in another."""
    part = "version: 1\ncompanies: []\nevents:\n"
    repo.commit("2026-11-10", {"s/a.yaml": HEADER.format(companies=COMPANIES), "s/b.yaml": part + SHIPS})
    repo.write({"s/a.yaml": HEADER.format(companies=COMPANIES + "  - name: Nvidia\n")})
    registry = json.loads(run("-f", "s", "changes", "--json").stdout)["registry"]
    assert [r["text"] for r in registry] == ["company added: Nvidia"]


# --- an invalid side, and one-line errors ------------------------------------------------------------


def test_an_invalid_old_revision_is_located_and_the_other_side_shown(run: Runner, repo: Repo) -> None:
    broken = store(SHIPS, AMENDED.replace("date: 2026-04\n", "date: 2026-02-30\n"))
    repo.commit("2026-11-10", {"events.yaml": broken})
    repo.commit("2026-11-17", {"events.yaml": store(SHIPS, AMENDED)})
    result = run("changes", "HEAD~1", env={"COLUMNS": "100"})
    assert result.exit_code == 1
    assert result.stderr == (
        "HEAD~1:events.yaml:15:11: error: invalid date '2026-02-30': February 2026 has 28 days, not 30\n"
    )
    short = repo.git("rev-parse", "--short", "HEAD~1").strip()
    assert result.stdout == (
        f"Changes from HEAD~1 ({short}, Nov 10, 2026) to the working tree\n"
        f"HEAD~1 ({short}, Nov 10, 2026) is not a valid store (1 error, shown above)\n"
        "The working tree has 2 events:\n"
        "May 1, 2025  GitHub ships a coding agent\n"
        "             GitHub · product-launch · github-ships-2025\n"
        "Apr 2026     Microsoft and OpenAI amend their agreement\n"
        "             Microsoft, OpenAI · partnership · ms-openai-2026\n"
    )
    data = json.loads(run("changes", "HEAD~1", "--json").stdout)
    assert data["from"]["valid"] is False
    assert data["from"]["errors"] == [result.stderr.strip()]
    assert data["counts"] is None
    assert [e["id"] for e in data["shown"]] == ["github-ships-2025", "ms-openai-2026"]
    markdown = run("changes", "HEAD~1", "-F", "markdown")
    assert markdown.exit_code == 1 and markdown.stderr == result.stderr
    assert markdown.stdout.startswith(
        f"## New this week\n\nHEAD\\~1 ({short}, Nov 10, 2026) is not a valid store.\n\nThe events of the working tree:\n\n"
        "- **May 1, 2025** · GitHub · GitHub ships a coding agent · "
    )
    assert markdown.stdout.count("\n- **") == 2


def test_an_invalid_working_tree_is_located_as_a_file(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    repo.write({"events.yaml": store(SHIPS).replace("kind: product-launch", "kind: launch")})
    result = run("-f", "events.yaml", "changes")
    assert result.exit_code == 1
    assert result.stderr.startswith("events.yaml:12:11: error: unknown kind 'launch'")
    assert "The working tree is not a valid store (1 error, shown above)" in result.stdout
    assert "HEAD (" in result.stdout and "has 1 event:" in result.stdout


def one_line_error(result: Result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    stderr = result.stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    return stderr


def test_unknown_revision(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    stderr = one_line_error(run("changes", "HEAD~3"))
    assert stderr == "error: unknown revision 'HEAD~3' (see `git log` for the commits)\n"
    assert one_line_error(run("changes", "no-such-branch")).startswith("error: unknown revision 'no-such-branch'")


def test_a_revision_that_looks_like_an_option_never_reaches_git(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    assert one_line_error(run("changes", "--", "--output=x"), 2) == "usage error: '--output=x' is not a revision\n"
    assert not (repo.root / "x").exists()


def test_a_repository_without_commits(run: Runner, repo: Repo) -> None:
    repo.write({"events.yaml": store(SHIPS)})
    assert one_line_error(run("changes")) == "error: the repository has no commits yet; commit the store first\n"


def test_a_shallow_clone_says_so(run: Runner, repo: Repo, tmp_path: Path) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    repo.commit("2026-11-17", {"events.yaml": store(SHIPS, WRONG)})
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone))
    stderr = one_line_error(run("-f", str(clone / "events.yaml"), "changes", "HEAD~1"))
    assert stderr.startswith("error: unknown revision 'HEAD~1': this is a shallow clone")
    assert "git fetch --unshallow" in stderr
    assert run("-f", str(clone / "events.yaml"), "changes", "HEAD").exit_code == 0


def test_a_path_not_tracked_at_the_revision(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"other.yaml": store(SHIPS)})
    repo.write({"events.yaml": store(SHIPS)})
    short = repo.git("rev-parse", "--short", "HEAD").strip()
    assert one_line_error(run("changes")) == f"error: events.yaml is not tracked at HEAD ({short})\n"


def test_a_store_outside_any_git_repository(run: Runner, tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    (outside / "events.yaml").write_text(store(SHIPS), encoding="utf-8")
    stderr = one_line_error(run("-f", str(outside / "events.yaml"), "changes"))
    assert stderr == f"error: {outside / 'events.yaml'} is not in a git repository, so it has no revisions to compare\n"
    assert one_line_error(run("-f", str(outside / "events.yaml"), "list", "--added-since", "HEAD")) == stderr


def test_the_shipped_store_has_no_history_of_yours(run: Runner) -> None:
    stderr = one_line_error(run("changes"))
    assert stderr.startswith("error: the shipped store has no git history of yours")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["HEAD", "--since", "last week"], "usage error: give the old side as REV or as --since, not both\n"),
        (["HEAD", "HEAD", "--until", "today"], "usage error: give the new side as REV2 or as --until, not both\n"),
        (["--format", "html"], "usage error: --format: 'html' is not one of text, json, markdown\n"),
        (["--since", "someday"], "usage error: --since: 'someday' is not a date this tool understands; try one of: "),
        (["-c", "Nobody"], "usage error: --company: unknown company 'Nobody'"),
    ],
)
def test_usage_errors_exit_2(run: Runner, repo: Repo, args: list[str], message: str) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    assert one_line_error(run("changes", *args), 2).startswith(message)


# --- filters --------------------------------------------------------------------------------------------


def ids(data: Any) -> dict[str, list[str]]:
    return {
        kind: [c["id"] if "id" in c else c["to"] for c in data[kind]]
        for kind in ("added", "removed", "renamed", "changed")
    } | {"registry": [r["text"] for r in data["registry"]]}


def test_the_list_filters_apply_to_the_events_reported(run: Runner, week: Repo) -> None:
    everything = ids(as_json(run, "HEAD~1"))
    assert sum(len(v) for v in everything.values()) == 7
    # -c: the company as it is now or as it was, subsidiaries included, and its registry changes
    assert ids(as_json(run, "HEAD~1", "-c", "Nvidia")) == {
        "added": [],
        "removed": [],
        "renamed": [],
        "changed": ["ms-openai-2026"],
        "registry": ["company added: Nvidia"],
    }
    microsoft = ids(as_json(run, "HEAD~1", "-c", "MSFT"))
    assert microsoft["renamed"] == ["github-coding-agent-2025"]  # GitHub is Microsoft's now
    assert microsoft["registry"] == [
        "alias added: Microsoft Corporation (Microsoft)",
        "parent changed: GitHub: (none) -> Microsoft",
    ]
    # --from/--to are event dates (--since/--until pick revisions here)
    assert ids(as_json(run, "HEAD~1", "--from", "2026")) == {
        "added": ["openai-paris-lab-2026"],
        "removed": [],
        "renamed": [],
        "changed": ["ms-openai-2026"],
        "registry": [],
    }
    assert ids(as_json(run, "HEAD~1", "--to", "2024"))["removed"] == ["wrong-2024"]
    assert ids(as_json(run, "HEAD~1", "-k", "research"))["added"] == ["openai-paris-lab-2026"]
    assert ids(as_json(run, "HEAD~1", "-t", "cloud"))["changed"] == ["ms-openai-2026"]
    assert ids(as_json(run, "HEAD~1", "-s", "never happened"))["removed"] == ["wrong-2024"]
    assert sum(len(v) for v in ids(as_json(run, "HEAD~1", "-k", "legal")).values()) == 0


def test_help_shows_revision_and_event_date_options(run: Runner) -> None:
    result = run("changes", "--help", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    for flag in (
        "--since",
        "--until",
        "--from",
        "--to",
        "--company",
        "--kind",
        "--tag",
        "--search",
        "--json",
        "--format",
    ):
        assert flag in result.stdout, flag
    assert "Old side: the last commit before WHEN" in result.stdout
    assert "Events on or after DATE" in result.stdout
    assert "(--to 2026-04 includes April)" in " ".join(result.stdout.split())
    assert "--since, --from" not in result.stdout and "--until, --to" not in result.stdout
    listed = run("list", "--help", env={"COLUMNS": "120"})
    assert "--since, --from" in listed.stdout and "(--until 2026-04 includes April)" in " ".join(listed.stdout.split())


# --- views -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 60, 80, 100, 120, *range(20, 140, 13)])
def test_the_summary_fits_every_width(run: Runner, week: Repo, columns: int) -> None:
    result = run("changes", "HEAD~1", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= max(columns, 24) for line in lines), [line for line in lines if len(line) > columns]
    words = " ".join(result.stdout.split())
    for text in (
        "OpenAI opens a research lab in Paris",
        "Something that never happened",
        "date made more precise: 2026-04 -> 2026-04-27",
        "company added: Nvidia",
        "parent changed: GitHub: (none) -> Microsoft",
    ):
        assert text in words, (columns, text)


def test_colour_on_a_terminal_and_plain_without(run: Runner, week: Repo) -> None:
    coloured = run("changes", "HEAD~1", env={"FORCE_COLOR": "1", "COLUMNS": "100"})
    assert "\x1b[" in coloured.stdout
    plain = run("changes", "HEAD~1", env={"NO_COLOR": "1", "COLUMNS": "100"})
    assert "\x1b" not in plain.stdout
    assert plain.stdout == run("changes", "HEAD~1", env={"COLUMNS": "100"}).stdout


def test_markdown_is_a_newsletter_section(run: Runner, week: Repo) -> None:
    from markdown_it import MarkdownIt

    result = run("changes", "HEAD~1", "--format", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "## New this week\n\n"
        "- **November 20, 2026** · OpenAI · OpenAI opens a research lab in Paris · [Lab News](<https://example.org/lab>)\n\n"
        "### Corrections\n\n"
        "- Microsoft and OpenAI amend their agreement (April 27, 2026): date made more precise: 2026-04 -\\> 2026-04-27;"
        " company added: Nvidia; source added: [https:\\/\\/example.org/second](<https://example.org/second>)\n"
        "- Removed: Something that never happened (2024)\n"
    )
    tokens = MarkdownIt("commonmark").parse(result.stdout)
    headings = [t.content for i, t in enumerate(tokens) if i and tokens[i - 1].type == "heading_open"]
    assert headings == ["New this week", "Corrections"]
    items = [tokens[i + 2] for i, t in enumerate(tokens) if t.type == "list_item_open"]
    assert len(items) == 3
    links = [c for c in items[0].children or [] if c.type == "link_open"]
    assert [link.attrs["href"] for link in links] == ["https://example.org/lab"]
    rendered = MarkdownIt("commonmark").render(result.stdout)
    assert "date made more precise: 2026-04 -&gt; 2026-04-27" in rendered
    assert '<a href="https://example.org/second">https://example.org/second</a>' in rendered  # the new source
    titled = run("changes", "HEAD~1", "--format", "markdown", "--title", "New since issue #12")
    assert titled.stdout.startswith("## New since issue #12\n")


def test_markdown_with_nothing_new(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    assert run("changes", "-F", "markdown").stdout == "## New this week\n\nNo new events.\n"


def test_hostile_text_is_inert_in_every_view(run: Runner, repo: Repo) -> None:
    from markdown_it import MarkdownIt

    repo.commit("2026-11-10", {"events.yaml": "version: 1\ncompanies: []\nevents: []\n"})
    repo.write({"events.yaml": (DATA / "hostile.yaml").read_text(encoding="utf-8")})
    text = run("changes", env={"COLUMNS": "80"})
    assert text.exit_code == 0, text.output
    assert "\x1b" not in text.stdout and "\x07" not in text.stdout and "\u202e" not in text.stdout
    assert "\\x1b[2J" in text.stdout
    markdown = run("changes", "-F", "markdown").stdout
    tokens = MarkdownIt("commonmark").parse(markdown)
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h2"]
    assert all(t.type != "html_inline" for t in tokens for t in (t.children or []))
    hrefs = [a.attrs["href"] for t in tokens for a in (t.children or []) if a.type == "link_open"]
    assert hrefs and all(str(h).startswith("https://example.org/") for h in hrefs), hrefs  # only the sources
    raw = run("changes", "--json").stdout
    assert "\x1b" not in raw and "\u202e" not in raw
    assert len(json.loads(raw)["added"]) >= 4


# --- --added-since ------------------------------------------------------------------------------------------


def test_list_and_export_added_since(run: Runner, week: Repo) -> None:
    listed = run("list", "--added-since", "HEAD~1", "--view", "compact")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout == "2026-11-20  OpenAI  OpenAI opens a research lab in Paris\n"  # the rename is not new
    as_list = json.loads(run("list", "--added-since", "HEAD~1", "--json").stdout)
    assert [e["id"] for e in as_list] == ["openai-paris-lab-2026"]
    assert run("list", "--added-since", "HEAD", "--view", "compact").stderr == "No events match.\n"
    assert run("list", "--added-since", "HEAD~1", "-k", "legal").stderr == "No events match.\n"
    exported = run("export", "--added-since", "HEAD~1", "--format", "markdown")
    assert exported.stdout.startswith("# AI industry timeline — added since HEAD\\~1\n")
    assert "OpenAI opens a research lab in Paris" in exported.stdout
    assert "coding agent" not in exported.stdout
    csv = run("export", "--added-since", "HEAD~1", "-c", "OpenAI", "--format", "csv").stdout
    assert csv.count("\n") == 2 and "openai-paris-lab-2026" in csv
    assert one_line_error(run("list", "--added-since", "HEAD~9")).startswith("error: unknown revision 'HEAD~9'")


def test_added_since_an_invalid_revision_says_why(run: Runner, repo: Repo) -> None:
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS).replace("kind: product-launch", "kind: launch")})
    repo.write({"events.yaml": store(SHIPS)})
    result = run("list", "--added-since", "HEAD")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "HEAD:events.yaml:12:11: error: unknown kind 'launch' (did you mean 'product-launch'?); kinds are: "
        + ", ".join(__import__("timeline.model", fromlist=["KINDS"]).KINDS),
        "hint: the store at HEAD is not valid, so nothing can be called new since it",
    ]


# --- the cache, and the library without the CLI ----------------------------------------------------------------


def test_old_revisions_are_cached_by_blob_id(repo: Repo, tmp_path: Path) -> None:
    """The cache of an old side is keyed by git's ids of the bytes: another revision with the
    same bytes shares the entry, and a cached revision needs no `git show` at all."""
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    repo.commit("2026-11-17", {"events.yaml": store(SHIPS, WRONG)})
    repo.commit("2026-11-24", {"events.yaml": store(SHIPS)})  # the same bytes as HEAD~2
    cache = tmp_path / "cache" / "timeline"
    first = invoke_main(["changes", "HEAD~2", "--json"])
    assert first.exit_code == 0, first.output
    entries = sorted(cache.glob("*.content"))
    assert len(entries) == 1
    same_bytes = invoke_main(["changes", "HEAD", "--json"])
    assert sorted(cache.glob("*.content")) == entries
    assert json.loads(same_bytes.stdout)["counts"] == json.loads(first.stdout)["counts"]
    # Without the blob, git cannot show the old store; the cached entry still answers.
    blob = repo.git("rev-parse", "HEAD~2:events.yaml").strip()
    loose = repo.root / ".git" / "objects" / blob[:2] / blob[2:]
    saved = loose.read_bytes()
    loose.chmod(0o644)
    loose.unlink()
    assert invoke_main(["changes", "HEAD~2", "--json"]).stdout == first.stdout
    uncached = invoke_main(["changes", "HEAD~2", "--json"], env={"TIMELINE_NO_CACHE": "1"})
    assert uncached.exit_code == 1 and uncached.stderr.startswith("error: git show: ")
    assert uncached.stderr.count("\n") == 1
    loose.write_bytes(saved)
    for entry in entries:  # a damaged entry is a miss, never an error
        entry.write_bytes(b"\x00garbage")
    assert invoke_main(["changes", "HEAD~2", "--json"]).stdout == first.stdout


def test_only_the_newest_revision_entries_are_kept(repo: Repo, tmp_path: Path) -> None:
    from timeline.store._prune import CONTENT_ENTRIES_KEPT

    for day in range(1, CONTENT_ENTRIES_KEPT + 4):
        repo.commit(f"2026-10-{day:02d}", {"events.yaml": store(SHIPS, WRONG.replace("2024", str(2000 + day)))})
    for back in range(CONTENT_ENTRIES_KEPT + 3):
        assert invoke_main(["changes", f"HEAD~{back}", "--json"]).exit_code == 0
    assert len(list((tmp_path / "cache" / "timeline").glob("*.content"))) == CONTENT_ENTRIES_KEPT


def test_the_library_works_without_the_cli(repo: Repo) -> None:
    from timeline.history import GitError, compare, diff_stores, select_changes
    from timeline.query import Query
    from timeline.store import load_text

    repo.commit("2026-11-10", {"events.yaml": store(SHIPS, WRONG, AMENDED)})
    repo.write({"events.yaml": store(SHIPS, AMENDED.replace("kind: partnership", "kind: investment"), LAB)})
    comparison = compare(repo.root / "events.yaml")
    assert comparison.changes is not None
    assert [c.event.id for c in comparison.changes.added] == ["openai-paris-lab-2026"]
    assert [f.text for c in comparison.changes.changed for f in c.fields] == ["kind changed: partnership -> investment"]
    research = select_changes(comparison.changes, Query(kinds=("research",)), comparison.registry())
    assert research.counts() == {"added": 1, "removed": 0, "renamed": 0, "changed": 0, "registry": 0}
    old, new = load_text(store(SHIPS)), load_text(store(SHIPS, WRONG))
    assert diff_stores(old.events, old.registry, new.events, new.registry).counts()["added"] == 1
    with pytest.raises(GitError):
        compare(repo.root / "events.yaml", "v9")


def test_git_sees_no_user_configuration(repo: Repo) -> None:
    """The tests' repositories never depend on a real identity or config."""
    repo.commit("2026-11-10", {"events.yaml": store(SHIPS)})
    author = repo.git("log", "-1", "--format=%an <%ae> %aI %cI")
    assert author == "Timeline Tests <tests@example.org> 2026-11-10T12:00:00+00:00 2026-11-10T12:00:00+00:00\n"
    done = subprocess.run(
        ["git", "config", "--global", "--list"], cwd=repo.root, env=repo.env, capture_output=True, text=True
    )
    assert done.stdout == ""
