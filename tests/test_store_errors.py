"""Every store error is reported as PATH:LINE:COL with exit status 1, all at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from timeline.errors import Finding, StoreError
from timeline.store import load, load_text

from conftest import Runner, write

HEAD = """version: 1
companies:
  - name: Example Corp
    aliases: [EXMP]
  - name: Sample Labs
events:
"""


def event(**fields: str) -> str:
    """One event in block style; a value of '' leaves the key out."""
    base = {
        "id": "an-event",
        "date": "2024-01-15",
        "title": "A title",
        "companies": "[Example Corp]",
        "kind": "partnership",
    }
    base.update(fields)
    lines = [f"    {k}: {v}" for k, v in base.items() if v != ""]
    lines[0] = "  - " + lines[0].lstrip()
    return "\n".join(lines) + "\n"


# (description, document, expected "LINE:COL: error: text" fragments)
CASES: list[tuple[str, str, list[str]]] = [
    (
        "impossible day",
        HEAD + event(date="2026-02-30"),
        ["8:11: error: invalid date '2026-02-30': February 2026 has 28 days"],
    ),
    ("month 13", HEAD + event(date="2026-13"), ["8:11: error: invalid date '2026-13': month 13"]),
    ("year zero", HEAD + event(date="0000"), ["8:11: error: invalid date '0000': there is no year 0"]),
    (
        "interval backwards",
        HEAD + event(date="2026-05/2026-04"),
        ["8:11: error: invalid date '2026-05/2026-04': the interval ends before it starts"],
    ),
    (
        "title read as boolean",
        HEAD + event(title="no"),
        ["9:12: error: title must be text, but YAML reads 'no' as a yes/no value; quote it"],
    ),
    (
        "title read as number",
        HEAD + event(title="1.10"),
        ["9:12: error: title must be text, but YAML reads '1.10' as a number; quote it"],
    ),
    ("multi-line title", HEAD + event(title='"two\\nlines"'), ["9:12: error: title must be a single line"]),
    (
        "unknown company",
        HEAD + event(companies="[Exmaple Corp]"),
        ["10:17: error: unknown company 'Exmaple Corp' (did you mean 'Example Corp'?)"],
    ),
    ("empty companies", HEAD + event(companies="[]"), ["10:16: error: companies must not be empty"]),
    (
        "unknown kind",
        HEAD + event(kind="partnershp"),
        ["11:11: error: unknown kind 'partnershp' (did you mean 'partnership'?)"],
    ),
    ("bad id", HEAD + event(id="Bad_Id"), ["7:9: error: invalid id 'Bad_Id'"]),
    ("id too long", HEAD + event(id="a" * 81), ["7:9: error: invalid id"]),
    ("missing title", HEAD + event(title=""), ["7:5: error: event is missing required key 'title'"]),
    (
        "unknown key",
        HEAD + event(summry="x"),
        ["12:5: error: unknown key 'summry' in an event (did you mean 'summary'?)"],
    ),
    ("bad tag", HEAD + event(tags="[Cloud]"), ["12:12: error: invalid tag 'Cloud'"]),
    (
        "bad url",
        HEAD + event(sources="[ftp://example.org/x]"),
        ["12:15: error: source url 'ftp://example.org/x' must start with http:// or https:// and contain no spaces"],
    ),
    (
        "unknown related",
        HEAD + event(related="[nope]"),
        ["12:15: error: event 'an-event' is related to unknown id 'nope'"],
    ),
    (
        "duplicate key",
        HEAD + event() + "    title: Again\n",
        ["12:5: error: duplicate key 'title' in an event (first on line 9)"],
    ),
    ("duplicate id", HEAD + event() + event(), ["12:5: error: duplicate id 'an-event' (first at"]),
    (
        "unknown top key",
        HEAD.replace("companies:", "compnaies:", 1) + event(),
        ["2:1: error: unknown key 'compnaies' in the store (did you mean 'companies'?)"],
    ),
    (
        "missing version",
        HEAD.replace("version: 1\n", "") + event(),
        ["1:1: error: missing top-level key 'version'"],
    ),
    (
        "wrong version",
        HEAD.replace("version: 1", "version: 2") + event(),
        ["1:10: error: unsupported store version '2'"],
    ),
    (
        "unknown parent",
        HEAD.replace("  - name: Sample Labs\n", "  - name: Sample Labs\n    parent: Exampel Corp\n") + event(),
        ["5:5: error: parent 'Exampel Corp' of 'Sample Labs' is not a known company (did you mean 'Example Corp'?)"],
    ),
    (
        "parent cycle",
        HEAD.replace("    aliases: [EXMP]\n", "    parent: Sample Labs\n").replace(
            "  - name: Sample Labs\n", "  - name: Sample Labs\n    parent: Example Corp\n"
        )
        + event(),
        [
            "3:5: error: company 'Example Corp' is its own parent through a cycle",
            "5:5: error: company 'Sample Labs' is its own parent",
        ],
    ),
    ("anchor", HEAD + event(companies="&c [Example Corp]"), ["10:16: error: YAML anchor 'c' is not allowed"]),
    (
        "alias",
        HEAD + event(companies="&c [Example Corp]") + event(id="two", companies="*c"),
        ["10:16: error: YAML anchor", "15:16: error: YAML alias"],
    ),
    (
        "python tag",
        HEAD + event(title="!!python/object:os.system x"),
        ["9:12: error: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"],
    ),
    ("syntax error", HEAD + event() + "    summary: [unclosed\n", ["13:1: error: YAML syntax:"]),
    ("empty file", "", ["1:1: error: the store is empty"]),
]


@pytest.mark.parametrize(("description", "document", "expected"), CASES, ids=[c[0] for c in CASES])
def test_validate_reports_each_error_at_its_place(
    run: Runner, tmp_path: Path, description: str, document: str, expected: list[str]
) -> None:
    store = write(tmp_path / "store.yaml", document)
    result = run("-f", str(store), "validate")
    assert result.exit_code == 1, description
    assert "Traceback" not in result.stderr
    for fragment in expected:
        assert f"{store}:{fragment}" in result.stderr, result.stderr
    assert result.stdout == ""


def test_every_problem_is_reported_not_just_the_first(run: Runner, tmp_path: Path) -> None:
    document = HEAD + event(date="2026-02-30") + event(id="two", kind="nope", title="yes")
    store = write(tmp_path / "store.yaml", document)
    result = run("-f", str(store), "validate")
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [line.split(":")[1] for line in lines] == ["8", "14", "16"]
    assert "3 errors, 0 warnings" in result.stderr


def test_other_commands_refuse_a_broken_store_with_a_hint(run: Runner, tmp_path: Path) -> None:
    store = write(tmp_path / "store.yaml", HEAD + event(date="2026-02-30"))
    result = run("-f", str(store), "validate")
    assert result.exit_code == 1
    listed = run("-f", str(store), "list")
    assert listed.exit_code == 1
    assert f"{store}:8:11: error: invalid date" in listed.stderr
    assert "run `timeline validate`" in listed.stderr


def test_invalid_utf8_is_located(run: Runner, tmp_path: Path) -> None:
    store = tmp_path / "store.yaml"
    store.write_bytes((HEAD + event(title="caf\u00e9")).encode("latin-1"))
    result = run("-f", str(store), "validate")
    assert result.exit_code == 1
    assert f"{store}:9:15: error: file is not valid UTF-8 (byte 0xe9)" in result.stderr


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    store = tmp_path / "store.yaml"
    store.write_bytes(b"\xef\xbb\xbf" + (HEAD + event()).encode())
    assert [e.id for e in load(store).events] == ["an-event"]


def test_an_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import timeline.store._yaml

    monkeypatch.setattr(timeline.store._yaml, "MAX_STORE_BYTES", 100)
    store = write(tmp_path / "store.yaml", HEAD + event())
    with pytest.raises(StoreError, match=r"store.yaml:1:1: error: file is \d+ bytes; the limit is 100 bytes"):
        load(store)


def test_company_names_match_after_normalisation() -> None:
    document = (
        HEAD
        + event(companies="[example corp]")
        + event(id="b", companies="[exmp]")
        + event(id="c", companies='["Exam\\u200bple Corp", "\\uff25xample Corp"]')
    )
    store = load_text(document)
    assert [e.companies for e in store.events] == [("Example Corp",)] * 3


def test_a_folder_store_merges_its_files(run: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    write(folder / "a.yaml", HEAD + event(id="from-a"))
    write(folder / "b.yml", HEAD + event(id="from-b", date="2025"))
    write(folder / "notes.txt", "ignored")
    result = run("-f", str(folder), "validate")
    assert result.exit_code == 0, result.stderr
    assert "valid, 2 events" in result.stdout


def test_a_folder_store_reports_conflicts_naming_both_places(run: Runner, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    write(folder / "a.yaml", HEAD + event(id="same"))
    other = HEAD.replace("    aliases: [EXMP]\n", "    aliases: [EXC]\n")
    write(folder / "b.yaml", other + event(id="same"))
    result = run("-f", str(folder), "validate")
    assert result.exit_code == 1
    assert (
        f"{folder / 'b.yaml'}:3:5: error: company 'Example Corp' is defined differently at {folder / 'a.yaml'}:3"
        in result.stderr
    )
    assert f"{folder / 'b.yaml'}:7:5: error: duplicate id 'same' (first at {folder / 'a.yaml'}:7)" in result.stderr


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab&*[]{},:-?#'\" \n\t\ufeff\u00a0", max_size=14))
@example("\n\ufeff*-")  # a byte-order mark before an alias, which the two parsers read apart
def test_anchors_are_refused_exactly_when_the_parser_reports_one(text: str) -> None:
    """The oracle is libyaml's own event stream, the parser the store reads with (issue 17:
    "libyaml reports anchors and aliases"): whatever it calls an anchor or an alias, the store
    refuses, and nothing else (no text scan to get around). Not PyYAML's pure-Python parser: on
    ``"\n\ufeff*-"`` it reads a plain scalar where libyaml skips the byte-order mark and reads
    an alias, and the store must refuse what its own parser would resolve."""
    import yaml

    from timeline.store._yaml import compose

    try:
        events = list(yaml.parse(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return  # not YAML: a syntax error either way
    expected = any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None) is not None for e in events)
    findings: list[Finding] = []
    compose(text, "t", findings)
    refused = any("YAML anchor" in f.message or "YAML alias" in f.message for f in findings)
    assert refused == expected


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\ncompanies:\n\ufeff&cs [{name: Acme}]\nevents: []\n",  # after a BOM mid-stream
        "version: 1\ncompanies: [{? &a name : Acme}]\nevents: []\n",  # ?&a in a flow mapping
        "version: 1\ncompanies: [{?&a name: Acme}]\nevents: []\n",
    ],
)
def test_the_audits_anchor_bypasses_are_refused(text: str) -> None:
    with pytest.raises(StoreError, match=r"YAML anchor '(a|cs)' is not allowed"):
        load_text(text, "s.yaml")
