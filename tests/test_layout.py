"""The layout promises of every terminal view, proved across widths 20 to 250 on the shipped store
and the hostile fixture: no line wider than the width, headers and borders aligned, words never
split while they fit, the title gives up space first, stacked records when too narrow, no
trailing spaces. Widths are counted in cells, as a terminal (and rich) counts them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from timeline.dates import parse_event_date
from timeline.model import Event
from timeline.store import load, packaged_store
from timeline.terminal._layout import cell_width, soft_floor
from timeline.terminal.views import EventTable
from timeline.text import visible

from conftest import DATA, invoke_main
from golden import check_golden

SHIPPED = packaged_store()
HOSTILE = DATA / "hostile.yaml"
CLUSTERS = [
    "a",
    "Z",
    "7",
    " ",
    "-",
    ",",
    "日",
    "本",
    "ｱ",
    "한",
    "😀",
    "✨",
    "☺\ufe0f",
    "❤\ufe0f",
    "👍🏽",
    "e\u0301",
    "Ü",
    "ß",
    "—",
    "“",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(CLUSTERS), max_size=40))
def test_cell_width_counts_as_rich_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert cell_width(text) == cell_len(text)


def _views(store: Path) -> list[tuple[str, ...]]:
    shown = "microsoft-openai-amended-agreement-2026" if store == SHIPPED else "long-title"
    return [
        ("list",),
        ("list", "--ids"),
        ("list", "--view", "timeline"),
        ("list", "--view", "timeline", "--sort", "title"),
        ("companies",),
        ("tags",),
        ("stats",),
        ("stats", "--by", "quarter"),
        ("stats", "--by", "month", "--since", "2023"),
        ("show", shown, "--depth", "2"),
    ]


def _cells_at(line: str, char: str) -> list[int]:
    """The cell positions of ``char`` in ``line``."""
    positions, at = [], 0
    for c in line:
        if c == char:
            positions.append(at)
        at += cell_width(c)
    return positions


def _slice_cells(line: str, start: int, end: int | None) -> str:
    out, at = [], 0
    for c in line:
        if at >= start and (end is None or at < end):
            out.append(c)
        at += cell_width(c)
    return "".join(out)


def check_invariants(out: str, width: int) -> None:
    lines = out.splitlines()
    for line in lines:
        assert line == line.rstrip(), f"trailing space: {line!r}"
        if cell_width(line) > width:  # only an unbreakable URL may overflow
            assert "://" in line and len(line.split()) == 1, f"{cell_width(line)} > {width}: {line!r}"
    for index, line in enumerate(lines):
        if " ┃ " not in line or (index and " ┃ " in lines[index - 1]):
            continue
        header = _cells_at(line, "┃")
        rule_at = next(i for i in range(index, len(lines)) if "╇" in lines[i])
        for head in lines[index:rule_at]:
            assert _cells_at(head, "┃") == header[: len(_cells_at(head, "┃"))]
        assert _cells_at(lines[rule_at], "╇") == header
        assert cell_width(lines[rule_at]) <= width
        for row in lines[rule_at + 1 :]:
            if not row:
                break
            marks = _cells_at(row, "│") or _cells_at(row, "┼")
            assert marks == header, (row, header)


@settings(max_examples=120, deadline=None)
@given(width=st.integers(20, 250), store=st.sampled_from([SHIPPED, HOSTILE]), which=st.integers(0, 9))
def test_every_view_fits_every_width(width: int, store: Path, which: int) -> None:
    args = _views(store)[which]
    result = invoke_main(["-f", str(store), *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    check_invariants(result.stdout, width)


def _title_cells(out: str) -> tuple[list[str], int, int] | None:
    """Each row's Title text (its lines joined), and the Title and Companies column widths."""
    lines = out.splitlines()
    if not lines or " ┃ " not in lines[0]:
        return None
    header = _cells_at(lines[0], "┃")
    rule = next(i for i, line in enumerate(lines) if "╇" in line)
    rows: list[list[str]] = []
    for line in lines[rule + 1 :]:
        if _slice_cells(line, header[1] + 1, header[2]).strip():  # the kind: one word, one line
            rows.append([])
        rows[-1].append(_slice_cells(line, header[-1] + 2, None).strip())
    title_width = cell_width(lines[rule]) - header[-1] - 2
    companies_width = header[1] - header[0] - 3
    return [" ".join(part for part in row if part) for row in rows], title_width, companies_width


@settings(max_examples=80, deadline=None)
@given(width=st.integers(20, 250), store=st.sampled_from([SHIPPED, HOSTILE]))
def test_table_words_are_never_split_and_the_title_shrinks_first(width: int, store: Path) -> None:
    result = invoke_main(["-f", str(store), "list"], env={"COLUMNS": str(width)})
    events = json.loads(invoke_main(["-f", str(store), "list", "--json"]).stdout)
    found = _title_cells(result.stdout)
    if found is None:  # stacked records: every title is there, word by word, in order
        assert "Title" in result.stdout
        flat = " ".join(result.stdout.replace("Title ", " ").split())
        for event in events:
            words = visible(event["title"]).split()
            if all(cell_width(w) <= width - 11 for w in words):
                assert " ".join(words) in flat
        return
    titles, title_width, companies_width = found
    assert len(titles) == len(events)
    for title, event in zip(titles, events, strict=True):
        words = visible(event["title"]).split()
        if all(cell_width(w) <= title_width for w in words):
            assert title == " ".join(words)  # nothing split, nothing lost
    longest_companies = max(cell_width(visible(", ".join(e["companies"]))) for e in events)
    longest_title_word = max(cell_width(w) for e in events for w in visible(e["title"]).split())
    if companies_width < longest_companies:  # companies gave up space: the title already had
        assert title_width <= max(soft_floor(width), longest_title_word)


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(20, 250),
    titles=st.lists(
        st.lists(st.sampled_from([*CLUSTERS, "Microsoft", "OpenAI", "[bold]x[/]"]), min_size=1, max_size=30),
        min_size=1,
        max_size=6,
    ),
)
def test_generated_text_with_wide_characters_and_emoji_fits(width: int, titles: list[list[str]]) -> None:
    events = [
        Event(f"e{i}", parse_event_date("2026-04-27"), "".join(t).strip() or "x", ("Microsoft", "日本語 Corp"), "other")
        for i, t in enumerate(titles)
    ]
    check_invariants(EventTable(events, ids=True).plain(width), width)


SHIPPED_GOLDENS = [("list",), ("companies",), ("stats",)]


@pytest.mark.parametrize("width", [40, 80, 120])
@pytest.mark.parametrize("args", SHIPPED_GOLDENS, ids=["-".join(a) for a in SHIPPED_GOLDENS])
def test_shipped_store_goldens(args: tuple[str, ...], width: int) -> None:
    """The shipped store as a reader sees it. The data grows in parallel: regenerate with
    ``UPDATE_GOLDEN=1 pytest tests/test_layout.py -k goldens`` and read the files."""
    result = invoke_main(["-f", str(SHIPPED), *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    check_invariants(result.stdout, width)
    check_golden(f"shipped/{'-'.join(args)}-{width}.txt", result.stdout)


def test_the_hostile_long_title_keeps_every_word_at_80() -> None:
    store = load(HOSTILE)
    out = invoke_main(["-f", str(HOSTILE), "list"], env={"COLUMNS": "80"}).stdout
    found = _title_cells(out)
    assert found is not None
    titles, _, _ = found
    long_title = next(e.title for e in store.events if e.id == "long-title")
    assert " ".join(long_title.split()) in titles
