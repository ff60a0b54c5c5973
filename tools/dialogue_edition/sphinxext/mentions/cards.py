"""The small card a reader sees on hovering, focusing or tapping a mention or a citation.

Built at build time from the registry, so reading a page makes no request anywhere. The card is
``hidden`` in the markup: without the stylesheet it never shows, and without JavaScript it
still shows on hover and keyboard focus (CSS), leaving a plain link where neither works.
"""

from __future__ import annotations

from html import escape
from typing import Any

from ...agreements import Agreement
from ...registry import Event, Organisation, Participation, Person, Registry
from ...source_report import long_date

ReportsMetadata = dict[str, dict[str, Any]]
"""Every report's metadata by slug, newest first, as ``conf.py`` hands it over (``edition_reports``)."""
LABELS = {
    "person": "Person",
    "organisation": "Organisation",
    "event": "Event",
    "agreement": "Agreement: an editorial citation",
}

Entity = Person | Organisation | Event | Agreement


def person_lines(person: Person, report: str | None, reports: ReportsMetadata) -> list[str]:
    """What the report of the page says of the person: its posts for them, else what they did.

    On a page of a report that does not name the person among its own (or a page of no report),
    the card says which report its lines come from (the newest that names the person), so that
    one report's posts are never passed off as another's.
    """
    own = person.in_report(report) if report else None
    if own is not None:
        return _participation_lines(own)
    order = {slug: index for index, slug in enumerate(reports)}
    latest = min(person.events, key=lambda event: order.get(event.report, len(order)))
    when = reports.get(latest.report, {}).get("conference_date")
    source = f"In the report of {long_date(when)}:" if when else f"In the report {latest.report!r}:"
    return [source, *_participation_lines(latest)]


def _participation_lines(event: Participation) -> list[str]:
    lines = [position.title + (f" ({position.context})" if position.context else "") for position in event.positions]
    return lines or list(event.roles)


def _lines(entity: Entity, registry: Registry, report: str | None, reports: ReportsMetadata) -> list[str]:
    """What the card says under the name: only what the registry (and so the glossary) gives."""
    if isinstance(entity, Person):
        return person_lines(entity, report, reports)
    if isinstance(entity, Event):
        return [entity.when]
    if isinstance(entity, Agreement):
        return [f"Signed at {entity.location}, {long_date(entity.date)}", entity.parties]
    lines: list[str] = ["Russia and the Republic of Korea" if entity.country == "both" else entity.country or ""]
    if entity.parent:
        lines.append(f"part of {registry.organisations[entity.parent].name}")
    return [line for line in lines if line]


def _name(entity: Entity) -> str:
    return entity.title if isinstance(entity, Agreement) else entity.name


def card_html(
    kind: str,
    entity: Entity,
    registry: Registry,
    card_id: str,
    report: str | None = None,
    reports: ReportsMetadata | None = None,
) -> str:
    """The card's HTML: the kind, the name, then what the registry says of the entry.

    ``report`` is the slug of the report whose page holds the mention (``reports``: every report's
    metadata, newest first): a person's card gives what that report says of them.
    """
    lines = _lines(entity, registry, report, reports or {})
    details = "".join(f'<span class="mention-card-line">{escape(line)}</span>' for line in lines)
    return (
        f'<span class="mention-card" role="tooltip" id="{escape(card_id)}" hidden>'
        f'<span class="mention-card-kind">{LABELS[kind]}</span>'
        f'<strong class="mention-card-name">{escape(_name(entity))}</strong>{details}</span>'
    )
