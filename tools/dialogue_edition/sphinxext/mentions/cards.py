"""The small card a reader sees on hovering, focusing or tapping a mention or a citation.

Built at build time from the registry, so reading a page makes no request anywhere. The card is
``hidden`` in the markup: without the stylesheet it never shows, and without JavaScript it
still shows on hover and keyboard focus (CSS), leaving a plain link where neither works.
"""

from __future__ import annotations

from html import escape

from ...agreements import Agreement
from ...registry import ROLE_LABELS, Event, Organisation, Person, Registry
from ...source_report import long_date

LABELS = {
    "person": "Person",
    "organisation": "Organisation",
    "event": "Event",
    "agreement": "Agreement: an editorial citation",
}
#: Said of a position the report gives for another time than the event's.
NOT_AT_EVENT = "at the time the report refers to"

Entity = Person | Organisation | Event | Agreement


def _lines(entity: Entity, registry: Registry) -> list[str]:
    """What the card says under the name: only what the registry (and so the glossary) gives."""
    if isinstance(entity, Person):
        lines = [position.title for position in entity.positions if position.at_event]
        lines += [f"{position.title} ({NOT_AT_EVENT})" for position in entity.positions if not position.at_event]
        if not any(position.at_event for position in entity.positions):
            roles = {role for event in entity.events for role in event.roles}
            lines += [ROLE_LABELS[role] for role in sorted(roles)]
        return lines
    if isinstance(entity, Event):
        return [entity.when]
    if isinstance(entity, Agreement):
        return [f"Signed at {entity.location}, {long_date(entity.date)}", entity.parties]
    lines = [entity.country or ""]
    if entity.parent:
        lines.append(f"part of {registry.organisations[entity.parent].name}")
    return [line for line in lines if line]


def _name(entity: Entity) -> str:
    return entity.title if isinstance(entity, Agreement) else entity.name


def card_html(kind: str, entity: Entity, registry: Registry, card_id: str) -> str:
    """The card's HTML: the kind, the name, then what the registry says of the entry."""
    details = "".join(f'<span class="mention-card-line">{escape(line)}</span>' for line in _lines(entity, registry))
    return (
        f'<span class="mention-card" role="tooltip" id="{escape(card_id)}" hidden>'
        f'<span class="mention-card-kind">{LABELS[kind]}</span>'
        f'<strong class="mention-card-name">{escape(_name(entity))}</strong>{details}</span>'
    )
