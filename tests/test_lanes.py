"""`list --view lanes`: who did what when, one lane per company, kind or tag on one time axis."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from timeline.terminal._layout import cell_width

from conftest import DATA, Runner, invoke_main, write
from golden import check_golden

SHIPPED_ARGS = ["-c", "Microsoft", "-c", "OpenAI", "-c", "Google", "-c", "Anthropic", "-c", "Meta", "--since", "2023"]
SGR = re.compile(r"\x1b\[[0-9;]*m")


def lanes(text: str) -> dict[str, str]:
    """Lane label -> the row of cells between the two rails, from a plain lanes view."""
    rows = {}
    for line in text.splitlines():
        match = re.fullmatch(r"(.*?) +│(.*)│ *\d+", line)
        if match:
            rows[match[1]] = match[2]
    return rows


def axis_labels(text: str) -> str:
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[index + 1]


@pytest.mark.parametrize("width", [80, 120])
def test_golden_lanes_of_five_companies_on_the_shipped_store(run: Runner, width: int) -> None:
    """Read by a person: tests/golden/views/lanes-shipped-{80,120}.txt (UPDATE_GOLDEN=1 rewrites)."""
    result = run("list", "--view", "lanes", *SHIPPED_ARGS, env={"COLUMNS": str(width), "TIMELINE_NOW": "2026-11-26"})
    assert result.exit_code == 0, result.stderr
    check_golden(f"views/lanes-shipped-{width}.txt", result.stdout)
    rows = lanes(result.stdout)
    assert set(rows) == {"Microsoft", "OpenAI", "Google", "Anthropic", "Meta"}
    counts = [int(line.rsplit("│", 1)[1]) for line in result.stdout.splitlines() if re.match(r".*│.*│ *\d+$", line)]
    assert counts == sorted(counts, reverse=True)  # busiest lane first
    assert all(cell_width(line) <= width for line in result.stdout.splitlines())
    assert axis_labels(result.stdout).split()[0] == "2023"  # --since zooms the axis to 2023


@pytest.mark.parametrize("width", [40, 80])
def test_golden_lanes_of_the_sample_store(run: Runner, sample: Path, width: int) -> None:
    result = run("-f", str(sample), "list", "--view", "lanes", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    check_golden(f"views/lanes-sample-{width}.txt", result.stdout)


STORES = [DATA / "sample.yaml", DATA / "hostile.yaml", Path(__file__).parent.parent / "events.yaml"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    width=st.integers(20, 250),
    colour=st.booleans(),
    store=st.sampled_from(STORES),
    by=st.sampled_from(["company", "kind", "tag"]),
)
@example(width=20, colour=False, store=STORES[2], by="company")
@example(width=250, colour=True, store=STORES[2], by="tag")
@example(width=20, colour=True, store=STORES[1], by="tag")
def test_no_line_is_wider_than_the_terminal(width: int, colour: bool, store: Path, by: str) -> None:
    env = {"COLUMNS": str(width), **({"FORCE_COLOR": "1"} if colour else {})}
    result = invoke_main(["-f", str(store), "list", "--view", "lanes", "--lane-by", by], env=env)
    assert result.exit_code == 0, result.stderr
    text = SGR.sub("", result.stdout)
    assert ("\x1b[" in result.stdout) == colour
    for line in text.splitlines():
        assert cell_width(line) <= width, (width, line)
    assert "└" in text  # the axis is always drawn


PRECISION_STORE = """\
version: 1
companies:
  - name: Day Co
  - name: Month Co
  - name: Year Co
  - name: Approx Co
  - name: Unsure Co
  - name: Twice Co
  - name: Span Co
events:
  - {id: d, date: 2025-04-01, title: A day, companies: [Day Co], kind: other}
  - {id: m, date: 2025-07, title: A month, companies: [Month Co], kind: other}
  - {id: y, date: "2025", title: A year, companies: [Year Co], kind: other}
  - {id: a, date: 2025-10-01~, title: About a day, companies: [Approx Co], kind: other}
  - {id: u, date: 2025-10?, title: Perhaps a month, companies: [Unsure Co], kind: other}
  - {id: t1, date: 2025-01-10, title: First of two, companies: [Twice Co], kind: other}
  - {id: t2, date: 2025-01-10, title: Second of two, companies: [Twice Co], kind: other}
  - {id: s, date: 2025-02-01/2025-02-28, title: Four weeks, companies: [Span Co], kind: other}
"""


def _position(row: str, start: int) -> float:
    return start / len(row)


def test_precision_is_drawn_as_recorded(run: Runner, tmp_path: Path) -> None:
    store = write(tmp_path / "p.yaml", PRECISION_STORE)
    result = run("-f", str(store), "list", "--view", "lanes", "--since", "2025", "--until", "2025", env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.stderr
    rows = lanes(result.stdout)
    day, month, year = rows["Day Co"], rows["Month Co"], rows["Year Co"]
    assert day.count("●") == 1 and set(day) == {"●", "·"}
    assert abs(_position(day, day.index("●")) - 90 / 365) < 0.03  # April 1 is day 90 of 365
    bar = month.strip("·")
    assert set(bar) == {"━"} and abs(len(bar) / len(month) - 31 / 365) < 0.03  # July, to scale
    assert abs(_position(month, month.index("━")) - 181 / 365) < 0.03
    assert set(year) == {"░"}  # a year is a faint span over the whole axis
    assert rows["Approx Co"].strip("·") == "~"
    assert rows["Unsure Co"].strip("·").startswith("?━")  # uncertain month: marked, still a month long
    assert rows["Twice Co"].strip("·") == "2"  # two events in one cell: a count
    assert re.fullmatch("●═+", rows["Span Co"].strip("·"))  # an interval of days spans its days
    legend = result.stdout.split("ten or more", 1)[1]
    for event_id, glyph in [("d", "●"), ("m", "━"), ("y", "░"), ("a", "~"), ("u", "?"), ("s", "●")]:
        assert re.search(rf"^ *\d+ {re.escape(glyph)} .*  {event_id}$", legend, re.M), event_id


def test_since_and_until_zoom_the_axis(run: Runner, tmp_path: Path) -> None:
    store = write(tmp_path / "p.yaml", PRECISION_STORE)
    result = run("-f", str(store), "list", "--view", "lanes", "--on", "2025-07", env={"COLUMNS": "80"})
    rows = lanes(result.stdout)
    assert set(rows["Month Co"]) == {"━"}  # zoomed to July, the month fills the lane
    assert set(rows["Year Co"]) == {"░"}
    assert "Day Co" not in rows  # April is outside the range
    assert result.stdout.startswith("2025-07-01 to 2025-07-31 · 2 events")


@pytest.mark.parametrize(
    ("width", "since", "until", "shown", "absent"),
    [
        (120, "2025", "2025", ["Feb", "Jun", "Dec"], ["Q2", "2024"]),
        (40, "2025", "2025", ["Q2", "Q4"], ["Feb"]),
        (120, "2023", "2026", ["2024", "2025", "Q3"], ["Feb"]),
        (40, "2014", "2026", ["2015", "2020", "2025"], ["2016", "Q2", "Feb"]),  # every 5 years
    ],
)
def test_axis_ticks_are_chosen_for_the_width(
    run: Runner, tmp_path: Path, width: int, since: str, until: str, shown: list[str], absent: list[str]
) -> None:
    store = write(tmp_path / "p.yaml", PRECISION_STORE.replace("2025-04-01", "2014-04-01"))
    result = run(
        "-f", str(store), "list", "--view", "lanes", "--since", since, "--until", until, env={"COLUMNS": str(width)}
    )
    words = axis_labels(result.stdout).split()
    assert all(w in words for w in shown), words
    assert not any(w in words for w in absent), words
    assert len(words) >= 2


def test_subsidiaries_fold_into_their_parent_unless_exact(run: Runner, sample: Path) -> None:
    folded = lanes(run("-f", str(sample), "list", "--view", "lanes", env={"COLUMNS": "80"}).stdout)
    assert set(folded) == {"Example Corp", "Sample Labs", "Other Inc"}
    exact = run("-f", str(sample), "list", "--view", "lanes", "--exact-company", env={"COLUMNS": "80"}).stdout
    assert set(lanes(exact)) == {"Example Corp", "Example Cloud", "Sample Labs", "Other Inc"}
    assert "example-cloud-region-2026" in exact.split("ten or more")[1]


def test_named_companies_are_the_lanes(run: Runner, sample: Path) -> None:
    result = run("-f", str(sample), "list", "--view", "lanes", "-c", "EXMP", env={"COLUMNS": "80"})
    assert list(lanes(result.stdout)) == ["Example Corp"]  # alias resolved, Other Inc's lawsuit kept in it
    assert "other-lawsuit-2026" in result.stdout
    exact = run("-f", str(sample), "list", "--view", "lanes", "-c", "Example Corp", "--exact-company")
    assert "example-cloud-region-2026" not in exact.stdout  # the subsidiary's own event is not Example Corp's
    table = run("-f", str(sample), "list", "-c", "Example Corp", "--exact-company")
    assert "Example Cloud opens" not in table.stdout and "Example Summit" in table.stdout


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("count", ["Example Corp", "Sample Labs", "Other Inc"]),
        ("name", ["Example Corp", "Other Inc", "Sample Labs"]),
        ("first", ["Example Corp", "Sample Labs", "Other Inc"]),
    ],
)
def test_lane_order(run: Runner, sample: Path, order: str, expected: list[str]) -> None:
    result = run("-f", str(sample), "list", "--view", "lanes", "--lane-order", order, env={"COLUMNS": "80"})
    assert list(lanes(result.stdout)) == expected


def test_lanes_by_kind_and_by_tag(run: Runner, sample: Path) -> None:
    by_kind = lanes(run("-f", str(sample), "list", "--view", "lanes", "--lane-by", "kind").stdout)
    assert set(by_kind) == {"partnership", "model-release", "investment", "conference", "infrastructure", "leadership", "legal"}
    by_tag = run("-f", str(sample), "list", "--view", "lanes", "--lane-by", "tag", "--lane-order", "name").stdout
    assert list(lanes(by_tag)) == ["(no tag)", "cloud", "conference", "funding", "licensing", "models"]


def test_the_legend_traces_every_mark_to_an_event_id(run: Runner, sample: Path) -> None:
    result = run("-f", str(sample), "list", "--view", "lanes", env={"COLUMNS": "80"})
    legend = result.stdout.split("ten or more", 1)[1]
    from timeline.store import load

    for number, event in enumerate(load(sample).events, 1):
        assert re.search(rf"^ *{number} . {re.escape(event.date.short())}  .*{event.id}$", legend, re.M), event.id


def test_too_many_events_list_the_busiest_cells(run: Runner, tmp_path: Path) -> None:
    events = "".join(
        f"  - {{id: e{n}, date: 2025-{1 + n % 12:02d}-{1 + n % 3:02d}, title: Event {n}, companies: [A], kind: other}}\n"
        for n in range(90)
    )
    store = write(tmp_path / "many.yaml", "version: 1\ncompanies:\n  - name: A\nevents:\n" + events)
    result = run("-f", str(store), "list", "--view", "lanes", env={"COLUMNS": "80"})
    shown = re.search(r"90 events, too many to list here; the (\d+) busiest cells", result.stdout)
    assert shown is not None and int(shown[1]) == 12  # 12 months x 3 days: 12 cells of several events
    first = re.search(r"^ 1  A  (\S+) to (\S+)  (\d+) events\n +(.*)$", result.stdout, re.M)
    assert first is not None
    assert int(first[3]) == len(first[4].split(", ")) >= 2
    assert int(first[3]) >= int(re.findall(r"^ *12  A  .*  (\d+) events", result.stdout, re.M)[0])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lane-by", "year"], "--lane-by: 'year' is not one of company, kind, tag"),
        (["--lane-order", "size"], "--lane-order: 'size' is not one of count, name, first"),
        (["--view", "table", "--lane-by", "kind"], "--lane-by needs --view lanes"),
        (["--view", "timeline", "--lane-order", "name"], "--lane-order needs --view lanes"),
    ],
)
def test_bad_lane_options_are_usage_errors(run: Runner, sample: Path, args: list[str], message: str) -> None:
    result = run("-f", str(sample), "list", *(args if "--view" in args else ["--view", "lanes", *args]))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
