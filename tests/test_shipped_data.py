"""The store that ships: strictly valid, sourced, and holding the events of the founding article."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from timeline.query import Query, select
from timeline.store import Store, load, packaged_store

from conftest import Runner

ROOT = Path(__file__).resolve().parent.parent
# The day the shipped data was last checked against its sources; strict validation flags any
# event dated after the day it runs, so the check runs as of that day, not the pinned test clock.
DATA_CHECKED = "2026-11-26"

# ../shared/reference/microsoft-openai-2026-article.txt, event by event, with the dates found in
# sources (the article itself only says "late April 2026" and "at Build 2026").
ARTICLE_EVENTS = {
    "microsoft-openai-amended-agreement-2026": "2026-04-27",
    "microsoft-build-2026": "2026-06-02/2026-06-03",
    "microsoft-mai-thinking-1-2026": "2026-06-02",
    "microsoft-mai-models-build-2026": "2026-06-02",
    "microsoft-mdash-2026": "2026-05-12",
    "microsoft-ai-suleyman-2024": "2024-03-19",
    "mai-superintelligence-team-2025": "2025-11-06",
}


@pytest.fixture(scope="module")
def shipped() -> Store:
    return load(packaged_store(), today=date.fromisoformat(DATA_CHECKED))


def test_the_packaged_store_is_the_repository_store() -> None:
    assert packaged_store().read_bytes() == (ROOT / "events.yaml").read_bytes()


def test_strict_validation_passes_on_the_shipped_store(run: Runner) -> None:
    result = run("validate", "--strict", env={"TIMELINE_NOW": DATA_CHECKED})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    count = int(result.stdout.rsplit("valid, ", 1)[1].split()[0])
    assert count >= 120


def test_strict_validation_would_catch_an_event_dated_after_today(run: Runner) -> None:
    result = run("validate", "--strict", env={"TIMELINE_NOW": "2026-01-01"})
    assert result.exit_code == 1
    assert "starts after today (2026-01-01)" in result.stderr


@pytest.mark.parametrize(("event_id", "when"), ARTICLE_EVENTS.items())
def test_the_articles_events_are_present_with_the_dates_found(shipped: Store, event_id: str, when: str) -> None:
    event = next((e for e in shipped.events if e.id == event_id), None)
    assert event is not None, f"{event_id} is missing from the shipped store"
    assert str(event.date) == when
    assert event.sources


def test_the_amendment_records_every_term_the_article_names(shipped: Store) -> None:
    (amendment,) = [e for e in shipped.events if e.id == "microsoft-openai-amended-agreement-2026"]
    summary = (amendment.summary or "").replace("\n", " ")
    for term in ("any cloud", "primary cloud", "2032", "non-exclusive", "revenue share", "cap"):
        assert term in summary, term


def test_every_event_has_an_https_source_and_known_related_ids(shipped: Store) -> None:
    ids = {e.id for e in shipped.events}
    for event in shipped.events:
        assert event.sources and all(s.url.startswith("https://") for s in event.sources), event.id
        assert set(event.related) <= ids, event.id
        assert event.id not in event.related, event.id


def test_the_store_spans_at_least_fifteen_organisations_and_the_kinds_asked_for(shipped: Store) -> None:
    top_level = {c.name for c in shipped.registry.companies if c.parent is None}
    with_events = {name for name in top_level if select(shipped.events, Query(companies=(name,)), shipped.registry)}
    assert len(with_events) >= 15
    kinds = {e.kind for e in shipped.events}
    assert {"model-release", "partnership", "investment", "funding", "acquisition", "leadership"} <= kinds
    assert {"conference", "legal", "policy"} <= kinds


def test_subsidiaries_roll_up_to_their_parents(shipped: Store) -> None:
    microsoft = {e.id for e in select(shipped.events, Query(companies=("Microsoft",)), shipped.registry)}
    assert {"microsoft-mai-thinking-1-2026", "github-copilot-preview-2021"} <= microsoft
    google = {e.id for e in select(shipped.events, Query(companies=("Google",)), shipped.registry)}
    assert "alphago-beats-lee-sedol-2016" in google
    amazon = {e.id for e in select(shipped.events, Query(companies=("Amazon",)), shipped.registry)}
    assert "openai-aws-38b-2025" in amazon
    assert shipped.registry.resolve("MSFT") == "Microsoft"
    assert shipped.registry.resolve("DeepMind") == "Google DeepMind"


def test_related_links_lead_from_the_first_investment_to_the_2026_amendment(shipped: Store) -> None:
    """A reader can follow the Microsoft-OpenAI storyline from 2019 to 2026 by related links alone."""
    by_id = {e.id: e for e in shipped.events}
    links: dict[str, set[str]] = {e.id: set(e.related) for e in shipped.events}
    for event in shipped.events:  # links are followed both ways, as `timeline show` lists them
        for other in event.related:
            links[other].add(event.id)
    seen, frontier = {"microsoft-invests-1b-openai-2019"}, ["microsoft-invests-1b-openai-2019"]
    while frontier:
        for other in links[frontier.pop()]:
            if other not in seen and {"Microsoft", "OpenAI"} & set(by_id[other].companies):
                seen.add(other)
                frontier.append(other)
    assert "microsoft-openai-amended-agreement-2026" in seen
    both = select(shipped.events, Query(companies=("Microsoft", "OpenAI"), all_companies=True), shipped.registry)
    assert len(both) >= 20
    unlinked = [e.id for e in both if not links[e.id]]
    assert unlinked == []


def test_the_microsoft_question_from_the_readme(run: Runner) -> None:
    result = run("list", "-c", "Microsoft", "--since", "2026-04", "--until", "2026-06", "--view", "compact")
    assert result.exit_code == 0, result.stderr
    for title in ("amend their agreement", "MDASH", "Build 2026", "MAI-Thinking-1", "six more in-house MAI models"):
        assert title in result.stdout
    assert "Anthropic raises" not in result.stdout
