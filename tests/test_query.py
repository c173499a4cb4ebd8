"""Filters and ordering, seen through `timeline list` as a user would use it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.dates import DateSyntaxError, days_in_month, parse_event_date
from timeline.model import Event, Registry
from timeline.query import Query, select
from timeline.store import load

from conftest import Runner


def ids(run: Runner, sample: Path, *args: str, env: dict[str, str] | None = None) -> list[str]:
    result = run("-f", str(sample), "list", "--json", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return [event["id"] for event in json.loads(result.stdout)]


ALL = [
    "example-sample-partnership-2024",
    "sample-model-one-2024",
    "example-invests-sample-2025",
    "example-summit-2025",
    "sample-ceo-change-2026",
    "example-cloud-region-2026",
    "other-lawsuit-2026",
]


def test_default_order_is_chronological(run: Runner, sample: Path) -> None:
    assert ids(run, sample) == ALL


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # company: any of, aliases, case-insensitive, subsidiaries
        (
            ["-c", "Sample Labs"],
            [
                "example-sample-partnership-2024",
                "sample-model-one-2024",
                "example-invests-sample-2025",
                "sample-ceo-change-2026",
            ],
        ),
        (
            ["-c", "sl"],
            [
                "example-sample-partnership-2024",
                "sample-model-one-2024",
                "example-invests-sample-2025",
                "sample-ceo-change-2026",
            ],
        ),
        (["-c", "example cloud"], ["example-cloud-region-2026"]),
        (["-c", "EXMP", "--on", "2026"], ["example-cloud-region-2026", "other-lawsuit-2026"]),
        (["-c", "Other Inc", "-c", "Example Cloud"], ["example-cloud-region-2026", "other-lawsuit-2026"]),
        (
            ["-c", "Example Corp", "-c", "Sample Labs", "--all-companies"],
            ["example-sample-partnership-2024", "example-invests-sample-2025"],
        ),
        # month precision overlaps: an April 2026 event is in "--since 2026-04-15" and "--until 2026-04-01"
        (["--since", "2026-04-15", "--until", "2026-04-30"], ["sample-ceo-change-2026"]),
        (["--until", "2026-04-01", "--since", "2026-01"], ["sample-ceo-change-2026"]),
        (["--until", "2026-04"], ALL[:6]),
        # year precision: a ~2025 event overlaps any 2025 range, but is not within it
        (["--on", "2025-06"], ["example-invests-sample-2025"]),
        (["--on", "2025-06", "--within"], []),
        (["--on", "2025", "--within"], ["example-invests-sample-2025", "example-summit-2025"]),
        # an interval overlaps each of its days, and lies within its month
        (["--on", "2025-03-05"], ["example-invests-sample-2025", "example-summit-2025"]),
        (["--on", "March 2025", "--within"], ["example-summit-2025"]),
        (["--from", "2026-05", "--to", "2026-12"], ["other-lawsuit-2026"]),
        # tags, kinds, search
        (["-t", "cloud"], ["example-sample-partnership-2024", "example-cloud-region-2026"]),
        (
            ["-t", "cloud", "-t", "funding"],
            ["example-sample-partnership-2024", "example-invests-sample-2025", "example-cloud-region-2026"],
        ),
        (["-k", "legal", "-k", "conference"], ["example-summit-2025", "other-lawsuit-2026"]),
        (["-s", "MODEL"], ["example-sample-partnership-2024", "sample-model-one-2024"]),
        (["-s", "sample", "-s", "invest"], ["example-invests-sample-2025"]),
        (["-s", "licensing"], ["example-sample-partnership-2024", "other-lawsuit-2026"]),
        (["-s", "other inc"], ["other-lawsuit-2026"]),
        # order and count
        (["-r", "-n", "2"], ["other-lawsuit-2026", "example-cloud-region-2026"]),
        (["-n", "1"], ["other-lawsuit-2026"]),  # the newest, as in git log and jrnl
        (["-n", "2"], ["example-cloud-region-2026", "other-lawsuit-2026"]),  # shown in the asked (date) order
        (
            ["--sort", "title", "-n", "3"],
            ["example-cloud-region-2026", "other-lawsuit-2026", "sample-ceo-change-2026"],
        ),
        (
            ["--sort", "company", "-k", "legal", "-k", "leadership", "-k", "infrastructure"],
            ["example-cloud-region-2026", "other-lawsuit-2026", "sample-ceo-change-2026"],
        ),
    ],
)
def test_filters(run: Runner, sample: Path, args: list[str], expected: list[str]) -> None:
    assert ids(run, sample, *args) == expected


# TIMELINE_NOW is 2026-06-15 (a Monday) in every test.
@pytest.mark.parametrize(
    ("expression", "first", "last"),
    [
        ("2026", "2026-01-01", "2026-12-31"),
        ("2026-04", "2026-04-01", "2026-04-30"),
        ("2026-04-28", "2026-04-28", "2026-04-28"),
        ("2026-Q2", "2026-04-01", "2026-06-30"),
        ("2026-H1", "2026-01-01", "2026-06-30"),
        ("2026-h2", "2026-07-01", "2026-12-31"),
        ("April 2026", "2026-04-01", "2026-04-30"),
        ("Apr 28 2026", "2026-04-28", "2026-04-28"),
        ("Apr 28, 2026", "2026-04-28", "2026-04-28"),
        ("28 April 2026", "2026-04-28", "2026-04-28"),
        ("today", "2026-06-15", "2026-06-15"),
        ("yesterday", "2026-06-14", "2026-06-14"),
        ("3 days ago", "2026-06-12", "2026-06-12"),
        ("2 weeks ago", "2026-06-01", "2026-06-01"),
        ("3 months ago", "2026-03-15", "2026-03-15"),
        ("1 year ago", "2025-06-15", "2025-06-15"),
        ("last week", "2026-06-08", "2026-06-14"),
        ("this week", "2026-06-15", "2026-06-21"),
        ("last month", "2026-05-01", "2026-05-31"),
        ("this month", "2026-06-01", "2026-06-30"),
        ("last quarter", "2026-01-01", "2026-03-31"),
        ("this quarter", "2026-04-01", "2026-06-30"),
        ("last year", "2025-01-01", "2025-12-31"),
        ("this year", "2026-01-01", "2026-12-31"),
    ],
)
def test_date_expressions(run: Runner, tmp_path: Path, expression: str, first: str, last: str) -> None:
    """A store with one event per boundary day shows exactly which days the period covers."""
    from datetime import date, timedelta

    start, end = date.fromisoformat(first), date.fromisoformat(last)
    days = [start - timedelta(days=1), start, end, end + timedelta(days=1)]
    events = "".join(
        f"  - id: d{i}\n    date: {d.isoformat()}\n    title: Day {i}\n    companies: [A]\n    kind: other\n"
        for i, d in enumerate(days)
    )
    store = tmp_path / "days.yaml"
    store.write_text("version: 1\ncompanies:\n  - name: A\nevents:\n" + events)
    assert ids(run, store, "--on", expression) == ["d1", "d2"]
    assert ids(run, store, "--since", expression) == ["d1", "d2", "d3"]
    assert ids(run, store, "--until", expression) == ["d0", "d1", "d2"]


def test_relative_dates_follow_the_pinned_today(run: Runner, sample: Path) -> None:
    assert ids(run, sample, "--on", "last month", env={"TIMELINE_NOW": "2026-06-03"}) == ["other-lawsuit-2026"]
    assert ids(run, sample, "--on", "last month", env={"TIMELINE_NOW": "2026-05-03"}) == [
        "sample-ceo-change-2026",
        "example-cloud-region-2026",
    ]


@pytest.mark.parametrize("bad", ["someday", "April", "next Friday week"])
def test_unclear_dates_are_usage_errors_naming_the_option(run: Runner, sample: Path, bad: str) -> None:
    result = run("-f", str(sample), "list", "--since", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"usage error: --since: {bad!r} is not a date")
    assert "2026-Q2" in result.stderr  # an example of what works


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            "04/05/2026",
            "'04/05/2026' is ambiguous (day and month order differ by country); write it as 2026-04-05 or 2026-05-04",
        ),
        ("2026-13", "invalid date '2026-13': month 13 is not between 1 and 12"),
        ("2026-Q5", "'2026-Q5': there is no Q5; quarters are Q1-Q4, halves H1-H2"),
        ("Feb 30 2026", "invalid date 'Feb 30 2026': February 2026 has 28 days, not 30"),
    ],
)
def test_impossible_dates_say_why(run: Runner, sample: Path, bad: str, message: str) -> None:
    result = run("-f", str(sample), "list", "--since", bad)
    assert (result.exit_code, result.stderr) == (2, f"usage error: --since: {message}\n")


def test_unknown_company_and_kind_suggest_a_fix(run: Runner, sample: Path) -> None:
    company = run("-f", str(sample), "list", "-c", "Exampel Corp")
    assert company.exit_code == 2
    assert "unknown company 'Exampel Corp' (did you mean 'Example Corp'?)" in company.stderr
    kind = run("-f", str(sample), "list", "-k", "lawsuit")
    assert kind.exit_code == 2
    assert "unknown kind 'lawsuit'" in kind.stderr


def test_unknown_tag_is_refused_with_a_suggestion_and_no_match_says_so(run: Runner, sample: Path) -> None:
    result = run("-f", str(sample), "list", "-t", "licencing")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "usage error: --tag: no event has the tag 'licencing' (did you mean 'licensing'?); see `timeline tags`\n"
    )
    nothing = run("-f", str(sample), "list", "-t", "cloud", "-k", "legal")
    assert (nothing.exit_code, nothing.stdout, nothing.stderr) == (0, "", "No events match.\n")
    as_json = run("-f", str(sample), "list", "-t", "cloud", "-k", "legal", "--json")
    assert json.loads(as_json.stdout) == []


def test_json_shape(run: Runner, sample: Path) -> None:
    result = run("-f", str(sample), "list", "--json", "-s", "invests")
    (event,) = json.loads(result.stdout)
    assert event == {
        "id": "example-invests-sample-2025",
        "date": "2025~",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "precision": "year",
        "approximate": True,
        "uncertain": False,
        "title": "Example Corp invests in Sample Labs",
        "companies": ["Example Corp", "Sample Labs"],
        "kind": "investment",
        "tags": ["funding"],
        "summary": "Reported during the year; the exact month is not public.",
        "sources": [{"url": "https://example.org/investment", "title": None, "publisher": None, "note": None}],
        "related": [],
    }


def test_show_lists_related_events_both_ways(run: Runner, sample: Path) -> None:
    result = run("-f", str(sample), "show", "example-sample-partnership-2024", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    out = result.stdout
    assert "January 15, 2024 (day precision)" in out
    assert "The partnership — Example News" in out
    assert "https://example.org/partnership" in out
    assert "→ ~2025  Example Corp invests in Sample Labs (example-invests-sample-2025)" in out
    assert "← May 20, 2026  Other Inc sues Example Corp over licensing (other-lawsuit-2026)" in out


def test_show_unknown_id(run: Runner, sample: Path) -> None:
    result = run("-f", str(sample), "show", "example-summit-2052")
    assert result.exit_code == 1
    assert (
        result.stderr
        == "error: no event with id 'example-summit-2052' (did you mean 'example-summit-2025'?); `timeline list --ids` shows ids\n"
    )


def test_companies_and_tags_json(run: Runner, sample: Path) -> None:
    rows = json.loads(run("-f", str(sample), "companies", "--json").stdout)
    by_name = {row["name"]: row for row in rows}
    assert by_name["Example Cloud"] == {
        "name": "Example Cloud",
        "aliases": [],
        "parent": "Example Corp",
        "events": 1,
        "with_subsidiaries": 1,
        "first": "2026-04-10",
        "last": "2026-04-10",
    }
    assert by_name["Example Corp"]["events"] == 4
    assert by_name["Example Corp"]["with_subsidiaries"] == 5  # and Example Cloud's one: what -c selects
    assert by_name["Sample Labs"]["last"] == "2026-04?"
    counts = json.loads(run("-f", str(sample), "tags", "--json").stdout)
    assert counts["tags"] == {"cloud": 2, "licensing": 2, "conference": 1, "funding": 1, "models": 1}
    assert sum(counts["kinds"].values()) == 7


def test_stats_counts_per_company_and_period(run: Runner, sample: Path) -> None:
    result = run("-f", str(sample), "stats", "--by", "year", env={"COLUMNS": "100"})
    rows = {
        line.split("│")[0].strip(): [c.strip() for c in line.split("│")[1:]]
        for line in result.stdout.splitlines()
        if "│" in line
    }
    assert rows["Example Corp"][:4] == ["1", "2", "1", "4"]
    assert rows["Other Inc"][:4] == ["·", "·", "1", "1"]
    assert rows["All events"][:4] == ["2", "2", "3", "7"]
    names = [line.split("│")[0].strip() for line in result.stdout.splitlines() if "│" in line]
    assert names[:2] == ["Example Corp", "Sample Labs"]  # busiest first
    quarters = run("-f", str(sample), "stats", "--by", "quarter", "--on", "2026", env={"COLUMNS": "100"}).stdout
    assert "2026-Q2" in quarters
    assert "2024" not in quarters


def test_colour_only_when_asked(run: Runner, sample: Path) -> None:
    plain = run("-f", str(sample), "list")
    assert "\x1b[" not in plain.stdout
    forced = run("-f", str(sample), "list", env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout
    both = run("-f", str(sample), "list", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout


def _date_texts() -> st.SearchStrategy[str]:
    def text(year: int, month: int | None, day: int) -> str:
        if month is None:
            return str(year)
        if day == 0:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{min(day, days_in_month(year, month)):02d}"

    part = st.builds(text, st.integers(1999, 2001), st.none() | st.integers(1, 12), st.integers(0, 31))
    return st.one_of(part, st.tuples(part, part).map(lambda p: "/".join(sorted(p, key=_first_day))))


def _first_day(text: str) -> date:
    return parse_event_date(text).first_day


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_date_texts(), st.sampled_from("abc")), max_size=30))
def test_listing_order_is_by_first_day_then_last_day_then_id(items: list[tuple[str, str]]) -> None:
    events = []
    for text, event_id in items:
        try:
            when = parse_event_date(text)
        except DateSyntaxError:  # an interval whose end precedes its start
            continue
        events.append(Event(event_id, when, "t", ("X",), "other", (), None, (), ()))
    ordered = select(events, Query(), Registry(()))
    assert ordered == sorted(events, key=lambda e: (e.date.first_day, e.date.last_day, e.id))


@pytest.mark.parametrize("reverse", [False, True])
def test_a_stores_own_order_gives_the_same_listing_as_sorting(sample: Path, reverse: bool) -> None:
    store = load(sample)
    shuffled = list(reversed(store.events))
    for query in (Query(reverse=reverse), Query(companies=("Example Corp",), reverse=reverse, limit=2)):
        assert select(store.events, query, store.registry, in_order=True) == select(shuffled, query, store.registry)
