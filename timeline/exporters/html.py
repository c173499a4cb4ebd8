"""One self-contained HTML page: inline CSS, no external requests, all data escaped.

Company colours come from the terminal's palette (``timeline.terminal.style``), so a company
looks the same on the page as in the terminal.

By default the page is interactive (filters, search, a date range, lanes; see ``_html_app``)
on top of the full static list; ``--static`` leaves the script out. A Content-Security-Policy
forbids anything but the inline style and that one script (by its hash), so even a hostile
store cannot make the page fetch or run anything. Readable on a phone (fluid layout) and in
print.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from timeline.exporters.base import ExportOptions, group_by_year
from timeline.model import Event, is_exact
from timeline.terminal.style import company_hex
from timeline.text import visible

STYLE = """
:root { color-scheme: light dark; --rail: #c9ced6; --muted: #5b6370; --bg: #fff; --fg: #1d2330; }
@media (prefers-color-scheme: dark) { :root { --rail: #3a4150; --muted: #a0a8b8; --bg: #12151c; --fg: #e8ebf1; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       background: var(--bg); color: var(--fg); }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0 0 .25rem; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0 0 2rem; }
/* The browser lays out only the years on screen, so a 10,000-event page opens and filters
   quickly; the padding keeps each dot on the rail inside its section's (clipped) box. */
section.year { content-visibility: auto; contain-intrinsic-size: auto 1500px; padding-left: 8px; margin-left: -8px; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 2px solid var(--rail); }
ol.events { list-style: none; margin: 0; padding: 0 0 0 1.25rem; border-left: 2px solid var(--rail); }
li.event { position: relative; margin: 0 0 1.25rem; padding-left: .75rem; break-inside: avoid; }
li.event::before { content: ""; position: absolute; left: -1.25rem; top: .45rem; width: .7rem; height: .7rem;
                   margin-left: -5px; border-radius: 50%; background: var(--fg); }
li.event.inexact::before { background: var(--bg); border: 2px solid var(--fg); }
.date { font-weight: 600; font-variant-numeric: tabular-nums; }
.precision { color: var(--muted); font-size: .85rem; }
h3.title { font-size: 1.05rem; margin: .1rem 0 .35rem; overflow-wrap: anywhere; }
.chips { margin: 0 0 .35rem; display: flex; flex-wrap: wrap; gap: .35rem; }
.chip { border: 1px solid var(--c); color: var(--c); border-radius: 999px; padding: 0 .55rem; font-size: .85rem; }
.kind { color: var(--muted); font-size: .85rem; }
.summary { margin: .35rem 0; overflow-wrap: anywhere; white-space: pre-line; }
.sources { margin: .25rem 0 0; padding: 0; list-style: none; font-size: .9rem; }
.sources a { color: inherit; overflow-wrap: anywhere; }
@media print {
  body { font-size: 11pt; background: #fff; color: #000; }
  .sources a::after { content: " (" attr(href) ")"; color: #444; }
  h2 { break-after: avoid; }
}
""".strip()


def _h(text: str, *, keep_newlines: bool = False) -> str:
    """The one place text becomes HTML here: control and format characters shown as escapes
    (as in the terminal), then ``&<>"'`` escaped, so data can neither add markup nor hide."""
    return escape(visible(text, keep_newlines=keep_newlines))


def _event(event: Event, colour_class: Mapping[str, str]) -> str:
    exact = is_exact(event.date)
    chips = "".join(f'<span class="chip {colour_class[name]}">{_h(name)}</span>' for name in event.companies)
    parts = [
        f'<li class="event{"" if exact else " inexact"}" id="{_h(event.id)}">',
        f'<div class="date"><time datetime="{event.date.first_day.isoformat()}">{_h(event.date.long())}</time>'
        + ("" if exact else f' <span class="precision">({_h(event.date.describe())})</span>')
        + "</div>",
        f'<h3 class="title">{_h(event.title)}</h3>',
        f'<p class="chips">{chips} <span class="kind">{_h(event.kind)}</span></p>',
    ]
    if event.summary:
        parts.append(f'<p class="summary">{_h(event.summary, keep_newlines=True)}</p>')
    if event.sources:
        links = "".join(
            # No rel needed: no link opens a new window, and the page's referrer policy is no-referrer.
            f'<li><a href="{_h(s.url)}">'
            f"{_h(s.title or s.publisher or s.url)}</a>"
            + (f" — {_h(s.publisher)}" if s.title and s.publisher else "")
            + "</li>"
            for s in event.sources
        )
        parts.append(f'<ul class="sources">{links}</ul>')
    parts.append("</li>")
    return "\n".join(parts)


def export(events: Sequence[Event], options: ExportOptions) -> str:
    title = _h(options.title)
    count = f"{len(events)} event{'' if len(events) == 1 else 's'}"
    # One CSS rule per company colour instead of a style attribute on every chip.
    colours = sorted({company_hex(name) for e in events for name in e.companies})
    colour_rule = {hex_: f"h{i}" for i, hex_ in enumerate(colours)}
    colour_class = {name: colour_rule[company_hex(name)] for e in events for name in e.companies}
    body = []
    for year, group in group_by_year(events):
        heading = f'<h2 id="y{year}">{year}</h2>\n' if year is not None else ""
        body.append(f'<section class="year">{heading}<ol class="events">')
        body += [_event(e, colour_class) for e in group]
        body.append("</ol></section>")
    policy = "default-src 'none'; style-src 'unsafe-inline'"
    style = STYLE + "".join(f"\n.{rule} {{ --c: {hex_}; }}" for hex_, rule in colour_rule.items())
    before: list[str] = []
    after: list[str] = []
    if not options.static:
        from timeline.exporters import _html_app as app

        policy += f"; script-src {app.script_hash()}"
        style += "\n" + app.STYLE
        before = [app.controls(events, options.parents), '<div id="list">']
        after = [
            "</div>",
            f'<script type="application/json" id="timeline-data">{app.data(events, options.parents)}</script>',
            f"<script>{app.script()}</script>",
        ]
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{title}</title>",
            f"<style>\n{style}\n</style>",
            "</head>",
            "<body>",
            "<main>",
            f"<h1>{title}</h1>",
            f'<p class="meta">{count} · generated {options.today.isoformat()} by timeline</p>',
            *before,
            *body,
            *after[:1],
            "</main>",
            *after[1:],
            "</body>",
            "</html>",
            "",
        ]
    )
