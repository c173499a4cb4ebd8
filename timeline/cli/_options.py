"""The filter options shared by list, stats and export, declared once as one bundle.

``with_filters`` adds every filter option to a command's signature (typer reads signatures, and
has no option groups) and hands the command one ``Filters`` mapping instead. ``select_events``
builds the Query from that mapping by name: a new filter is a line here and a keyword in
``timeline.query.build_query``.
"""

from __future__ import annotations

import copy
import functools
import inspect
import sys
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any, get_args

import typer

if TYPE_CHECKING:
    from timeline.model import Event, Registry
    from timeline.query import Query
    from timeline.store import Store

Filters = dict[str, Any]

CompanyOpt = Annotated[
    list[str] | None,
    typer.Option("--company", "-c", help="Events involving this company or its subsidiaries (repeatable)."),
]
TagOpt = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Events with this tag (repeatable, any of).")]

# name -> (annotation, default). Which events: every command that selects events takes these.
_SELECTION: dict[str, tuple[Any, Any]] = {
    "company": (CompanyOpt, None),
    "all_companies": (
        Annotated[bool, typer.Option("--all-companies", help="Keep events involving every named company, not any.")],
        False,
    ),
    "since": (
        Annotated[
            str | None,
            typer.Option("--since", "--from", help="Events on or after DATE (2026-04, 'April 2026', 'last month'...)."),
        ],
        None,
    ),
    "until": (
        Annotated[
            str | None,
            typer.Option("--until", "--to", help="Events on or before DATE (--until 2026-04 includes April)."),
        ],
        None,
    ),
    "on": (
        Annotated[str | None, typer.Option("--on", help="Events during PERIOD (2026, 2026-Q2, 'this week'...).")],
        None,
    ),
    "within": (
        Annotated[bool, typer.Option("--within", help="Require the whole event date to lie inside the range.")],
        False,
    ),
    "exact_company": (
        Annotated[
            bool,
            typer.Option("--exact-company", help="-c without subsidiaries; lanes: no folding into parents."),
        ],
        False,
    ),
    "tag": (TagOpt, None),
    "kind": (
        Annotated[list[str] | None, typer.Option("--kind", "-k", help="Events of this kind (repeatable, any of).")],
        None,
    ),
    "search": (
        Annotated[
            list[str] | None,
            typer.Option(
                "--search",
                "-s",
                help='Words that must all occur in title, summary, companies or tags ("quotes" keep a phrase).',
            ),
        ],
        None,
    ),
    "any_term": (
        Annotated[bool, typer.Option("--any", help="Keep events with any of the -s words, not all.")],
        False,
    ),
    "related_to": (
        Annotated[
            str | None,
            typer.Option("--related-to", metavar="ID", help="The event ID and its related events (a storyline)."),
        ],
        None,
    ),
    "depth": (
        Annotated[
            int, typer.Option("--depth", min=1, help="With --related-to: follow related links N steps (default 1).")
        ],
        1,
    ),
}
# How they are ordered and cut: for the commands that print events one by one.
_ORDERING: dict[str, tuple[Any, Any]] = {
    "sort": (Annotated[str, typer.Option("--sort", help="date, title or company.")], "date"),
    "reverse": (Annotated[bool, typer.Option("--reverse", "-r", help="Newest first.")], False),
    "limit": (
        Annotated[
            int | None, typer.Option("--limit", "-n", min=0, help="The newest N events, shown in the asked order.")
        ],
        None,
    ),
}


def _renamed(annotation: Any, flags: tuple[str, ...]) -> Any:
    """The option ``annotation`` answering to ``flags`` instead of its own names."""
    kind, info = get_args(annotation)
    info = copy.copy(info)
    # In an Annotated option, typer keeps the first name as the "default" and the rest as
    # param_decls (the real default is the parameter's).
    if info.help and isinstance(info.default, str):  # "--until 2026-04 includes April" -> "--to ..."
        info.help = info.help.replace(info.default, flags[0])
    info.default, info.param_decls = flags[0], flags[1:]
    return Annotated[kind, info]


def with_filters(
    *, ordering: bool = True, flags: Mapping[str, tuple[str, ...]] | None = None
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command every filter option; it receives them as ``filters: Filters``.

    ``flags`` renames options for a command whose own options need their names (``changes``
    takes --since/--until for revisions, so its event-date filters are --from/--to only).
    """
    options = {**_SELECTION, **(_ORDERING if ordering else {})}
    for name, names in (flags or {}).items():
        annotation, default = options[name]
        options[name] = (_renamed(annotation, names), default)

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "filters"]
        added = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
            for name, (annotation, default) in options.items()
        ]

        @functools.wraps(command)
        def wrapper(**values: Any) -> None:
            filters = {name: values.pop(name) for name in options}
            command(**values, filters=filters)

        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*(p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own), *added]
        )
        wrapper.__annotations__ = {}  # the signature above carries them, evaluated
        return wrapper

    return decorate


def filter_query(
    registry: Registry, known_tags: Iterable[str], filters: Filters, events: Sequence[Event] = ()
) -> Query:
    """The Query the filter options ask for (``events``: where --related-to looks); warnings go
    to stderr."""
    from timeline.cli._common import today
    from timeline.query import build_query
    from timeline.text import visible

    given = {name: value for name, value in filters.items() if value is not None}  # None: not given
    related_to, depth = given.pop("related_to", None), given.pop("depth", 1)
    if related_to is not None:
        from timeline.query import find_event, storyline

        start = find_event(events, related_to)
        given["ids"] = frozenset(storyline(events, start.id, depth))
    elif depth != 1:
        from timeline.errors import UsageError

        raise UsageError("--depth needs --related-to ID")
    query, warnings = build_query(registry, known_tags, today(), **given)
    for warning in warnings:
        sys.stderr.write(f"warning: {visible(warning)}\n")
    return query


def select_events(store: Store, filters: Filters, only: Collection[str] | None = None) -> tuple[list[Event], Query]:
    """The events the filter options select (of those with an id in ``only``, if given), in
    the asked order, and the Query."""
    from timeline.query import select

    query = filter_query(store.registry, (t for e in store.events for t in e.tags), filters, store.events)
    events = store.events if only is None else [e for e in store.events if e.id in only]
    return select(events, query, store.registry, in_order=True), query


# list and export: only events that are new since a git revision (see `timeline changes`).
AddedSinceOpt = Annotated[
    str | None,
    typer.Option("--added-since", metavar="REV", help="Only events added since git revision REV (e.g. HEAD~1)."),
]
