"""The interactive layer of the HTML page: filter controls, embedded data, the script, its CSP hash.

Progressive enhancement: the static page already lists every event; the controls are rendered
``hidden`` and the script reveals them, so without JavaScript the page is the full list. The
script is a constant file (``_html_app.js``), so its sha256 (allowed by the page's
Content-Security-Policy) is fixed; data goes in a ``<script type="application/json">`` element,
escaped so that no event text can close it or start markup.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from importlib import resources

from timeline.model import KINDS, Event, with_ancestors
from timeline.terminal.style import company_hex
from timeline.text import is_invisible, visible

# Inside <script>, only these can end the element or change how it is parsed; in a JSON string
# the \\u escapes mean the same characters.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

STYLE = """
.controls { margin: 0 0 1.5rem; padding: .75rem; border: 1px solid var(--rail); border-radius: .5rem; }
.controls .row { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
.controls label { display: inline-flex; gap: .35rem; align-items: center; }
.controls input, .controls select, .controls button { font: inherit; color: inherit; background: var(--bg);
  border: 1px solid var(--muted); border-radius: .3rem; padding: .2rem .4rem; }
.controls input[type=search] { min-width: 12rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
                   white-space: nowrap; }
.controls fieldset { border: 0; margin: 0; padding: 0; }
.controls legend { font-weight: 600; padding: 0; }
.controls details { margin-top: .6rem; }
.controls summary { cursor: pointer; font-weight: 600; }
.picked { color: var(--muted); font-weight: 400; }
.facet { display: flex; flex-wrap: wrap; gap: .2rem .9rem; max-height: 8.5rem; overflow-y: auto; padding: .3rem 0; }
.facet label.sub { padding-left: 1rem; }
.facet .n, .lane-name .n { color: var(--muted); font-size: .85rem; font-variant-numeric: tabular-nums; }
.facet label.none { opacity: .55; }
:focus-visible { outline: 3px solid #1e6fd9; outline-offset: 2px; }
.lanes { margin: 0 0 2rem; }
.lane { display: grid; grid-template-columns: minmax(5rem, 11rem) 1fr; gap: .5rem; align-items: center;
        border-bottom: 1px solid var(--rail); min-height: 1.9rem; }
.lane-name { overflow-wrap: anywhere; font-size: .9rem; }
.track { position: relative; height: 1.6rem; }
.axis .track { height: 1.4rem; }
.tick { position: absolute; top: 0; font-size: .75rem; color: var(--muted); border-left: 1px solid var(--rail);
        padding-left: 2px; white-space: nowrap; }
.tick.major { color: var(--fg); font-weight: 600; }
.mark { position: absolute; top: .45rem; height: .7rem; display: block; }
.track { --c: var(--fg); }
.mark.day { width: .7rem; margin-left: -.35rem; border-radius: 50%; background: var(--c); opacity: .8; }
.mark.month { min-width: 4px; border-radius: 2px; background: var(--c); opacity: .7; }
.mark.year { min-width: 4px; background: var(--c); opacity: .18; top: .3rem; height: 1rem; }
.mark.approx, .mark.uncertain { background: transparent; border: 2px dashed var(--c); opacity: 1; }
.mark:hover, .mark:focus-visible { opacity: 1; z-index: 1; }
.mark.many { min-width: 14px; height: 14px; top: .35rem; border-radius: 7px; margin-left: -7px; opacity: 1;
             color: #fff; font-size: 10px; line-height: 14px; text-align: center; text-decoration: none;
             font-weight: 700; font-variant-numeric: tabular-nums; }
.mark.month.many, .mark.year.many { margin-left: 0; border-radius: 2px; }
.mark.year.many { color: var(--fg); }
.mark.sample { position: static; display: inline-block; width: .9rem; margin: 0 .2rem 0 0; vertical-align: middle; }
.key { --c: var(--fg); display: flex; flex-wrap: wrap; gap: .3rem 1rem; color: var(--muted); font-size: .85rem; }
.key-item { display: inline-flex; align-items: center; }
li.event:focus { outline: 3px solid #1e6fd9; outline-offset: 2px; }
@media (max-width: 40rem) {
  .lane { grid-template-columns: 5.5rem 1fr; }
  .controls input[type=search] { min-width: 0; width: 100%; }
}
@media print { .controls, #status { display: none !important; } }
""".strip()


@functools.cache
def script() -> str:
    return resources.files("timeline.exporters").joinpath("_html_app.js").read_text(encoding="utf-8")


def script_hash() -> str:
    """The CSP source that allows exactly the page's script and nothing else."""
    digest = hashlib.sha256(script().encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def json_for_script(value: object) -> str:
    """JSON that is inert inside ``<script type="application/json">``: no ``</script>``, no
    ``<!--``, no line separators that old parsers end a line on."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escaped)
    # Control and format characters (DEL, C1, bidi...) as \u escapes too: json.dumps writes
    # them raw, and no raw one may reach the page (the terminal's rule, timeline.text.visible).
    if text.isprintable():
        return text
    return "".join(_json_escape(c) if is_invisible(c) else c for c in text)


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # outside the BMP: a JSON surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def data(events: Sequence[Event], parents: Mapping[str, str]) -> str:
    """What the script filters on, and nothing the list already shows: titles, dates as read,
    summaries and sources are read from the list item at the same position. Names are indexes
    into one list each, so a company named on 100 events is written once."""
    used, kinds, tags = _names(events, parents)
    company_at = {name: i for i, name in enumerate(used)}
    kind_at = {name: i for i, name in enumerate(kinds)}
    tag_at = {name: i for i, name in enumerate(tags)}
    records = [
        [
            e.date.first_day.isoformat(),
            e.date.last_day.isoformat(),
            e.date.precision[0],  # d, m or y
            ("~" if e.date.approximate else "") + ("?" if e.date.uncertain else ""),
            [company_at[c] for c in e.companies],
            kind_at[e.kind],
            [tag_at[t] for t in e.tags],
            e.date.short(),  # the lanes' labels, as the terminal shows dates
        ]
        for e in events
    ]
    return json_for_script(
        {
            "companies": used,
            "kinds": kinds,
            "tags": tags,
            "parents": {name: parents[name] for name in used if name in parents},
            "colours": {name: company_hex(name) for name in used},
            "events": records,
        }
    )


def _names(events: Sequence[Event], parents: Mapping[str, str]) -> tuple[list[str], list[str], list[str]]:
    """The companies (with their parents), kinds and tags, each sorted: the data's lists, which
    the checkboxes point into."""
    used = sorted(with_ancestors({c for e in events for c in e.companies}, parents))
    return used, sorted({e.kind for e in events}), sorted({t for e in events for t in e.tags})


def _option(facet: str, value: str, index: int, count: int, css: str = "") -> str:
    """A checkbox for ``value``, shown as the terminal shows text (control and bidi characters as
    escapes); the script sets its value to the name itself, item ``index`` of the data's list."""
    extra = f' class="{css}"' if css else ""
    shown = escape(visible(value))
    return (
        f'<label{extra}><input type="checkbox" name="{facet}" value="{shown}" data-i="{index}"> '
        f'{shown} <span class="n">{count}</span></label>'
    )


def _company_options(events: Sequence[Event], parents: Mapping[str, str]) -> list[str]:
    """Each company with its events (a parent's count includes its subsidiaries', as with -c),
    busiest first, every subsidiary right under its parent."""
    counts: Counter[str] = Counter()
    for event in events:
        counts.update(with_ancestors(event.companies, parents))
    children: dict[str | None, list[str]] = {}
    for name in counts:
        parent = parents.get(name)
        children.setdefault(parent if parent in counts else None, []).append(name)
    out: list[str] = []
    at = {name: i for i, name in enumerate(_names(events, parents)[0])}

    def walk(parent: str | None, depth: int) -> None:
        for name in sorted(children.get(parent, []), key=lambda n: (-counts[n], n.casefold())):
            out.append(_option("c", name, at[name], counts[name], "sub" if depth else ""))
            walk(name, depth + 1)

    walk(None, 0)
    return out


def controls(events: Sequence[Event], parents: Mapping[str, str]) -> str:
    kinds = Counter(e.kind for e in events)
    tags = Counter(t for e in events for t in e.tags)
    first = min((e.date.first_day for e in events), default=None)
    last = max((e.date.last_day for e in events), default=None)
    bounds = f' min="{first.isoformat()}" max="{last.isoformat()}"' if first and last else ""

    def facet(name: str, key: str, options: list[str], *, opened: bool = False) -> str:
        return (
            f'<details{" open" if opened else ""}><summary>{name} <span class="picked" id="picked-{key}"></span>'
            f'</summary><fieldset class="facet" id="facet-{key}">'
            f'<legend class="visually-hidden">{name}</legend>{"".join(options)}</fieldset></details>'
        )

    _, kind_list, tag_list = _names(events, parents)
    kind_at = {k: i for i, k in enumerate(kind_list)}
    tag_at = {t: i for i, t in enumerate(tag_list)}
    kind_options = [
        _option("k", k, kind_at[k], kinds[k]) for k in sorted(kinds, key=lambda k: (-kinds[k], KINDS.index(k)))
    ]
    tag_options = [_option("t", t, tag_at[t], n) for t, n in sorted(tags.items(), key=lambda item: (-item[1], item[0]))]
    return "\n".join(
        [
            '<form class="controls" id="controls" hidden aria-label="Filter the events">',
            '<div class="row">',
            '<label>Search <input type="search" id="q" autocomplete="off" spellcheck="false"></label>',
            f'<label>From <input type="date" id="from"{bounds}></label>',
            f'<label>To <input type="date" id="to"{bounds}></label>',
            '<fieldset><legend>View</legend>'
            '<label><input type="radio" name="view" value="list" checked> List</label> '
            '<label><input type="radio" name="view" value="lanes"> Lanes</label></fieldset>',
            '<label>Lanes by <select id="by"><option value="company">company</option>'
            '<option value="kind">kind</option><option value="tag">tag</option></select></label>',
            '<button type="button" id="clear">Clear filters</button>',
            "</div>",
            facet("Companies", "c", _company_options(events, parents), opened=True),
            facet("Kinds", "k", kind_options),
            facet("Tags", "t", tag_options),
            "</form>",
            '<p class="meta" id="status" role="status" aria-live="polite" hidden></p>',
            '<div class="lanes" id="lanes" hidden></div>',
        ]
    )
