"""The small card a reader sees on hovering, focusing or tapping the first mention of someone.

Built at build time from the registry, so reading a page makes no request anywhere. The card is
``hidden`` in the markup: without the stylesheet it never shows, and without JavaScript it
still shows on hover and keyboard focus (CSS), leaving a plain link where neither works.
"""

from __future__ import annotations

from html import escape

from ...registry import ROLE_LABELS, Event, Organisation, Person, Registry

LABELS = {"person": "Person", "organisation": "Organisation", "event": "Event"}


def _lines(kind: str, entity: Person | Organisation | Event, registry: Registry) -> list[str]:
    if isinstance(entity, Person):
        lines = [position.title for position in entity.positions if position.at_event]
        if not lines:
            roles = {role for event in entity.events for role in event.roles}
            lines = [ROLE_LABELS[role] for role in sorted(roles)]
        return lines
    if isinstance(entity, Event):
        return [entity.when]
    lines = [entity.country or ""]
    if entity.parent:
        lines.append(f"part of {registry.organisations[entity.parent].name}")
    return [line for line in lines if line]


def card_html(kind: str, entity: Person | Organisation | Event, registry: Registry, card_id: str) -> str:
    """The card's HTML: the name, then the positions (people) or country and parent (organisations)."""
    details = "".join(
        f'<span class="mention-card-line">{escape(line)}</span>' for line in _lines(kind, entity, registry)
    )
    label = LABELS[kind]
    return (
        f'<span class="mention-card" role="tooltip" id="{card_id}" hidden>'
        f'<span class="mention-card-kind">{label}</span>'
        f'<strong class="mention-card-name">{escape(entity.name)}</strong>{details}</span>'
    )
