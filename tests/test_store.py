"""Loading, locating and warning: the behaviour a store's author sees."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import __version__
from timeline.errors import TimelineError
from timeline.store import load, load_text, packaged_store

from conftest import Runner, write

ROOT = Path(__file__).resolve().parent.parent


def test_version(run: Runner) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"timeline {__version__}\n"


def test_python_dash_m_runs_the_same_app() -> None:
    done = subprocess.run([sys.executable, "-m", "timeline", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout == f"timeline {__version__}\n"


def test_sample_store_loads_in_chronological_order(sample: Path) -> None:
    store = load(sample)
    assert [e.id for e in store.events] == [
        "example-sample-partnership-2024",
        "sample-model-one-2024",
        "example-invests-sample-2025",
        "example-summit-2025",
        "sample-ceo-change-2026",
        "example-cloud-region-2026",
        "other-lawsuit-2026",
    ]
    invest = store.event("example-invests-sample-2025")
    assert invest is not None
    assert invest.companies == ("Example Corp", "Sample Labs")
    assert invest.date.approximate
    assert (invest.date.first_day.isoformat(), invest.date.last_day.isoformat()) == (
        "2025-01-01",
        "2025-12-31",
    )


def test_unquoted_yaml_dates_and_years_are_accepted() -> None:
    text = (ROOT / "tests/data/sample.yaml").read_text().replace("date: 2024-11", "date: 2024")
    store = load_text(text)
    event = store.event("sample-model-one-2024")
    assert event is not None
    assert str(event.date) == "2024"
    assert event.date.precision == "year"


def test_store_is_found_by_option_then_env_then_cwd_then_package(
    run: Runner, tmp_path: Path, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "valid, 7 events" in run("-f", str(sample), "validate").stdout
    monkeypatch.setenv("TIMELINE_FILE", str(sample))
    assert "sample.yaml: valid" in run("validate").stdout
    monkeypatch.delenv("TIMELINE_FILE")
    write(Path.cwd() / "events.yaml", sample.read_text())
    assert run("validate").stdout.startswith(str(Path.cwd() / "events.yaml"))
    (Path.cwd() / "events.yaml").unlink()
    assert run("validate").stdout.startswith(str(packaged_store()))


def test_a_missing_store_is_a_clear_error(run: Runner, tmp_path: Path) -> None:
    result = run("-f", str(tmp_path / "nope.yaml"), "validate")
    assert result.exit_code == 1
    assert result.stderr == f"error: store not found: {tmp_path / 'nope.yaml'}\n"


WARNED = """version: 1
companies:
  - name: Used Corp
  - name: Parent Corp
  - name: Child Corp
    parent: Parent Corp
  - name: Lonely Corp
events:
  - id: no-sources
    date: 2026-01
    title: No sources here
    companies: [Used Corp]
    kind: other
  - id: plain-http
    date: 2026-02-01
    title: Plain http source
    companies: [Child Corp]
    kind: other
    sources: [http://example.org/a]
  - id: in-the-future
    date: 2026-07
    title: Future
    companies: [Used Corp]
    kind: other
    sources: [https://example.org/b]
"""


def test_warnings_are_shown_and_fail_only_under_strict(run: Runner, tmp_path: Path) -> None:
    store = write(tmp_path / "store.yaml", WARNED)
    result = run("-f", str(store), "validate")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{store}:7:5: warning: company 'Lonely Corp' is not used by any event",
        f"{store}:9:5: warning: event 'no-sources' has no sources",
        f"{store}:14:5: warning: event 'plain-http' has a source that is not https: http://example.org/a",
        f"{store}:20:5: warning: event 'in-the-future' starts after today (2026-06-15)",
        "0 errors, 4 warnings",
    ]
    assert "valid, 3 events" in result.stdout
    strict = run("-f", str(store), "validate", "--strict")
    assert strict.exit_code == 1


def test_today_follows_timeline_now(run: Runner, tmp_path: Path) -> None:
    store = write(tmp_path / "store.yaml", WARNED)
    result = run("-f", str(store), "validate", env={"TIMELINE_NOW": "2026-07-01"})
    assert "in-the-future" not in result.stderr
    assert run("-f", str(store), "validate", env={"TIMELINE_NOW": "soon"}).exit_code == 2


def test_schema_file_matches_the_schema_command(run: Runner) -> None:
    result = run("schema")
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads((ROOT / "schema/timeline.schema.json").read_text()) == printed
    first_line = (ROOT / "events.yaml").read_text().splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=schema/timeline.schema.json"


def test_schema_accepts_the_shipped_store(run: Runner) -> None:
    import jsonschema
    import yaml

    schema = json.loads(run("schema").stdout)
    data = yaml.safe_load((ROOT / "events.yaml").read_text())
    for event in data["events"]:  # YAML's own date type is JSON-schema text
        event["date"] = str(event["date"])
    jsonschema.validate(data, schema)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=2000), st.binary(max_size=2000).map(lambda b: b.decode("latin-1"))))
def test_any_text_gives_events_or_our_error(text: str) -> None:
    started = time.perf_counter()
    with contextlib.suppress(TimelineError):
        load_text(text)
    assert time.perf_counter() - started < 1.0


STRUCTURED = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(STRUCTURED, st.sampled_from(["version", "companies", "events", "id", "date", "title"]))
def test_any_yaml_shape_gives_events_or_our_error(value: object, key: str) -> None:
    import yaml

    document = yaml.safe_dump({"version": 1, "companies": [{"name": "A"}], "events": [{key: value}]})
    started = time.perf_counter()
    with contextlib.suppress(TimelineError):
        load_text(document)
    assert time.perf_counter() - started < 1.0


def test_large_hostile_inputs_stay_fast() -> None:
    for text in (
        "[" * 50_000,
        "- " * 30_000,
        "a: &x [1]\nb: " + "*x, " * 20_000,
        "{" * 40_000 + "}" * 40_000,
    ):
        started = time.perf_counter()
        with pytest.raises(TimelineError):
            load_text(text)
        assert time.perf_counter() - started < 1.0
