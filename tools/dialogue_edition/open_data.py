"""The edition's open data: the registry and every mention as tables (CSV and JSON).

Each table is described once, here (``TABLES``: its fields, their types and meanings); the JSON
Schema of each JSON file, the Table Schema of each CSV file in the Frictionless Data Package
(``datapackage.json``) and the data dictionary page are all generated from these descriptions.
The rows come from the registry (``registry/``) and from the mentions the build collects; a field
the registry leaves out stays empty, so no fact reaches the data without a source.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .registry import Registry

JSON_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean"}


@dataclass(frozen=True)
class Column:
    """One field of a table: its name, Table Schema type, meaning and whether it is always filled."""

    name: str
    type: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One data file (as ``<name>.csv`` and ``<name>.json``)."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]


def _c(name: str, kind: str, description: str, required: bool = False) -> Column:
    return Column(name, kind, description, required)


SOURCES = _c("sources", "string", "where the facts were checked, where the registry records it (JSON text)")
TABLES: tuple[Table, ...] = (
    Table(
        "people",
        "People",
        "Every person the reports name, as the report writes the name.",
        (
            _c("id", "string", "the registry's id (registry/people.yaml)", True),
            _c("name", "string", "the name exactly as the report writes it", True),
            _c("family_name", "string", "the family name", True),
            _c("given_name", "string", "the given name, where known"),
            _c("name_order", "string", "family-first or given-first, as the name is written", True),
            _c("other_forms", "string", "other ways the report writes the name, separated by ' | '"),
            _c("note", "string", "an editorial note"),
            SOURCES,
            _c("url", "string", "the person's entry in the edition's glossary", True),
        ),
        ("id",),
    ),
    Table(
        "positions",
        "Positions",
        "The positions the reports state for each person, in their words.",
        (
            _c("person_id", "string", "the person (people.id)", True),
            _c("report", "string", "the report that states the position (its slug)", True),
            _c("order", "integer", "the position's place in that report's list for the person, from 1", True),
            _c("title", "string", "the position as the report states it", True),
            _c(
                "organisation_id",
                "string",
                "the organisation of the position (organisations.id), if the registry names one",
            ),
            _c(
                "context",
                "string",
                "empty: held at the time of the report's event; else the other time the report gives, in its words",
            ),
        ),
        ("person_id", "report", "order"),
    ),
    Table(
        "roles",
        "Roles",
        "What each person did at the event of each report.",
        (
            _c("person_id", "string", "the person (people.id)", True),
            _c("report", "string", "the report (its slug)", True),
            _c("role", "string", "what the report says the person did, in its words", True),
        ),
        ("person_id", "report", "role"),
    ),
    Table(
        "organisations",
        "Organisations",
        "Every organisation the reports name (states are places, not organisations).",
        (
            _c("id", "string", "the registry's id (registry/organisations.yaml)", True),
            _c("name", "string", "the name as the report writes it", True),
            _c("short_name", "string", "a short name, only where a report gives one"),
            _c("country", "string", "Russia, Republic of Korea or both, only where certain"),
            _c("parent_id", "string", "the organisation it is part of (organisations.id), only where certain"),
            _c("other_forms", "string", "other ways the report writes the name, separated by ' | '"),
            _c("note", "string", "an editorial note"),
            SOURCES,
            _c("url", "string", "the organisation's entry in the edition's glossary", True),
        ),
        ("id",),
    ),
    Table(
        "events",
        "Events",
        "The dated events the reports name: the edition's timeline.",
        (
            _c("id", "string", "the registry's id (registry/events.yaml)", True),
            _c("name", "string", "what happened, in the report's words where it has them", True),
            _c("date", "string", "YYYY-MM-DD, or YYYY where only the year is known", True),
            _c("until", "integer", "the last year of a period"),
            _c("agreement_key", "string", "the agreement signed (agreements.key)"),
            SOURCES,
            _c("note", "string", "an editorial note"),
            _c("url", "string", "the event's entry in the edition's timeline", True),
        ),
        ("id",),
    ),
    Table(
        "agreements",
        "Agreements",
        "The historical agreements the edition cites (registry/agreements.bib).",
        (
            _c("key", "string", "the BibTeX key", True),
            _c("kind", "string", "treaty, armistice agreement, joint communiqué, ...", True),
            _c("title", "string", "the agreement's title", True),
            _c("short_title", "string", "a short title"),
            _c("date", "date", "the date of signature", True),
            _c("date_note", "string", "a note on the date"),
            _c("location", "string", "the place of signature", True),
            _c("parties", "string", "the parties", True),
            _c("signatories", "string", "the signatories"),
            _c("note", "string", "an editorial note"),
            _c("sources", "string", "where the facts were checked", True),
            _c("url", "string", "the agreement's entry in the edition", True),
        ),
        ("key",),
    ),
    Table(
        "mentions",
        "Mentions",
        "Every paragraph that mentions a person, organisation or event, or cites an agreement; "
        "a paragraph that mentions one several times counts once.",
        (
            _c("kind", "string", "person, organisation, event or agreement", True),
            _c("entity_id", "string", "the id (people, organisations, events) or key (agreements)", True),
            _c("report", "string", "the report the page belongs to (its slug); empty for the site's other pages"),
            _c("page", "string", "the page (its path in the edition, without suffix)", True),
            _c(
                "paragraph_anchor",
                "string",
                "the paragraph's anchor on the page; empty for an editorial note that has none",
            ),
            _c(
                "paragraph_number",
                "integer",
                "the paragraph's number on the page (paragraphs and captions, from 1)",
                True,
            ),
            _c(
                "editorial",
                "boolean",
                "true: the editors' words (the glossaries list only the reports' own); false: the report's own",
                True,
            ),
            _c("url", "string", "the paragraph's permalink (the page's, where the paragraph has no anchor)", True),
        ),
        ("kind", "entity_id", "page", "paragraph_number"),
    ),
)


def _forms(forms: Iterable[str]) -> str | None:
    joined = " | ".join(forms)
    return joined or None


def _sources(entry: object) -> str | None:
    """An entry's sources, whatever shape the registry gives them, as JSON text; None if it has none."""
    sources = getattr(entry, "sources", None)
    if not sources:
        return None
    if hasattr(sources, "model_dump"):
        sources = sources.model_dump(mode="json")
    elif isinstance(sources, list):
        sources = [item.model_dump(mode="json") if hasattr(item, "model_dump") else item for item in sources]
    return sources if isinstance(sources, str) else json.dumps(sources, ensure_ascii=False, sort_keys=True)


class MentionRow(NamedTuple):
    """One paragraph's mention of one entity, with what the build knows of the paragraph.

    A named tuple: a build makes one for every mention (19,482 at 200 reports), and a tuple is
    made in a fraction of a frozen dataclass's time.
    """

    kind: str
    entity_id: str
    report: str | None
    page: str
    paragraph_anchor: str
    paragraph_number: int
    editorial: bool
    url: str


def rows(
    registry: Registry, mentions: list[MentionRow], entry_url: Callable[[str, str], str | None]
) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, in the registry's order; ``entry_url(kind, id)`` gives a glossary permalink."""
    people = [
        {
            "id": person.id,
            "name": person.name,
            "family_name": person.family_name,
            "given_name": person.given_name,
            "name_order": person.name_order,
            "other_forms": _forms(person.forms),
            "note": person.note,
            "sources": _sources(person),
            "url": entry_url("person", person.id),
        }
        for person in registry.people.values()
    ]
    positions = [
        {
            "person_id": person.id,
            "report": event.report,
            "order": order,
            "title": position.title,
            "organisation_id": position.organisation,
            "context": position.context,
        }
        for person in registry.people.values()
        for event in person.events
        for order, position in enumerate(event.positions, start=1)
    ]
    roles = [
        {"person_id": person.id, "report": event.report, "role": role}
        for person in registry.people.values()
        for event in person.events
        for role in event.roles
    ]
    organisations = [
        {
            "id": org.id,
            "name": org.name,
            "short_name": org.short_name,
            "country": org.country,
            "parent_id": org.parent,
            "other_forms": _forms(org.forms),
            "note": org.note,
            "sources": _sources(org),
            "url": entry_url("organisation", org.id),
        }
        for org in registry.organisations.values()
    ]
    events = [
        {
            "id": event.id,
            "name": event.name,
            "date": event.date.isoformat() if isinstance(event.date, datetime.date) else str(event.date),
            "until": event.until,
            "agreement_key": event.agreement,
            "sources": _sources(event),
            "note": event.note,
            "url": entry_url("event", event.id),
        }
        for event in registry.events.values()
    ]
    agreements = [
        {
            "key": key,
            "kind": agreement.kind,
            "title": agreement.title,
            "short_title": agreement.shorttitle,
            "date": agreement.date.isoformat(),
            "date_note": agreement.datenote,
            "location": agreement.location,
            "parties": agreement.parties,
            "signatories": agreement.signatories,
            "note": agreement.note,
            "sources": agreement.sources,
            "url": entry_url("agreement", key),
        }
        for key, agreement in registry.agreements.items()
    ]
    mention_rows = [mention._asdict() for mention in mentions]
    found: dict[str, list[dict[str, Any]]] = {
        "people": people,
        "positions": positions,
        "roles": roles,
        "organisations": organisations,
        "events": events,
        "agreements": agreements,
        "mentions": mention_rows,
    }
    return {table.name: found[table.name] for table in TABLES}


def json_schema(table: Table, site_url: str) -> dict[str, Any]:
    """The JSON Schema of ``<table>.json``: an array of objects with exactly the table's fields."""
    properties = {}
    for column in table.columns:
        json_type = JSON_TYPES.get(column.type, "string")
        described: dict[str, Any] = {"type": json_type if column.required else [json_type, "null"]}
        if column.type == "date":
            described["format"] = "date"
        properties[column.name] = {**described, "description": column.description}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{site_url}data/{table.name}.schema.json",
        "title": table.title,
        "description": table.description,
        "type": "array",
        "items": {
            "type": "object",
            "properties": properties,
            "required": [column.name for column in table.columns],
            "additionalProperties": False,
        },
    }


def table_schema(table: Table) -> dict[str, Any]:
    """The Frictionless Table Schema of ``<table>.csv``."""
    fields = []
    for column in table.columns:
        field: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
        if column.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    return {"fields": fields, "primaryKey": list(table.primary_key), "missingValues": [""]}


def datapackage(title: str, site_url: str, version: str) -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the CSV files."""
    return {
        "name": "dialogue-forum-edition-data",
        "title": f"{title}: open data",
        "version": version,
        "homepage": site_url,
        "description": "The people, organisations, events and agreements the reports name, and every paragraph "
        "that mentions them. The JSON files hold the same rows; each has a JSON Schema beside it.",
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "description": table.description,
                "path": f"{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": table_schema(table),
            }
            for table in TABLES
        ],
    }


def to_csv(table: Table, records: list[dict[str, Any]]) -> str:
    """The rows as CSV: a header of the field names, booleans as ``true``/``false``, no value as empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.name for column in table.columns])
    for record in records:
        writer.writerow([_cell(record[column.name]) for column in table.columns])
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_json(records: list[dict[str, Any]]) -> str:
    """The rows as a JSON array of objects, keys in the table's order: ``json.dumps(indent=1)``'s bytes.

    With an indent, ``json`` encodes in Python, not in C: 0.3 s for the mentions of 200 reports.
    Rows whose values are all scalars (every table's, today) are encoded in C instead, each item
    followed by a line break and two spaces; a line break in a value is escaped, so a comma, a
    line break and a brace can only be where one row ends and the next begins, and that is where
    the rows get ``indent=1``'s line breaks and spaces. Any other rows are left to ``indent=1``
    (``tests/test_open_data.py`` compares both ways).
    """
    flat = (
        all(isinstance(record, dict) and record for record in records)
        and {type(value) for record in records for value in record.values()} <= JSON_SCALARS
    )
    if not records or not flat:
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    encoded = json.JSONEncoder(ensure_ascii=False, separators=(",\n  ", ": ")).encode(records)
    return "[\n {\n  " + encoded[2:-2].replace("},\n  {", "\n },\n {\n  ") + "\n }\n]\n"


JSON_SCALARS = {str, int, float, bool, type(None)}
"""The types of value a row's JSON writes on one line (exact types: a subclass might encode otherwise)."""
