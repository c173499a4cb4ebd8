"""The twelve reproductions of issue 11, each as a user runs it, and the conventions of git and
jrnl: the pager, --color, -n, -h, store discovery, dates, matching, ids, robust output, errors.

Tests that need a real terminal run ``python -m timeline`` in a pty (pexpect); tests that need a
stdout encoding run it in a subprocess. Checks on the shipped store never depend on its exact
events (the data grows in parallel): they compare one view with another, or with ``--json``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.store import packaged_store
from timeline.terminal._layout import cell_width

from conftest import DATA, PINNED_TODAY, Runner

SHIPPED = packaged_store()
ANSI = re.compile(r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b]*\x1b\\")


def _python(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m timeline`` in a subprocess, with a clean environment (its stdout a pipe)."""
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "XDG_CACHE_HOME": str(cwd / "cache"),
        "TIMELINE_NOW": PINNED_TODAY,
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "timeline", *args], cwd=cwd, env=clean, capture_output=True, timeout=60
    )


def _header_and_rows_align(out: str) -> None:
    lines = out.splitlines()
    header = [i for i, c in enumerate(lines[0]) if c == "┃"]
    assert header
    for row in lines[2:]:
        if row:
            assert [i for i, c in enumerate(row) if c == "│"] == header, row


# 1. Tables cut words and misalign at 80 columns; lines wider than 40; colour crops.


def test_1_tables_keep_words_and_align(run: Runner) -> None:
    result = run(
        "-f", str(SHIPPED), "list", "-c", "Microsoft", "--since", "2026-04", "--until", "2026-06", env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0
    _header_and_rows_align(result.stdout)
    companies_cells = {line.split("│")[1].strip() for line in result.stdout.splitlines()[2:]}
    assert "Microsof" not in companies_cells and "t," not in companies_cells
    companies = run("-f", str(SHIPPED), "companies", env={"COLUMNS": "80"}).stdout
    assert "Superintell\n" not in companies.replace(" ", "").replace("│", "\n")
    for width in (40, 80):
        for colour in ({}, {"FORCE_COLOR": "1"}):
            for args in (("list",), ("companies",)):
                out = run("-f", str(SHIPPED), *args, env={"COLUMNS": str(width), **colour}).stdout
                assert max(cell_width(line) for line in ANSI.sub("", out).splitlines()) <= width
                assert "…" not in out


# 2. stats unreadable at 80; empty periods dropped; a year-precision event counted in Q1.


def test_2_stats_is_readable_with_every_period_and_overlap_buckets(run: Runner, sample: Path) -> None:
    out = run("-f", str(SHIPPED), "stats", env={"COLUMNS": "80"}).stdout
    assert "…" not in out
    assert max(cell_width(line) for line in out.splitlines()) <= 80
    events = json.loads(run("-f", str(SHIPPED), "list", "--json").stdout)
    years = range(min(int(e["start"][:4]) for e in events), max(int(e["end"][:4]) for e in events) + 1)
    rows = {line.split("│")[0].strip(): line for line in out.splitlines() if "│" in line}
    assert all(str(year) in rows for year in years)  # empty years too
    counted = json.loads(run("-f", str(SHIPPED), "stats", "--json").stdout)
    for period in counted["periods"]:  # exact counts: what --on selects for that period
        on = json.loads(run("-f", str(SHIPPED), "list", "--on", period["period"], "--json").stdout)
        assert period["events"] == len(on)
    quarters = json.loads(run("-f", str(sample), "stats", "--by", "quarter", "--on", "2025-Q2", "--json").stdout)
    assert [p["period"] for p in quarters["periods"]] == ["2025-Q2"]
    assert quarters["periods"][0]["events"] == 1  # the event dated only to 2025
    text = run("-f", str(sample), "stats", "--by", "quarter", "--on", "2025-Q2", env={"COLUMNS": "80"}).stdout
    assert "2025-Q2" in text and "2025-Q1" not in text


# 3. --sort title|company repeats year headings in every grouped output; duplicate HTML ids.


@pytest.mark.parametrize("sort", ["title", "company"])
def test_3_grouped_outputs_never_repeat_a_heading(run: Runner, sort: str) -> None:
    import html5lib

    view = run("-f", str(SHIPPED), "list", "--view", "timeline", "--sort", sort).stdout
    headings = re.findall(r"^━━ (\d{4}) ", view, re.M)
    assert len(headings) == len(set(headings))
    months = re.findall(r"^━━ (\d{4}) |^  ([A-Z][a-z]+(?: \d{4})?)$", view, re.M)
    assert len(months) == len(set(months))
    newest = run("-f", str(SHIPPED), "list", "--view", "timeline", "--sort", sort, "-n", "12").stdout
    shown = re.findall(r"^  ([A-Z][a-z]+(?: \d{4})?)$", newest, re.M)
    assert len(shown) == len(set(shown))  # one year, months mixed by the sort: no month repeats
    markdown = run("-f", str(SHIPPED), "export", "--sort", sort).stdout
    years = re.findall(r"^## (\d{4})$", markdown, re.M)
    assert len(years) == len(set(years))
    mermaid = run("-f", str(SHIPPED), "export", "--format", "mermaid", "--sort", sort).stdout
    sections = re.findall(r"section (\d{4})", mermaid)
    assert len(sections) == len(set(sections))
    page = run("-f", str(SHIPPED), "export", "--format", "html", "--sort", sort).stdout
    document = html5lib.parse(page, namespaceHTMLElements=False)
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    assert ids and len(ids) == len(set(ids))
    dated = run("-f", str(SHIPPED), "export", "--format", "html").stdout
    assert re.search(r'<h2 id="y\d{4}">', dated)  # the date order keeps its headings


# 4. No list view shows ids; show lists related events in file order, one hop only.


def test_4_ids_in_every_list_view_and_related_by_date(run: Runner, sample: Path) -> None:
    for view in ("table", "timeline", "compact"):
        out = run("-f", str(sample), "list", "--view", view, "--ids", env={"COLUMNS": "120"}).stdout
        assert "example-sample-partnership-2024" in out and "other-lawsuit-2026" in out
    shown = run("-f", str(sample), "show", "example-invests-sample-2025", env={"COLUMNS": "120"}).stdout
    related = [line for line in shown.splitlines() if "(" in line and ("→" in line or "←" in line)]
    assert [line.split("(")[-1] for line in related] == ["example-sample-partnership-2024)"]
    two = run("-f", str(sample), "show", "example-invests-sample-2025", "--depth", "2", env={"COLUMNS": "120"}).stdout
    assert "other-lawsuit-2026" in two  # two links away, through the partnership
    story = json.loads(
        run("-f", str(sample), "list", "--related-to", "example-invests-sample-2025", "--depth", "2", "--json").stdout
    )
    assert [e["id"] for e in story] == [
        "example-sample-partnership-2024",
        "example-invests-sample-2025",
        "other-lawsuit-2026",
    ]
    by_words = run("-f", str(sample), "show", "cloud region")
    assert by_words.exit_code == 0 and "example-cloud-region-2026" in by_words.stdout
    several = run("-f", str(sample), "show", "sample")
    assert several.exit_code == 2 and "example-invests-sample-2025" in several.stderr


def test_show_lists_related_by_date_on_the_shipped_store(run: Runner) -> None:
    events = json.loads(run("-f", str(SHIPPED), "list", "--json").stdout)
    linked = max(events, key=lambda e: len(e["related"]))
    shown = json.loads(run("-f", str(SHIPPED), "show", linked["id"], "--json").stdout)
    out = run("-f", str(SHIPPED), "show", linked["id"], env={"COLUMNS": "250"}).stdout
    order = list(re.findall(r"\(([a-z0-9-]+)\)$", out, re.M))
    start = {e["id"]: (e["start"], e["end"], e["id"]) for e in events}
    assert order == sorted((s["id"] for s in shown["storyline"]), key=lambda i: start[i])


# 5. The store in use is invisible and can silently be the wrong one.


def test_5_store_discovery_walks_up_like_git(run: Runner, isolated: Path, sample: Path) -> None:
    project = isolated / "project"
    (project / "notes" / "deep").mkdir(parents=True)
    shutil.copy(sample, project / "events.yaml")
    os.chdir(project / "notes" / "deep")
    where = run("where")
    assert where.stdout.startswith(str(project / "events.yaml"))
    listed = json.loads(run("list", "--json").stdout)
    assert len(listed) == 7
    only_yml = isolated / "other"
    only_yml.mkdir()
    shutil.copy(sample, only_yml / "events.yml")
    os.chdir(only_yml)
    assert run("where").stdout.startswith(str(only_yml / "events.yml"))
    folder = isolated / "third"
    (folder / "timeline").mkdir(parents=True)
    shutil.copy(sample, folder / "timeline" / "a.yaml")
    os.chdir(folder)
    assert run("where").stdout == f"{folder / 'timeline'}  (found from the current folder)\n  a.yaml\n"


def test_5_a_git_boundary_stops_the_search_and_the_shipped_store_says_so(
    run: Runner, isolated: Path, sample: Path
) -> None:
    shutil.copy(sample, isolated / "events.yaml")
    repo = isolated / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    os.chdir(repo / "src")
    assert "(the shipped store, read-only)" in run("where").stdout
    nothing = run("list", "--since", "2099")
    assert nothing.exit_code == 0
    assert re.fullmatch(
        r"No events match\.\nnote: using the shipped store, events up to \d{4}-\d{2}-\d{2} .*\n", nothing.stderr
    )


# 6. No pager; piped output always at 80 columns; no --color; FORCE_COLOR=0 turns colour on.


def test_6_colour_choices(run: Runner, sample: Path) -> None:
    assert "\x1b" not in run("-f", str(sample), "list", "--color", "never", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in run("-f", str(sample), "list", "--color", "always").stdout
    assert "\x1b[" in run("-f", str(sample), "--color=always", "show", "other-lawsuit-2026").stdout
    assert "\x1b" not in run("-f", str(sample), "list", env={"FORCE_COLOR": "0"}).stdout
    assert "\x1b[" in run("-f", str(sample), "list", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b" not in run("-f", str(sample), "list", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    bad = run("-f", str(sample), "list", "--color", "sometimes")
    assert bad.exit_code == 2 and "auto, always, never" in bad.stderr


def test_6_piped_output_is_laid_out_at_columns(run: Runner) -> None:
    for width in (60, 140):
        out = run("-f", str(SHIPPED), "list", env={"COLUMNS": str(width)}).stdout
        assert max(cell_width(line) for line in out.splitlines()) <= width
        assert max(cell_width(line) for line in out.splitlines()) > width - 20  # it used the room
    assert max(cell_width(line) for line in run("-f", str(SHIPPED), "list").stdout.splitlines()) <= 80


FAKE_PAGER = """
import os, sys
with open(sys.argv[1], "wb") as out:
    out.write(sys.stdin.buffer.read())
with open(sys.argv[1] + ".env", "w") as env:
    env.write(os.environ.get("LESS", "<unset>"))
"""


def _pty(args: list[str], cwd: Path, env: dict[str, str], rows: int = 24, columns: int = 100) -> str:
    import pexpect

    child = pexpect.spawn(
        sys.executable,
        ["-m", "timeline", *args],
        cwd=str(cwd),
        env=env,
        dimensions=(rows, columns),
        timeout=60,
        encoding="utf-8",
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    return str(output)


def _pty_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TIMELINE_NOW": PINNED_TODAY,
        "TERM": "xterm-256color",
        **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
    }
    return {**base, **extra}


def test_6_a_terminal_gets_the_pager_when_the_output_is_taller(tmp_path: Path) -> None:
    pager = tmp_path / "pager.py"
    pager.write_text(FAKE_PAGER, encoding="utf-8")
    paged = tmp_path / "paged.txt"
    env = _pty_env(tmp_path, TIMELINE_PAGER=f"{sys.executable} {pager} {paged}")
    screen = _pty(["-f", str(SHIPPED), "list"], tmp_path, env)
    text = paged.read_text(encoding="utf-8")
    assert "\x1b[" in text  # colour goes through the pager (less -R shows it)
    assert "Date" in ANSI.sub("", text) and text.count("\n") > 24
    assert Path(f"{paged}.env").read_text(encoding="utf-8") == "FRX"
    assert re.search(r"\d+ events, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}", screen)  # the count, on stderr
    paged.unlink()
    short = _pty(["-f", str(DATA / "sample.yaml"), "show", "other-lawsuit-2026"], tmp_path, env)
    assert not paged.exists() and "Other Inc sues" in short  # shorter than the screen: no pager
    direct = _pty(["-f", str(SHIPPED), "list", "--no-pager"], tmp_path, env)
    assert not paged.exists() and "Date" in direct
    less_set = _pty(["-f", str(SHIPPED), "--no-pager", "list"], tmp_path, {**env, "PAGER": "false"})
    assert "Date" in less_set
    env_pager = _pty(
        ["-f", str(SHIPPED), "list"],
        tmp_path,
        {**_pty_env(tmp_path), "PAGER": f"{sys.executable} {pager} {paged}", "LESS": "R"},
    )
    assert paged.exists() and Path(f"{paged}.env").read_text(encoding="utf-8") == "R"
    assert "Date" not in env_pager  # it all went to the pager


def test_6_a_terminal_without_colour_when_asked(tmp_path: Path) -> None:
    out = _pty(["-f", str(DATA / "sample.yaml"), "list", "--color", "never"], tmp_path, _pty_env(tmp_path))
    assert "\x1b" not in out
    coloured = _pty(["-f", str(DATA / "sample.yaml"), "list"], tmp_path, _pty_env(tmp_path))
    assert "\x1b[" in coloured
    zero = _pty(["-f", str(DATA / "sample.yaml"), "list"], tmp_path, _pty_env(tmp_path, NO_COLOR="1"))
    assert "\x1b[" not in zero


# 7. -n 5 shows the five oldest events.


def test_7_n_keeps_the_newest(run: Runner) -> None:
    everything = json.loads(run("-f", str(SHIPPED), "list", "--json").stdout)
    newest = json.loads(run("-f", str(SHIPPED), "list", "-n", "5", "--json").stdout)
    assert newest == everything[-5:]
    reverse = json.loads(run("-f", str(SHIPPED), "list", "-n", "5", "-r", "--json").stdout)
    assert reverse == everything[-5:][::-1]


# 8. Date and range mistakes are silent or unhelpful.


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-06", "--until", "2026-04"], "the range is reversed"),
        (["--on", "2025", "--until", "2026-05"], "is outside --on 2025"),
        (["--on", "2025", "--since", "2026"], "is outside --on 2025"),
        (["--since", "04/05/2026"], "write it as 2026-04-05 or 2026-05-04"),
    ],
)
def test_8_range_mistakes_are_usage_errors(run: Runner, sample: Path, args: list[str], message: str) -> None:
    result = run("-f", str(sample), "list", *args)
    assert result.exit_code == 2
    assert message in result.stderr


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Q2 2026", "2026-04-01", "2026-06-30"),
        ("2026Q2", "2026-04-01", "2026-06-30"),
        ("2026-Q2", "2026-04-01", "2026-06-30"),
        ("H1 2026", "2026-01-01", "2026-06-30"),
        ("next month", "2026-07-01", "2026-07-31"),
        ("last Monday", "2026-06-08", "2026-06-08"),  # 2026-06-15 is a Monday: the one before
        ("a month ago", "2026-05-15", "2026-05-15"),
        ("2026/04", "2026-04-01", "2026-04-30"),
        ("yesterday", "2026-06-14", "2026-06-14"),
    ],
)
def test_8_more_date_forms(run: Runner, sample: Path, text: str, first: str, last: str) -> None:
    result = run("-f", str(sample), "stats", "--on", text, "--json")
    if result.stdout:
        counted = json.loads(result.stdout)
        assert (counted["first"], counted["last"]) == (first, last)
    else:  # nothing in the sample store then: the range is still read, and says nothing matched
        assert (result.exit_code, result.stderr) == (0, "No events match.\n")
    from timeline.periods import parse_period

    period = parse_period(text, __import__("datetime").date.fromisoformat(PINNED_TODAY))
    assert (period.first.isoformat(), period.last.isoformat()) == (first, last)


def test_8_one_message_for_an_impossible_date(run: Runner, sample: Path, tmp_path: Path) -> None:
    since = run("-f", str(sample), "list", "--since", "2026-13")
    assert since.exit_code == 2
    assert "month 13 is not between 1 and 12" in since.stderr
    mine = tmp_path / "mine.yaml"
    shutil.copy(sample, mine)
    add = run("-f", str(mine), "add", "--date", "2026-13", "--title", "x", "-c", "Other Inc", "-k", "other")
    assert "month 13 is not between 1 and 12" in add.stderr


# 9. -s takes its words as one phrase; tags and kinds case-sensitive; a comma in -c.


def test_9_matching(run: Runner, sample: Path) -> None:
    def ids(*args: str) -> list[str]:
        result = run("-f", str(sample), "list", "--json", *args)
        assert result.exit_code == 0, result.stderr
        return [e["id"] for e in json.loads(result.stdout)]

    assert ids("-s", "partnership Example") == ["example-sample-partnership-2024"]  # every word, any order
    assert ids("-s", '"cloud sign"') == []  # a quoted phrase stays a phrase
    assert ids("-s", "cloud sign") == ["example-sample-partnership-2024"]
    assert ids("-s", '"cloud partnership"') == ["example-sample-partnership-2024"]
    assert ids("-s", "region sues") == []
    assert ids("-s", "region sues", "--any") == ["example-cloud-region-2026", "other-lawsuit-2026"]
    assert ids("-k", "Model-Release") == ["sample-model-one-2024"]
    assert ids("-t", "CLOUD") == ["example-sample-partnership-2024", "example-cloud-region-2026"]
    typo = run("-f", str(sample), "list", "-t", "clod")
    assert typo.exit_code == 2 and "did you mean 'cloud'" in typo.stderr
    comma = run("-f", str(sample), "list", "-c", "Example Corp,Sample Labs")
    assert comma.exit_code == 2 and "repeat -c for each company: -c 'Example Corp' -c 'Sample Labs'" in comma.stderr
    assert "example-cloud-region-2026" in ids("-c", "Example Corp")
    assert "example-cloud-region-2026" not in ids("-c", "Example Corp", "--exact-company")
    rows = {r["name"]: r for r in json.loads(run("-f", str(sample), "companies", "--json").stdout)}
    assert rows["Example Corp"]["with_subsidiaries"] == len(ids("-c", "Example Corp"))
    assert rows["Example Corp"]["events"] == len(ids("-c", "Example Corp", "--exact-company"))


# 10. PYTHONIOENCODING=cp1252 ... > out.txt crashes on box drawing and arrows.


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("show", "microsoft-openai-amended-agreement-2026"),
        ("stats",),
        ("tags",),
        ("companies",),
        ("list", "--view", "timeline"),
    ],
)
def test_10_an_output_that_cannot_encode_box_drawing_gets_ascii(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = _python("-f", str(SHIPPED), *args, cwd=tmp_path, env={"PYTHONIOENCODING": "cp1252"})
    assert b"Traceback" not in result.stderr, result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0
    text = result.stdout.decode("cp1252")
    assert not set(text) & set("┃│━╇─┼●○→←█")
    if args == ("list",):
        assert " | " in text.splitlines()[2]
    if args[0] == "show":
        assert "-> " in text or "<- " in text
    hostile = _python("-f", str(DATA / "hostile.yaml"), *args[:1], cwd=tmp_path, env={"PYTHONIOENCODING": "cp1252"})
    assert b"Traceback" not in hostile.stderr


# 11. -f after the command; -h refused; a non-store prints over 1,000 error lines.


def test_11_errors_say_what_to_do(run: Runner, sample: Path, tmp_path: Path) -> None:
    after = run("list", "-f", str(sample))
    assert after.exit_code == 2
    assert "-f is a global option: put it before the command" in after.stderr
    assert run("list", "-h").stdout.startswith("Usage: timeline list")
    assert run("-h").exit_code == 0
    exported = tmp_path / "tl.json"
    made = run("-f", str(SHIPPED), "export", "--format", "timelinejs", "-o", str(exported))
    assert made.exit_code == 0
    result = run("-f", str(exported), "list")
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) <= 3
    assert "looks like a TimelineJS file" in result.stderr
    many = tmp_path / "many.yaml"
    many.write_text(
        "version: 1\ncompanies: []\nevents:\n" + "".join(f"  - id: e{i}\n" for i in range(45)), encoding="utf-8"
    )
    capped = run("-f", str(many), "list")
    assert capped.exit_code == 1
    lines = capped.stderr.splitlines()
    assert len(lines) == 22 and re.fullmatch(r"\.\.\. and \d+ more; run `timeline validate` to see them all", lines[20])
    assert len(run("-f", str(many), "validate").stderr.splitlines()) > 22  # validate shows them all


# 12. show hard-wraps long URLs; no terminal hyperlinks; trailing spaces.


def test_12_urls_are_never_wrapped_and_no_line_ends_in_a_space(run: Runner) -> None:
    event = "microsoft-openai-amended-agreement-2026"
    record = json.loads(run("-f", str(SHIPPED), "show", event, "--json").stdout)
    for width in (40, 80):
        out = run("-f", str(SHIPPED), "show", event, env={"COLUMNS": str(width)}).stdout
        lines = [line.strip() for line in out.splitlines()]
        for source in record["sources"]:
            assert source["url"] in lines
    coloured = run("-f", str(SHIPPED), "show", event, env={"COLUMNS": "80", "FORCE_COLOR": "1"}).stdout
    assert f"\x1b]8;id=;{record['sources'][0]['url']}\x1b\\".replace("id=;", "") in re.sub(r"id=[^;]*;", "", coloured)
    for args in (("show", event), ("companies",), ("tags",), ("stats",), ("list",), ("list", "--view", "timeline")):
        out = run("-f", str(SHIPPED), *args, env={"COLUMNS": "80"}).stdout
        assert all(line == line.rstrip() for line in out.splitlines()), args
