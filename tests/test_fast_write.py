"""The fast write path: validating only the changed blocks against the cached store accepts and
rejects exactly the edits the full validation does, and builds the same store, whether the
snapshot's events were loaded or come lazily from a cache entry; after a write the cache entry
is already there, so the next command is warm."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from timeline.edit._add import NewEvent, _plan
from timeline.edit._change import FieldChanges, plan_remove, plan_replace_block, plan_set_fields
from timeline.edit._check import _fast
from timeline.edit._commit import read_snapshot, validate_full
from timeline.edit._layout import dedent_block
from timeline.edit._snapshot import Change, Snapshot, event_block
from timeline.edit._textops import new_texts
from timeline.errors import StoreError, TimelineError
from timeline.store import _cache, load
from timeline.store._lazy import LazyEvents

from conftest import DATA, Runner

SAMPLE = DATA / "sample.yaml"
SNAPSHOT = read_snapshot(SAMPLE, None)
IDS = [e.id for e in SNAPSHOT.store.events]
NAMES = ["Example Corp", "EXMP", "sl", "Sample Labs", "Other Inc", "Example Cloud", "Nobody", "New Co"]
DATES = ["2025-03-10", "2024", "2026-05~", "2025-02-30", "2030-01-01/2030-01-02", "2024-11", "soon", "2026-13"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=12)
TAGS = st.sampled_from(["cloud", "models", "Consumer Tech", "ai-safety", "x-", "licensing"])
IDISH = st.sampled_from([*IDS, "new-id-2025", "Bad Id", "", "a" * 90])

adds = st.builds(
    NewEvent,
    date=st.sampled_from(DATES),
    title=st.one_of(TEXT, st.sampled_from(["Example Summit 2025", "A new event", "no"])),
    companies=st.lists(st.sampled_from(NAMES), min_size=0, max_size=3).map(tuple),
    kind=st.sampled_from(["other", "research", "partnershp", "model-release"]),
    tags=st.lists(TAGS, max_size=3).map(tuple),
    related=st.lists(st.sampled_from([*IDS, "nope"]), max_size=2).map(tuple),
    id=st.one_of(st.none(), IDISH),
    new_companies=st.sampled_from([(), ("New Co",), ("EXMP",), ("New Co", "new co")]),
    summary=st.one_of(st.none(), TEXT),
)
plausible_adds = st.builds(
    NewEvent,
    date=st.sampled_from(["2025-03-10", "2024", "2026-05~", "2030-01-01/2030-01-02", "2024-11", "2023-12-31"]),
    title=st.one_of(TEXT.filter(str.strip), st.sampled_from(["Example Summit 2025", "no", "1.10", "a: b"])),
    companies=st.lists(st.sampled_from(NAMES[:6]), min_size=1, max_size=3).map(tuple),
    kind=st.sampled_from(["other", "research", "model-release"]),
    tags=st.lists(st.sampled_from(["cloud", "models", "ai-safety"]), max_size=3).map(tuple),
    related=st.lists(st.sampled_from(IDS), max_size=2).map(tuple),
    id=st.sampled_from([None, "new-id-2025"]),
    summary=st.one_of(st.none(), TEXT),
)
field_changes = st.builds(
    FieldChanges,
    set=st.lists(
        st.tuples(st.sampled_from(["date", "title", "kind", "summary", "id"]), st.one_of(TEXT, st.sampled_from(DATES))),
        max_size=2,
    ).map(tuple),
    add_tags=st.lists(TAGS, max_size=2).map(tuple),
    remove_tags=st.lists(TAGS, max_size=1).map(tuple),
    add_related=st.lists(st.sampled_from([*IDS, "nope"]), max_size=1).map(tuple),
    remove_related=st.lists(st.sampled_from(IDS), max_size=1).map(tuple),
)
# raw editor edits of a block: replace one line with something a user might type
LINES = st.sampled_from(
    [
        "date: 2025-06",
        "date: 2025-02-30",
        "id: example-summit-2025",
        "id: renamed-id",
        "kind: nope",
        "companies: [Nobody]",
        "companies: [SL, EXMP]",
        "related: [example-summit-2025]",
        "related: [missing]",
        "tags: [Bad Tag]",
        "title: [not, text]",
        "title: 'unclosed",
        "  - a stray item",
        "- id: second-event",
        "&anchor title: x",
        "title: a plain new title",
        "# a comment",
        "",
    ]
)


def outcome(snapshot: Snapshot, change: Change[Any]) -> tuple[bool, bool, object, object]:
    texts = new_texts(snapshot, change.ops)
    try:
        full = validate_full(snapshot, texts)
    except StoreError:
        full = None
    fast = _fast(snapshot, change)
    return fast is not None, full is not None, fast, full


# A cache entry for the sample (in a folder of this test run, never the user's cache): a
# snapshot read through it has LazyEvents, the path an edit of a warm store takes.
CACHE = Path(tempfile.mkdtemp(prefix="timeline-fast-write-")) / "timeline"
_cache.load_cached(SAMPLE, CACHE)


def check(plan: object) -> None:
    """The fast check runs only on a cached snapshot (a store that matches its entry), so the
    plan is made on one: its events come lazily from the entry, as in a warm edit."""
    snapshot = read_snapshot(SAMPLE, CACHE)
    assert isinstance(snapshot.store.events, LazyEvents)
    try:
        change = plan(snapshot)  # type: ignore[operator]
    except TimelineError:
        return  # refused before any text was made: the same for both paths
    fast_ok, full_ok, fast, full = outcome(snapshot, change)
    event("accepted" if full_ok else "rejected")  # shown by --hypothesis-show-statistics
    assert fast_ok == full_ok, (change.ops, fast_ok, full_ok)
    if fast is not None and full is not None:
        assert fast.events == full.events  # type: ignore[attr-defined]
        assert fast.registry == full.registry  # type: ignore[attr-defined]
        assert fast.order == full.order  # type: ignore[attr-defined]
        # the rows the next entry is written from give the same events
        assert snapshot.new_rows is not None
        assert _unpacked(snapshot, fast) == full.events  # type: ignore[attr-defined]


def _unpacked(snapshot: Snapshot, store: Any) -> tuple[Any, ...]:
    from timeline.store._entry import unpack_rows

    assert snapshot.new_rows is not None
    return unpack_rows(tuple(snapshot.new_rows))


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(adds, st.booleans())
def test_fast_and_full_validation_agree_on_adds(new: NewEvent, force: bool) -> None:
    check(_plan(new, force)[1])


@SETTINGS
@given(plausible_adds)
def test_fast_and_full_validation_agree_on_plausible_adds(new: NewEvent) -> None:
    check(_plan(new, True)[1])


@SETTINGS
@given(st.sampled_from(IDS), field_changes)
def test_fast_and_full_validation_agree_on_field_changes(event_id: str, changes: FieldChanges) -> None:
    check(plan_set_fields(event_id, changes, date(2026, 6, 15)))


@SETTINGS
@given(st.sampled_from(IDS), st.booleans())
def test_fast_and_full_validation_agree_on_removals(event_id: str, unlink: bool) -> None:
    check(plan_remove(event_id, unlink))


@SETTINGS
@given(st.sampled_from(IDS), st.integers(0, 12), LINES)
def test_fast_and_full_validation_agree_on_editor_edits(event_id: str, at: int, line: str) -> None:
    number, index = SNAPSHOT.file_of(event_id)
    state = SNAPSHOT.files[number]
    original = dedent_block(event_block(state, index), state.style)
    edited = list(original)
    edited[min(at, len(edited) - 1)] = line
    check(plan_replace_block(event_id, original, edited))


def test_the_fast_path_accepts_real_edits() -> None:
    """Not a property that holds vacuously: ordinary edits of a warm store go through the fast path."""
    snapshot = read_snapshot(SAMPLE, CACHE)
    change = _plan(NewEvent(date="2025-06-01", title="Fresh", companies=("SL",), kind="other"), False)[1](snapshot)
    fast_ok, full_ok, _, _ = outcome(snapshot, change)
    assert fast_ok and full_ok


@pytest.mark.parametrize("cache_mode", ["cached"], indirect=True)
@pytest.mark.parametrize("command", ["add", "edit", "rm"])
def test_after_a_write_the_next_command_is_warm(run: Runner, tmp_path: Path, command: str) -> None:
    store = tmp_path / "store.yaml"
    shutil.copy(SAMPLE, store)
    assert run("-f", str(store), "list").exit_code == 0  # the cache entry for the store as it was
    args = {
        "add": ["add", "--date", "2025-06-01", "--title", "Fresh", "-c", "SL", "-k", "other"],
        "edit": ["edit", "sample-model-one-2024", "--add-tag", "cloud"],
        "rm": ["rm", "example-summit-2025"],
    }[command]
    result = run("-f", str(store), *args)
    assert result.exit_code == 0, result.stderr
    cached = _cache.read(tmp_path / "cache" / "timeline", store)
    assert cached is not None, "the write left no cache entry for the new file"
    full = load(store)
    assert (cached.events, cached.registry, cached.order) == (full.events, full.registry, full.order)


@given(
    st.dates(date(2015, 1, 1), date(2031, 12, 31)),
    st.sampled_from(["day", "month", "year"]),
    st.text("abz-", min_size=1, max_size=6),
)
def test_a_warm_edit_places_events_as_the_loaded_store_does(day: date, precision: str, event_id: str) -> None:
    """A warm edit finds where a new event goes (in the store, in its file, and the period the
    duplicate check reads) from the entry's day columns, without building events: the same
    answers as the loaded store's own events give."""
    from timeline.dates import EventDate, PartialDate
    from timeline.model import sort_key
    from timeline.store._lazy import place, place_among, starting_between

    lazy = read_snapshot(SAMPLE, CACHE).store
    assert isinstance(lazy.events, LazyEvents)
    loaded = SNAPSHOT.store
    month = None if precision == "year" else day.month
    when = EventDate(PartialDate(day.year, month, day.day if precision == "day" else None))
    key = sort_key(when, event_id)
    assert place(lazy.events, key) == place(loaded.events, key)
    ids = loaded.order[0]
    assert place_among(lazy.events, ids, key) == place_among(loaded.events, ids, key)
    low, high = (day.year - 1, 12, 28), (day.year + 1, 1, 4)
    assert starting_between(lazy.events, low, high) == starting_between(loaded.events, low, high)
