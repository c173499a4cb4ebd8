"""Every format, parsed back with a real parser: same events, exact titles, nothing injected."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.exporters import EXPORTERS
from timeline.store import load
from timeline.text import visible

from conftest import DATA, Runner
from golden import check_golden

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = DATA / "hostile_export.yaml"
EXPORTERS_BY_EXT = {e.extension: e.name for e in EXPORTERS.values()}
SHIPPED = ROOT / "events.yaml"
HOSTILE_PAGE = DATA / "hostile_page.yaml"  # text aimed at the HTML page's JSON and script
STORES = [pytest.param(HOSTILE, id="hostile"), pytest.param(SHIPPED, id="shipped")]


def titles(store: Path) -> list[str]:
    return [e.title for e in load(store).events]


def exported(run: Runner, store: Path, *args: str) -> str:
    """What the export command wrote to stdout, byte for byte (CRLF kept)."""
    result = run("-f", str(store), "export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes.decode("utf-8")


# --- Markdown -------------------------------------------------------------------------------


def _inline_text(token: object) -> str:
    children = getattr(token, "children", None) or []
    return "".join(
        c.content if c.type in ("text", "code_inline") else " " if c.type == "softbreak" else "" for c in children
    )


def parse_markdown(text: str) -> tuple[list[str], list[list[str]], object]:
    """(plain text of each top-level bullet, rows of each table, tokens)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    bullets: list[str] = []
    rows: list[list[str]] = []
    depth = 0
    row: list[str] | None = None
    for index, token in enumerate(tokens):
        if token.type == "list_item_open":
            depth += 1
            if depth == 1:
                bullets.append("")
        elif token.type == "list_item_close":
            depth -= 1
        elif token.type == "inline" and depth == 1 and tokens[index - 2].type == "list_item_open":
            bullets[-1] = _inline_text(token)
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(_inline_text(token))
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return bullets, rows, tokens


@pytest.mark.parametrize("store", STORES)
def test_markdown_list_parses_back(run: Runner, store: Path) -> None:
    text = exported(run, store, "--details")
    bullets, rows, tokens = parse_markdown(text)
    expected = titles(store)
    assert len(bullets) == len(expected)
    for bullet, title in zip(bullets, sorted(expected, key=expected.index), strict=True):
        assert title in bullet
    assert not rows
    kinds = [t.type for t in tokens]  # type: ignore[attr-defined]
    assert kinds.count("heading_open") == 1 + len({e.date.first_day.year for e in load(store).events})
    assert "html_inline" not in kinds and "html_block" not in kinds
    links = [c for t in tokens if t.type == "inline" for c in t.children or [] if c.type == "link_open"]  # type: ignore[attr-defined]
    assert len(links) == sum(len(e.sources) for e in load(store).events)


@pytest.mark.parametrize("store", STORES)
def test_markdown_table_parses_back(run: Runner, store: Path) -> None:
    bullets, rows, _ = parse_markdown(exported(run, store, "--layout", "table", "--details"))
    events = load(store).events
    body = [r for r in rows if r[0] != "Date"]
    assert not bullets
    assert [r[3] for r in body] == [e.title for e in events]
    assert all(len(r) == 6 for r in rows)


def test_markdown_title_and_mermaid_block(run: Runner) -> None:
    text = exported(run, HOSTILE, "--mermaid", "--title", "# My [title] | x")
    _, _, tokens = parse_markdown(text)
    first_heading = tokens[1]  # type: ignore[index]
    assert _inline_text(first_heading) == "# My [title] | x"
    fences = [t for t in tokens if t.type == "fence"]  # type: ignore[attr-defined]
    assert len(fences) == 1
    assert fences[0].info == "mermaid"
    assert fences[0].content.startswith("timeline\n")


def test_markdown_default_title_describes_the_filters(run: Runner, sample: Path) -> None:
    text = exported(run, sample, "-c", "EXMP", "--since", "2026-04", "--until", "2026-06")
    assert text.splitlines()[0] == "# AI industry timeline — Example Corp, 2026-04-01 to 2026-06-30"


# --- JSON, TimelineJS ------------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_json_parses_back(run: Runner, store: Path) -> None:
    document = json.loads(exported(run, store, "-F", "json"))
    assert document["count"] == len(document["events"]) == len(titles(store))
    assert [e["title"] for e in document["events"]] == titles(store)
    listed = json.loads(run("-f", str(store), "list", "--json").stdout)
    assert document["events"] == listed


@pytest.mark.parametrize("store", STORES)
def test_timelinejs_parses_back(run: Runner, store: Path) -> None:
    import html

    document = json.loads(exported(run, store, "-F", "timelinejs"))
    events = load(store).events
    slides = document["events"]
    assert [html.unescape(s["text"]["headline"]) for s in slides] == [e.title for e in events]
    for slide, event in zip(slides, events, strict=True):
        assert slide["unique_id"] == event.id
        known = {"year": event.date.start.year, "month": event.date.start.month, "day": event.date.start.day}
        assert slide["start_date"] == {k: v for k, v in known.items() if v is not None}
        assert ("display_date" in slide) == (event.date.approximate or event.date.uncertain)
        assert "<script" not in slide["text"]["text"]


# --- CSV -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_csv_parses_back(run: Runner, store: Path) -> None:
    text = exported(run, store, "-F", "csv")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    events = load(store).events
    assert len(rows) == len(events)
    for row, event in zip(rows, events, strict=True):
        expected = "'" + event.title if event.title.startswith(("=", "+", "-", "@")) else event.title
        assert row["title"] == expected
        assert row["companies"] == "; ".join(event.companies)
        assert row["start"] == event.date.first_day.isoformat()
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert "\r\n" in text


# --- iCalendar ----------------------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_ics_parses_back(run: Runner, store: Path) -> None:
    from icalendar import Calendar

    text = exported(run, store, "-F", "ics")
    calendar = Calendar.from_ical(text)
    entries = list(calendar.walk("VEVENT"))
    events = load(store).events
    assert len(entries) == len(events)
    for entry, event in zip(entries, events, strict=True):
        summary = str(entry["SUMMARY"])
        assert summary.startswith(event.title)
        exact = event.date.precision == "day" and not (event.date.approximate or event.date.uncertain)
        assert summary == (event.title if exact else f"{event.title} ({event.date.short()})")
        assert str(entry["UID"]) == f"{event.id}@timeline"
        assert entry.decoded("DTSTART") == event.date.first_day
        assert event.date.describe() in str(entry["DESCRIPTION"])
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


# --- Mermaid -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("store", STORES)
def test_mermaid_structure(run: Runner, store: Path) -> None:
    text = exported(run, store, "-F", "mermaid")
    lines = text.splitlines()
    events = load(store).events
    assert lines[0] == "timeline"
    assert len([line for line in lines if line.startswith("    title ")]) == 1
    sections = [line for line in lines if line.startswith("    section ")]
    assert sections == [f"    section {y}" for y in sorted({e.date.first_day.year for e in events})]
    event_lines = [line for line in lines if line.startswith("        ")]
    assert len(event_lines) == len(events)
    for line in event_lines:
        assert line.count(":") == 1, line  # only the separator; text colons are entities
        _period, text_part = line.strip().split(" : ")
        assert not text_part.lower().startswith(("section", "title", "timeline"))
        assert "#" not in re.sub(r"#\d+;", "", text_part), line  # every # starts an entity code
    assert len(lines) == 2 + len(sections) + len(events)


# --- HTML ----------------------------------------------------------------------------------------------


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.titles: list[str] = []
        self.tags: list[str] = []
        self.links: list[str] = []
        self.external: list[str] = []
        self._in_title = False
        self.scripts: list[tuple[str, dict[str, str]]] = []
        self.script_texts: list[tuple[str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        attributes = dict(attrs)
        if tag == "h3" and attributes.get("class") == "title":
            self._in_title = True
            self.titles.append("")
        if tag == "a":
            self.links.append(attributes.get("href") or "")
        self.external += [
            f"{tag}.{k}" for k, _ in attrs if k in ("src", "srcset", "action", "formaction") or k.startswith("on")
        ]

        if tag == "script":
            self.scripts.append((tag, {k: v or "" for k, v in attrs}))
            self.script_texts.append((tag, ""))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3":
            self._in_title = False
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles[-1] += data
        if self._in_script:
            self.script_texts[-1] = ("script", self.script_texts[-1][1] + data)


@pytest.mark.parametrize("mode", ["interactive", "static"])
@pytest.mark.parametrize(
    "store", [*STORES, pytest.param(DATA / "hostile.yaml", id="hostile-views"), pytest.param(HOSTILE_PAGE, id="page")]
)
def test_html_parses_back(run: Runner, store: Path, mode: str) -> None:
    page = exported(run, store, "-F", "html", *(["--static"] if mode == "static" else []))
    parser = _Events()
    parser.feed(page)
    events = load(store).events
    assert parser.titles == [visible(e.title) for e in events]  # control and bidi characters shown, as in the terminal
    assert "img" not in parser.tags and "b" not in parser.tags and "iframe" not in parser.tags
    assert parser.links == [s.url for e in events for s in e.sources]
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert policy is not None
    assert parser.external == []
    if mode == "static":
        assert "script" not in parser.tags
        assert policy[1] == "default-src 'none'; style-src 'unsafe-inline'"
        return
    # Exactly two scripts: the data (JSON, never run) and the code, allowed by its hash alone.
    assert [attrs for tag, attrs in parser.scripts] == [{"type": "application/json", "id": "timeline-data"}, {}]
    data_text, code = (text for _, text in parser.script_texts)
    digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
    assert policy[1] == f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"
    for dangerous in ("</", "<!--", "\u2028", "\u2029", "<", "&"):
        assert dangerous not in data_text
    data = json.loads(data_text)
    assert [[data["companies"][i] for i in e[4]] for e in data["events"]] == [list(e.companies) for e in events]
    assert [[data["tags"][i] for i in e[6]] for e in data["events"]] == [list(e.tags) for e in events]
    assert [data["kinds"][e[5]] for e in data["events"]] == [e.kind for e in events]
    assert [(e[0], e[1]) for e in data["events"]] == [
        (e.date.first_day.isoformat(), e.date.last_day.isoformat()) for e in events
    ]
    # Without the script the list is whole; the controls that need it are hidden until it runs.
    assert re.search(r'<form class="controls" id="controls" hidden', page)


def test_the_html_page_of_the_shipped_store_stays_small(run: Runner) -> None:
    """The page must show every title, summary and source (it works without JavaScript), so
    its size is budgeted against that text: at most 60% more for markup, plus 64 KB for the
    styles, controls and script; the embedded data repeats none of the text (under 100 bytes
    an event). 250 KB was the budget when the store held 121 events; 335 events' text alone
    is 236 KB."""
    page = exported(run, SHIPPED, "-F", "html")
    events = load(SHIPPED).events
    text = sum(
        len((e.title + (e.summary or "")).encode())
        + sum(len((s.url + (s.title or "") + (s.publisher or "")).encode()) for s in e.sources)
        for e in events
    )
    assert len(page.encode()) <= 64_000 + 1.6 * text, f"{len(page.encode())} bytes for {text} bytes of text"
    data = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', page, re.S)
    assert data is not None
    assert len(data[1].encode()) < 100 * len(events), f"{len(data[1].encode())} bytes of data"


def test_html_filter_controls_count_events(run: Runner, sample: Path) -> None:
    """Checkboxes carry the values the page filters on, with counts as -c counts them."""
    page = exported(run, sample, "-F", "html")
    boxes = re.findall(r'name="(c|k|t)" value="([^"]*)" data-i="\d+"> ([^<]*) <span class="n">(\d+)</span>', page)
    companies = {value: int(n) for facet, value, _, n in boxes if facet == "c"}
    assert companies == {"Example Corp": 5, "Example Cloud": 1, "Sample Labs": 4, "Other Inc": 1}
    assert list(companies)[:2] == ["Example Corp", "Example Cloud"]  # a subsidiary under its parent
    assert {value: int(n) for facet, value, _, n in boxes if facet == "t"} == {
        "cloud": 2, "licensing": 2, "models": 1, "funding": 1, "conference": 1
    }


# --- the export command -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_golden_files(run: Runner, sample: Path, name: str) -> None:
    text = exported(run, sample, "-F", name, "--details")
    suffix = EXPORTERS[name].extension or ".json"
    check_golden(f"exports/sample-{name}{suffix}", text)


def test_output_is_deterministic_under_a_pinned_today(run: Runner, sample: Path, tmp_path: Path) -> None:
    """Two separate processes (different hash seeds, so set and dict orders may differ) agree."""

    def in_process(seed: str, name: str) -> str:
        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "PYTHONHASHSEED": seed}
        env |= {"TIMELINE_NOW": "2026-06-15", "TIMELINE_NO_CACHE": "1"}
        command = [sys.executable, "-m", "timeline", "-f", str(sample), "export", "-F", name]
        return subprocess.run(command, env=env, capture_output=True, check=True, timeout=60).stdout.decode()

    for name in EXPORTERS:
        first = in_process("1", name)
        assert first and first == in_process("2", name), name
        assert first == exported(run, sample, "-F", name), name
    later = run("-f", str(sample), "export", "-F", "ics", env={"TIMELINE_NOW": "2027-01-01"}).stdout
    assert "DTSTAMP:20270101T000000Z" in later


@pytest.mark.parametrize(
    ("filename", "check"),
    [
        ("out.md", lambda t: t.startswith("# AI industry timeline")),
        ("out.json", lambda t: json.loads(t)["count"] == 7),
        ("out.csv", lambda t: t.startswith("id,date,start")),
        ("out.ics", lambda t: t.startswith("BEGIN:VCALENDAR")),
        ("out.mmd", lambda t: t.startswith("timeline\n")),
        ("out.html", lambda t: t.startswith("<!doctype html>")),
    ],
)
def test_format_follows_the_extension(
    run: Runner, sample: Path, tmp_path: Path, filename: str, check: Callable[[str], bool]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / filename
    result = run("-f", str(sample), "export", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"wrote 7 events as {EXPORTERS_BY_EXT[target.suffix]} to {target}\n"
    assert check(target.read_text())
    assert [p.name for p in folder.iterdir()] == [filename]  # no temporary file left


def test_unknown_format_or_extension_lists_the_formats(run: Runner, sample: Path, tmp_path: Path) -> None:
    for args in (["-F", "pdf"], ["-o", str(tmp_path / "x.pdf")]):
        result = run("-f", str(sample), "export", *args)
        assert result.exit_code == 2
        assert "markdown, json, csv, ics, mermaid, html, timelinejs" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_export_refuses_to_overwrite_the_store(run: Runner, sample: Path, tmp_path: Path) -> None:
    store = tmp_path / "events.md"
    store.write_bytes(sample.read_bytes())
    before = store.read_bytes()
    result = run("-f", str(store), "export", "-o", str(store))
    assert result.exit_code == 2
    assert "is the store being read" in result.stderr
    assert store.read_bytes() == before


def test_timelinejs_by_name_to_a_file(run: Runner, sample: Path, tmp_path: Path) -> None:
    target = tmp_path / "timeline.json"
    assert run("-f", str(sample), "export", "-F", "timelinejs", "-o", str(target)).exit_code == 0
    assert "events" in json.loads(target.read_text())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=40))
def test_markdown_text_renders_as_exactly_the_text(text: str) -> None:
    """Any one-line text, escaped, comes back from a CommonMark parser as itself: no markup."""
    from markdown_it import MarkdownIt

    from timeline.exporters.markdown import md_text

    tokens = MarkdownIt("commonmark").enable("table").parse("- " + md_text(text))
    inline = [t for t in tokens if t.type == "inline"]
    assert [t.type for t in tokens if t.type.endswith("_open")] == ["bullet_list_open", "list_item_open"] + (
        ["paragraph_open"] if inline else []
    )
    kinds = {c.type for t in inline for c in t.children or ()}
    assert kinds <= {"text"}, kinds
    assert (_inline_text(inline[0]) if inline else "") == text.strip()  # CommonMark trims the ends
