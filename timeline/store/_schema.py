"""The JSON Schema (draft 2020-12) of the store format, for editors that validate as you type."""

from __future__ import annotations

from typing import Any

from timeline.model import COMPANY_FIELDS, EVENT_FIELDS, IMPORTED_FIELDS, KINDS, REQUIRED_FIELDS, SOURCE_FIELDS
from timeline.store._parse import ID_MAX

_DATE_PART = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?"


def store_schema() -> dict[str, Any]:
    """The schema as a JSON-ready dict; `timeline schema` prints it."""
    text = {"type": "string", "minLength": 1}
    name_list = {"type": "array", "items": text}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "timeline event store",
        "description": "A YAML file of dated AI-industry events, read by the `timeline` command.",
        "type": "object",
        "required": ["version", "companies", "events"],
        "additionalProperties": False,
        "properties": {
            "version": {"const": 1},
            "companies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": _ordered(COMPANY_FIELDS, {"name": text, "aliases": name_list, "parent": text}),
                },
            },
            "events": {"type": "array", "items": {"$ref": "#/$defs/event"}},
        },
        "$defs": {
            "event": {
                "type": "object",
                "required": list(REQUIRED_FIELDS),
                "additionalProperties": False,
                "properties": _ordered(
                    EVENT_FIELDS,
                    {
                        "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$", "maxLength": ID_MAX},
                        "date": {
                            "description": "YYYY, YYYY-MM or YYYY-MM-DD, optionally ~ (approximate), "
                            "? (uncertain) or % (both); or START/END",
                            "anyOf": [
                                {"type": "integer", "minimum": 1, "maximum": 9999},
                                {"type": "string", "pattern": f"^{_DATE_PART}(/{_DATE_PART})?$"},
                            ],
                        },
                        "title": {"type": "string", "minLength": 1, "pattern": "^[^\\n]*$"},
                        "companies": {"type": "array", "items": text, "minItems": 1},
                        "kind": {"enum": list(KINDS)},
                        "tags": {
                            "type": "array",
                            "items": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                        },
                        "summary": {"type": ["string", "null"]},
                        "sources": {"type": "array", "items": {"$ref": "#/$defs/source"}},
                        "related": {"type": "array", "items": {"type": "string"}},
                        "imported": {"$ref": "#/$defs/imported"},
                    },
                ),
            },
            "imported": {
                "description": "where `timeline import` took the event from",
                "type": "object",
                "required": ["from"],
                "additionalProperties": False,
                "properties": _ordered(
                    IMPORTED_FIELDS,
                    {
                        "from": text,
                        "file": text,
                        "id": {"anyOf": [text, {"type": "integer"}]},
                        "row": {"type": "integer", "minimum": 1},
                        "at": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
                    },
                ),
            },
            "source": {
                "anyOf": [
                    {"type": "string", "pattern": "^https?://"},
                    {
                        "type": "object",
                        "required": ["url"],
                        "additionalProperties": False,
                        "properties": _ordered(
                            SOURCE_FIELDS,
                            {
                                "url": {"type": "string", "pattern": "^https?://"},
                                "title": text,
                                "publisher": text,
                                "note": text,
                            },
                        ),
                    },
                ]
            },
        },
    }


def _ordered(fields: tuple[str, ...], schemas: dict[str, Any]) -> dict[str, Any]:
    """The schema of each field, in the model's order; a field without one is a bug caught here."""
    if set(schemas) != set(fields):
        raise AssertionError(f"schema fields {sorted(schemas)} differ from the model's {sorted(fields)}")
    return {name: schemas[name] for name in fields}
