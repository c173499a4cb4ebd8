"""`timeline import`: real data (Present of AI), duplicates, provenance, bad input, round-trips."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.dates import parse_event_date
from timeline.importers._dedup import compatible, normalise_url, title_similarity, title_words
from timeline.model import Source
from timeline.store import _cache, load

from conftest import DATA, Runner, invoke_main, write

SAMPLE = DATA / "readme" / "presentofai-sample.csv"
ANALYST = DATA / "readme" / "analyst.yaml"
ALL = ("--new-companies", "--default-company", "Unattributed")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    target = tmp_path / "analyst.yaml"
    shutil.copy(ANALYST, target)
    return target


def review(run: Runner, store: Path, *args: str, width: int = 400) -> dict[int, str]:
    """The dry run's table as {row: "action date title detail"} (wide enough not to wrap)."""
    result = run("-f", str(store), "import", str(SAMPLE), "--dry-run", *args, env={"COLUMNS": str(width)})
    rows = {}
    for line in result.stdout.splitlines()[2:]:
        cells = [c.strip() for c in line.split("│")]
        rows[int(cells[0])] = " ".join(cells[1:])
    return rows


@pytest.mark.parametrize("width", [40, 69, 70, 80, 120, 160])
def test_the_review_fits_the_terminal_and_loses_no_text(run: Runner, store: Path, width: int) -> None:
    """A table when it fits without cutting a word (an event id is one: 68 cells here), else a
    list; either way within the width and every title whole."""
    from timeline.terminal._layout import cell_width

    result = run("-f", str(store), "import", str(SAMPLE), "--dry-run", *ALL, env={"COLUMNS": str(width)})
    lines = result.stdout.splitlines()
    assert all(cell_width(line) <= width for line in lines), max(lines, key=cell_width)
    if width >= 120:
        assert lines[0].split() == ["Row", "┃", "Action", "┃", "Date", "┃", "Title", "┃", "Event", "/", "reason"]
        assert len([line for line in lines[2:] if line.split("│")[0].strip()]) == 24
        titles = " ".join(line.split("│")[3].strip() for line in lines[2:])
    else:
        assert lines[0] == "Row Action Date"
        assert len([line for line in lines[1:] if not line.startswith(" ")]) == 24
        titles = " ".join(line.strip() for line in lines[1:] if line.startswith(" "))
    for title in ("Autonomous NATO strike drone picks targets with no human input", "Zoox Cleared to Expand Beyond"):
        assert title.replace(" ", "") in "".join(titles.split())  # words longer than a cell are folded


def test_real_duplicates_in_the_data_set_are_found_with_their_reason(run: Runner, store: Path) -> None:
    rows = review(run, store, *ALL)
    # 24316 (row 24) repeats 24424 (row 23): same Ars Technica URL, near-identical title, same day.
    assert rows[24].startswith("skip")
    assert (
        "us-military-nearly-attacked-ship-over-ai-2026: same source URL arstechnica.com/…cinated-ai-arms-report"
        in rows[24]
    )
    # 24691 (row 18, cnn.com, Sep 18) repeats 24366 (row 14, www.cnn.com, Sep 19).
    assert rows[18].startswith("skip")
    assert (
        "us-military-near-incident-after-ai-2026: same source URL cnn.com/…-false-intelligence-china-ship" in rows[18]
    )
    for row, first in (
        (22, "newsom-eo"),
        (19, "typesafe-ai-s-jev"),
        (25, "waymo-announces"),
        (26, "researchers-use-claude"),
    ):
        assert rows[row].startswith("skip") and first in rows[row], rows[row]
    # different events stay apart: Waymo's and Zoox's rows, the two Claude/OpenAI hack stories with other URLs
    assert rows[21].startswith("add") and rows[27].startswith("add")


def test_the_real_titles_are_near_identical_by_the_documented_measure() -> None:
    a = title_words("US military nearly attacked ship over AI hallucination")
    b = title_words("US military nearly attacked Chinese ship over AI hallucination")
    assert title_similarity(a, b) == pytest.approx(16 / 17)
    other = title_words("Waymo to launch driverless ride-hailing in Singapore in 2028")
    assert title_similarity(a, other) < 0.8
    assert normalise_url("https://www.cnn.com/2026/09/18/x/?utm_source=a#top") == normalise_url(
        "http://cnn.com/2026/09/18/x"
    )
    assert compatible(parse_event_date("2026-09"), parse_event_date("2026-09-18"))
    assert compatible(parse_event_date("2026-09-18"), parse_event_date("2026-09-19"))
    assert not compatible(parse_event_date("2026-09-18"), parse_event_date("2026-09-25"))


def test_an_import_then_a_second_one_adds_nothing(run: Runner, store: Path) -> None:
    first = run("-f", str(store), "import", str(SAMPLE), *ALL)
    assert first.exit_code == 0, first.output
    assert "added 17, merged 0 into existing events, skipped 7 as duplicates, rejected 0" in first.stderr
    after = store.read_bytes()
    loaded = load(store)
    assert len(loaded.events) == 17
    event = next(e for e in loaded.events if e.imported is not None and e.imported.id == "24811")
    assert event.imported == ("presentofai", "presentofai-sample.csv", "24811", 6, "2026-06-15")
    assert event.sources[0].publisher == "디지털투데이 (DigitalToday)"
    assert event.tags == ("terrestrial",) and event.companies == ("Unattributed",)
    second = run("-f", str(store), "import", str(SAMPLE), *ALL)
    assert second.exit_code == 0
    assert "added 0, merged 0 into existing events, skipped 24 as duplicates" in second.stderr
    assert store.read_bytes() == after
    listed = run("-f", str(store), "list", "--json")
    assert len(json.loads(listed.stdout)) == 17


def test_the_list_after_an_import_is_warm(store: Path, tmp_path: Path) -> None:
    assert invoke_main(["-f", str(store), "import", str(SAMPLE), *ALL]).exit_code == 0
    cached = _cache.read(tmp_path / "cache" / "timeline", store)
    assert cached is not None and cached.events == load(store).events


def test_a_dry_run_writes_nothing_and_takes_no_lock(run: Runner, store: Path) -> None:
    before = store.read_bytes()
    result = run("-f", str(store), "import", str(SAMPLE), "--dry-run", *ALL)
    assert result.exit_code == 0
    assert "would add 17, merge 0 into existing events, skip 7 as duplicates" in result.stderr
    assert store.read_bytes() == before
    assert not (store.parent / "analyst.yaml.lock").exists()


def test_unknown_companies_stop_the_import_with_counts_and_suggestions(
    run: Runner, store: Path, tmp_path: Path
) -> None:
    before = store.read_bytes()
    result = run("-f", str(store), "import", str(SAMPLE), "--default-company", "Microsoft")
    assert result.exit_code == 1
    assert "company names are not in the registry:" in result.stderr
    assert "  US Military (2 rows)" in result.stderr
    assert "Waymo (2 rows)" in result.stderr
    assert "register them with --new-companies" in result.stderr
    assert store.read_bytes() == before
    mapping = write(tmp_path / "map.yaml", "Googl: Google\n")
    mapped = run(
        "-f", str(store), "import", str(SAMPLE), "--company-map", str(mapping), "--filter", "actor=Googl,Google"
    )
    assert mapped.exit_code == 0, mapped.output
    typo = write(tmp_path / "typo.csv", "date,title,companies\n2026-01-05,A,Googel\n")
    suggestion = run("-f", str(store), "import", str(typo))
    assert "Googel (1 row) (did you mean 'Google'?)" in suggestion.stderr


def test_filters_and_materiality_on_the_0_to_100_scale(run: Runner, store: Path) -> None:
    rows = review(run, store, *ALL, "--filter", "realm=virtual", "--filter", "materiality>=70")
    assert set(rows) == {10, 12, 17, 23, 26, 27}  # the virtual rows scored 70 or more


def test_on_conflict_update_merges_sources_and_never_changes_the_date(run: Runner, store: Path, tmp_path: Path) -> None:
    assert run("-f", str(store), "import", str(SAMPLE), *ALL).exit_code == 0
    later = write(
        tmp_path / "later.csv",
        "id,date,title,companies,url,tags\n"
        ",2026-09-20,Researchers use Claude to breach OpenAI's core codebase,OpenAI,https://example.org/more,security\n",
    )
    skipped = run("-f", str(store), "import", str(later))
    assert "skipped 1 as duplicates" in skipped.stderr
    dry = run("-f", str(store), "import", str(later), "--on-conflict", "update", "--dry-run", env={"COLUMNS": "300"})
    assert "date kept as 2026-09-18, the file says 2026-09-20" in dry.stdout
    assert run("-f", str(store), "import", str(later), "--on-conflict", "update").exit_code == 0
    event = load(store).event("researchers-use-claude-to-breach-openai-s-2026")
    assert event is not None and str(event.date) == "2026-09-18"
    assert [s.url for s in event.sources][-1] == "https://example.org/more"
    assert event.tags == ("virtual", "security")
    failed = run("-f", str(store), "import", str(later), "--on-conflict", "fail")
    assert failed.exit_code == 1 and "later.csv:2:1: error: duplicate of researchers-use-claude" in failed.stderr


def test_every_bad_row_is_reported_at_once_and_nothing_is_written(run: Runner, store: Path, tmp_path: Path) -> None:
    bad = write(
        tmp_path / "bad.csv",
        "date,title,companies,kind,url\n"
        "2026-02-30,Bad day,OpenAI,other,https://example.org/a\n"
        '2026-03-01,"Quoted\nline break",OpenAI,nonsense,https://example.org/b\n'
        "04/05/2026,Ambiguous,OpenAI,other,ftp://example.org/c\n"
        "2026-04,Good month,OpenAI,other,https://example.org/d\n",
    )
    before = store.read_bytes()
    result = run("-f", str(store), "import", str(bad))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"{bad}:2:1: error: invalid date '2026-02-30': February 2026 has 28 days, not 30" in lines
    assert any(line.startswith(f"{bad}:3:4: error: unknown kind 'nonsense'") for line in lines)
    assert any(line.startswith(f"{bad}:4:1: error: ambiguous date '04/05/2026'") for line in lines)
    assert any(line.startswith(f"{bad}:4:5: error: source url 'ftp://") for line in lines)
    assert "nothing was imported; --skip-bad imports the good rows" in lines
    assert store.read_bytes() == before
    good = run("-f", str(store), "import", str(bad), "--skip-bad")
    assert good.exit_code == 0 and "added 1," in good.stderr
    event = next(e for e in load(store).events if e.title == "Good month")
    assert event.date.precision == "month"


def _json_rows(path: Path, *rows: dict[str, object]) -> Path:
    base = {"date": "2026-05-01", "companies": ["OpenAI"], "sources": ["https://example.org/a"]}
    path.write_text(json.dumps([{**base, **row} for row in rows]), encoding="utf-8")
    return path


def test_source_texts_are_imported_as_the_store_holds_them_and_the_dry_run_agrees(
    run: Runner, store: Path, tmp_path: Path
) -> None:
    """A source title on two lines becomes one line and a blank publisher none, as an event
    title's line breaks do: the store refuses both. The dry run said "would add" and then the
    write failed, pointing at a line of a text it never wrote."""
    source = {"url": "https://example.org/a", "title": "two\nlines", "publisher": "  ", "note": "a\r\nb"}
    rows = _json_rows(tmp_path / "in.json", {"title": "Broken source", "sources": [source]})
    dry = run("-f", str(store), "import", str(rows), "--dry-run")
    assert dry.exit_code == 0 and "would add 1," in dry.stderr
    result = run("-f", str(store), "import", str(rows))
    assert result.exit_code == 0, result.stderr
    assert "added 1," in result.stderr
    event = next(e for e in load(store).events if e.title == "Broken source")
    assert event.sources == (Source("https://example.org/a", "two lines", None, "a b"),)
    assert run("-f", str(store), "validate").exit_code == 0


def test_a_record_id_must_be_one_line_and_a_blank_one_is_none(run: Runner, store: Path, tmp_path: Path) -> None:
    rows = _json_rows(
        tmp_path / "ids.json",
        {"title": "Broken id", "record_id": "two\nlines"},
        {"title": "Blank id", "record_id": "  ", "date": "2026-05-02", "sources": ["https://example.org/b"]},
        {"title": "Spaced id", "record_id": " r5 ", "date": "2026-05-03", "sources": ["https://example.org/c"]},
    )
    before = store.read_bytes()
    result = run("-f", str(store), "import", str(rows))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{rows}:1:1: error: the record id 'two\\\\x0alines' must be a single line",
        "nothing was imported; --skip-bad imports the good rows",
    ]
    assert store.read_bytes() == before
    assert "added 2," in run("-f", str(store), "import", str(rows), "--skip-bad").stderr
    imported = {e.title: e.imported for e in load(store).events if e.imported is not None}
    assert imported["Blank id"].id is None and imported["Blank id"].row == 2
    assert imported["Spaced id"].id == "r5"
    assert "skipped 2 as duplicates" in run("-f", str(store), "import", str(rows), "--skip-bad").stderr


def test_a_file_whose_name_is_not_one_line_is_refused(run: Runner, store: Path, tmp_path: Path) -> None:
    """Its name is each event's imported.file, which the store holds on one line."""
    rows = _json_rows(tmp_path / "a\nb.json", {"title": "Named"})
    before = store.read_bytes()
    for dry in ((), ("--dry-run",)):
        result = run("-f", str(store), "import", str(rows), *dry)
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [
            f"usage error: cannot import {tmp_path}/a\\x0ab.json: its name is recorded in each event and must be one line"
        ]
    assert store.read_bytes() == before


@pytest.mark.parametrize("scanned", [True, False], ids=["line scan", "composed"])
def test_a_value_the_store_refuses_is_reported_by_its_event_and_then_by_its_row(tmp_path: Path, scanned: bool) -> None:
    """The writer's last check reads the new lines back with the store's parser. If a value got
    past the rows' checks that the store refuses, the error names the event (and an import, the
    row it came from), never a line of the text that was not written."""
    from timeline.edit._bulk import BulkEdit, apply
    from timeline.errors import UnwritableEvents
    from timeline.importers import ImportOptions, _located, plan_import

    text, store = ANALYST.read_text(encoding="utf-8"), load(ANALYST)
    rows = _json_rows(
        tmp_path / "in.json", {"title": "Fine"}, {"title": "Refused", "sources": ["https://example.org/r"]}
    )
    plan = plan_import(rows, store, ImportOptions(today="2026-12-02"))
    fine, refused = plan.added
    refused = refused._replace(sources=(Source("https://example.org/a", "two\nlines"),))
    ids = {e.id for e in store.events} if scanned else None
    with pytest.raises(UnwritableEvents) as caught:
        apply(text, BulkEdit([fine, refused]), store.registry, str(ANALYST), ids)
    assert caught.value.problems == ((refused.id, "source title must be a single line"),)
    assert str(_located(plan, caught.value)).splitlines() == [f"{rows}:2:1: error: source title must be a single line"]


def test_dates_keep_their_precision_and_ambiguous_ones_need_an_order(run: Runner, store: Path, tmp_path: Path) -> None:
    dates = write(
        tmp_path / "d.csv",
        "date,title,companies\n2026,Year,OpenAI\nApril 2026,Month words,OpenAI\n"
        "2026-06-05T10:00:00Z,Timestamp,OpenAI\n04/05/2026,Slashes,OpenAI\n",
    )
    assert run("-f", str(store), "import", str(dates), "--date-order", "dmy").exit_code == 0
    got = {e.title: str(e.date) for e in load(store).events}
    assert got == {"Year": "2026", "Month words": "2026-04", "Timestamp": "2026-06-05", "Slashes": "2026-05-04"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"date,title,companies\n2026-01-01,Caf\xe9,OpenAI\n", ":2:15: error: byte 0xe9 is not UTF-8 text"),
        (b"date;title;companies\n2026-01-01;A;OpenAI\n", ":1:1: error: the header is one column holding semicolons"),
        (b"date,companies\n2026-01-01,OpenAI\n", ":1:1: error: missing required column 'title'"),
        (b"date,title,companies\n2026-01-01,A\x00,OpenAI\n", ":2:13: error: the file contains NUL bytes"),
        (b"date,title,companies\n2026-01-01,A,OpenAI,extra\n", ":2:4: error: this row has 4 cells, the header has 3"),
    ],
)
def test_hostile_files_get_a_located_error(
    run: Runner, store: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    result = run("-f", str(store), "import", str(path))
    assert result.exit_code == 1
    assert f"{path}{message}" in result.stderr
    assert "Traceback" not in result.output


def test_a_huge_file_is_refused_before_it_is_read(run: Runner, store: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(65 * 1024 * 1024)  # sparse: costs no disk
    result = run("-f", str(store), "import", str(path))
    assert result.exit_code == 1 and "imports are capped at 64 MiB" in result.stderr


def test_formulas_markup_and_escapes_are_stored_literally(run: Runner, store: Path, tmp_path: Path) -> None:
    hostile = write(
        tmp_path / "h.csv",
        "date,title,companies,summary\n"
        '2026-01-02,=HYPERLINK("http://evil.example"),OpenAI,<script>alert(1)</script>\n'
        '2026-01-03,Red \x1b[31mtext\x1b[0m,OpenAI,"{{ template }} ${HOME}"\n',
    )
    assert run("-f", str(store), "import", str(hostile)).exit_code == 0
    events = {e.date.start.day: e for e in load(store).events}
    assert events[2].title == '=HYPERLINK("http://evil.example")' and events[2].summary == "<script>alert(1)</script>"
    assert events[3].title == "Red \x1b[31mtext\x1b[0m" and events[3].summary == "{{ template }} ${HOME}"
    shown = run("-f", str(store), "list", "--view", "compact")
    assert "\x1b[31m" not in shown.stdout and "\\x1b[31m" in shown.stdout
    exported = run("-f", str(store), "export", "--format", "csv")
    assert "'=HYPERLINK" in exported.stdout


def test_imports_go_in_chronological_order_in_the_file_s_style(run: Runner, tmp_path: Path) -> None:
    target = tmp_path / "sample.yaml"
    shutil.copy(DATA / "sample.yaml", target)
    before = target.read_text()
    rows = write(
        tmp_path / "r.csv",
        "date,title,companies,url\n2025-01-10,Sample Labs opens an office,SL,https://example.org/office\n",
    )
    assert run("-f", str(target), "import", str(rows)).exit_code == 0
    after = target.read_text()
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added[1] == "    date: 2025-01-10" and added[0].startswith("  - id: sample-labs-opens-an-office-2025")
    removed = [line for line in before.splitlines() if line not in after.splitlines()]
    assert removed == []
    ids = [e.id for e in load(target).events]
    assert ids == sorted(ids, key=lambda i: next(e.sort_key for e in load(target).events if e.id == i))


# --- round-trips of our own exports ------------------------------------------------------------

_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn")), min_size=1, max_size=30
).filter(lambda t: t.strip() == t and t != "")
_SLUG = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)


@st.composite
def _date(draw: st.DrawFn) -> str:
    year = draw(st.integers(1990, 2030))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    text = str(year)
    if precision != "year":
        text += f"-{draw(st.integers(1, 12)):02d}"
    if precision == "day":
        text += f"-{draw(st.integers(1, 28)):02d}"
    text += draw(st.sampled_from(["", "", "~", "?", "%"]))
    if draw(st.booleans()) and precision == "year" and not text.endswith(("~", "?", "%")):
        text += f"/{year + draw(st.integers(0, 3))}"
    return text


@st.composite
def _store(draw: st.DrawFn) -> dict[str, object]:
    companies = ["Example Corp", "Sample Labs", "Ünïcode Labs", "東京 AI"]
    ids = draw(st.lists(_SLUG, min_size=1, max_size=6, unique=True))
    events = []
    for event_id in ids:
        sources = draw(st.lists(st.integers(0, 50), max_size=3, unique=True))
        events.append(
            {
                "id": event_id,
                "date": draw(_date()),
                "title": draw(_TEXT),
                "companies": draw(st.lists(st.sampled_from(companies), min_size=1, max_size=2, unique=True)),
                "kind": draw(st.sampled_from(["partnership", "funding", "other", "model-release"])),
                "tags": draw(st.lists(_SLUG, max_size=3, unique=True)),
                "summary": draw(st.one_of(st.none(), _TEXT)),
                "sources": [{"url": f"https://example.org/{n}?q={n},x", "title": "T, " + str(n)} for n in sources],
                "related": draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)),
            }
        )
    return {"version": 1, "companies": [{"name": c} for c in companies], "events": events}


def _roundtrip(tmp_path: Path, document: dict[str, object], fmt: str) -> tuple[list[object], list[object]]:
    folder = Path(os.urandom(6).hex())
    folder.mkdir()
    original = write(folder / "store.yaml", json.dumps(document, ensure_ascii=False))
    out = folder / f"out.{ {'timelinejs': 'json'}.get(fmt, fmt) }"
    exported = invoke_main(["-f", str(original), "export", "--format", fmt, "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    names = "".join(f"  - name: {json.dumps(c['name'], ensure_ascii=False)}\n" for c in document["companies"])  # type: ignore[attr-defined]
    empty = write(folder / "empty.yaml", f"version: 1\ncompanies:\n{names}events: []\n")
    result = invoke_main(["-f", str(empty), "import", str(out)])
    assert result.exit_code == 0, result.output
    return list(load(original).events), [e._replace(imported=None) for e in load(empty).events]


@pytest.mark.parametrize("fmt", ["json", "ics", "timelinejs"])
def test_ids_yaml_would_read_as_other_types_are_written_quoted(tmp_path: Path, fmt: str) -> None:
    """Imported ids (from an iCalendar UID, say) such as `on`, `2024` or `2024-01-02` would load
    as a yes/no value, a number or a date if written plain: the import writes them quoted."""
    ids = ["on", "no", "2024", "2024-01-02", "null", "1e5"]
    document = {
        "version": 1,
        "companies": [{"name": "Example Corp"}],
        "events": [
            {"id": i, "date": "2020-01-01", "title": f"Event {i}", "companies": ["Example Corp"], "kind": "other",
             "related": [ids[(n + 1) % len(ids)]]}
            for n, i in enumerate(ids)
        ],
    }  # fmt: skip
    before, after = _roundtrip(tmp_path, document, fmt)
    assert sorted(e.id for e in after) == sorted(ids)  # type: ignore[attr-defined]
    assert after == before  # related links to such ids included


@pytest.mark.parametrize("fmt", ["json", "ics", "timelinejs"])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_store())
def test_an_export_imports_back_as_the_same_events(tmp_path: Path, fmt: str, document: dict[str, object]) -> None:
    """ids, dates with precision and qualifiers, companies, tags, kinds, sources, related."""
    before, after = _roundtrip(tmp_path, document, fmt)
    assert after == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_store())
def test_a_csv_export_imports_back_with_what_csv_carries(tmp_path: Path, document: dict[str, object]) -> None:
    """CSV has one URL column and no related ids: those are what it cannot carry. And it never
    carries a raw control or format character (issue 17: every export shows them as the terminal
    does, ``\\xad``), so text comes back as it was shown."""
    before, after = _roundtrip(tmp_path, document, "csv")

    def shown(text: str) -> str:
        from timeline.text import visible

        return visible(text.replace("\r\n", "\n"), keep_newlines=True)

    def carried(event: object) -> object:
        from timeline.model import Event, Source

        assert isinstance(event, Event)
        return event._replace(
            title=shown(event.title),
            summary=shown(event.summary) if event.summary else event.summary,
            sources=tuple(Source(s.url) for s in event.sources[:1]),
            related=(),
        )

    assert [carried(e) for e in after] == [carried(e) for e in before]


# --- the bulk writer: finding events by their lines gives the same file as composing it -------


@pytest.mark.parametrize("name", ["sample.yaml", "events.yaml", "hostile.yaml"])
def test_the_line_scan_writes_what_composing_the_store_writes(name: str) -> None:
    from timeline.dates import parse_event_date
    from timeline.edit._bulk import BulkEdit, apply
    from timeline.model import Event, Imported, Source
    from timeline.store import load_text

    path = DATA / name if name != "events.yaml" else Path(__file__).resolve().parent.parent / "events.yaml"
    text = path.read_text(encoding="utf-8")
    store = load_text(text, name)
    company = store.registry.companies[0].name
    new = [
        Event(
            f"zz-imported-{i}",
            parse_event_date(d),
            f"New event {i}: a 'title', with \"quotes\"",
            (company,),
            "other",
            ("imported",),
            "Line one\nline two",
            (Source("https://example.org/a?b=1,2", "T", "P"),),
            (),
            Imported("csv", "x.csv", None, i + 2, "2026-06-15"),
        )
        for i, d in enumerate(["1999", "2024-06", "2025-01-15", "2030-12-31/2031"])
    ]
    first = store.events[len(store.events) // 2]
    merged = first._replace(tags=(*first.tags, "merged"), sources=(*first.sources, Source("https://example.org/m")))
    edit = BulkEdit(new, [merged], ["Brand New Co"])
    scanned = apply(text, edit, store.registry, name, {e.id for e in store.events})
    composed = apply(text, edit, store.registry, name)
    assert scanned == composed
    after = load_text(scanned, name)
    assert {e.id for e in after.events} == {e.id for e in store.events} | {e.id for e in new}
    assert after.event(first.id) == merged
    assert [e for e in after.events if e.id.startswith("zz-imported-")] == sorted(new, key=lambda e: e.sort_key)


def test_into_a_folder_store_events_go_to_the_file_of_their_year(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    write(
        folder / "2025.yaml",
        "version: 1\ncompanies:\n  - name: OpenAI\nevents:\n  - id: old\n    date: 2025-05-01\n"
        "    title: Old\n    companies: [OpenAI]\n    kind: other\n",
    )
    before = (folder / "2025.yaml").read_text()
    rows = write(
        tmp_path / "r.csv",
        "date,title,companies,url\n2025-01-02,Early,OpenAI,https://example.org/1\n"
        "2026-03-04,Next year,New Co,https://example.org/2\n",
    )
    result = invoke_main(["-f", str(folder), "import", str(rows), "--new-companies"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["2025.yaml", "2026.yaml"]
    first = (folder / "2025.yaml").read_text()
    assert first.index("title: Early") < first.index("id: old") and "  - name: New Co" in first
    assert all(line in first.splitlines() for line in before.splitlines())
    assert "title: Next year" in (folder / "2026.yaml").read_text()
    store = load(folder)
    assert [e.title for e in store.events] == ["Early", "Old", "Next year"]
    assert _cache.read(tmp_path / "cache" / "timeline", folder) is not None  # the next list is warm
    again = invoke_main(["-f", str(folder), "import", str(rows), "--new-companies"])
    assert "added 0," in again.stderr and load(folder).events == store.events


def test_a_column_map_reads_someone_else_s_spreadsheet(run: Runner, store: Path, tmp_path: Path) -> None:
    sheet = write(
        tmp_path / "sheet.csv",
        "When,Headline,Who,Link,Notes\n2026-05,Alphabet opens a lab,Alphabet,https://example.org/lab,ignored\n",
    )
    result = run(
        "-f",
        str(store),
        "import",
        str(sheet),
        "--map",
        "When=date",
        "--map",
        "Headline=title",
        "--map",
        "Who=companies",
        "--map",
        "Link=url",
    )
    assert result.exit_code == 0, result.output
    assert "ignored columns: Notes" in result.stderr
    event = load(store).events[0]
    assert (str(event.date), event.companies, event.sources[0].url) == (
        "2026-05",
        ("Google",),
        "https://example.org/lab",
    )
    assert event.imported is not None and event.imported.row == 2 and event.imported.origin == "csv"
    bad = run("-f", str(store), "import", str(sheet), "--map", "When=day")
    assert bad.exit_code == 2 and "--map: unknown field 'day'" in bad.stderr


def test_materiality_is_read_on_the_0_to_100_scale() -> None:
    from timeline.importers._filter import parse_filter
    from timeline.importers.presentofai import materiality

    assert (materiality("72"), materiality("0.72"), materiality("1"), materiality("high")) == (72, 72, 1, None)
    assert parse_filter("materiality>=70").passes({"materiality": "0.72"})
    assert not parse_filter("materiality>=70").passes({"materiality": "69"})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40) | st.from_regex(r"[A-Za-z][a-z]{0,5}( [A-Za-z0-9:#'\"%&*!~-]{0,6}){1,4}", fullmatch=True))
def test_the_writer_s_fast_quoting_is_the_editor_s_quoting(text: str) -> None:
    from timeline.edit._bulk import _text
    from timeline.edit._yamltext import quote

    assert _text(text) == quote(text)


def test_formula_like_cells_of_a_csv_export_import_back_as_their_text(tmp_path: Path) -> None:
    titles = ["=SUM(A1)", "'=quoted already", "''two quotes", "-1 point", "+plus", "@at", "'plain quote"]
    events = [
        {"id": f"e{i}", "date": "2026-01-0" + str(i + 1), "title": t, "companies": ["OpenAI"], "kind": "other"}
        for i, t in enumerate(titles)
    ]
    store = write(tmp_path / "s.yaml", json.dumps({"version": 1, "companies": [{"name": "OpenAI"}], "events": events}))
    assert invoke_main(["-f", str(store), "export", "-F", "csv", "-o", str(tmp_path / "out.csv")]).exit_code == 0
    empty = write(tmp_path / "e.yaml", "version: 1\ncompanies:\n  - name: OpenAI\nevents: []\n")
    assert invoke_main(["-f", str(empty), "import", str(tmp_path / "out.csv")]).exit_code == 0
    assert [e.title for e in load(empty).events] == titles


def test_an_edit_right_after_an_import_uses_the_imported_order(store: Path, tmp_path: Path) -> None:
    """The entry an import writes lists each file's ids in file order, as a full load does:
    the edit that follows finds its block from it."""
    assert invoke_main(["-f", str(store), "import", str(SAMPLE), *ALL]).exit_code == 0
    cached = _cache.read(tmp_path / "cache" / "timeline", store)
    assert cached is not None and cached.order == load(store).order
    event = load(store).events[-1]
    edited = invoke_main(["-f", str(store), "edit", event.id, "--set", "title=Edited after import"])
    assert edited.exit_code == 0, edited.stderr
    after = load(store)
    assert next(e for e in after.events if e.id == event.id).title == "Edited after import"
    assert len(after.events) == len(load(store).events)
