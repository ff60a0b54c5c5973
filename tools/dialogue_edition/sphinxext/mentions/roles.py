"""The ``{person}``, ``{org}`` and ``{event}`` roles: ``{person}`Professor Kurbanov <kurbanov>```.

Each mention becomes a :class:`~.nodes.mention` holding a cross-reference to the glossary
entry; ``collect`` later keeps the link on the first mention per page only. An unknown id is an
error at the page's line, naming the closest known ids.
"""

from __future__ import annotations

import difflib

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole
from sphinx.util.nodes import split_explicit_title

from .domain import forum_domain
from .nodes import mention

logger = logging.getLogger(__name__)


class MentionRole(SphinxRole):
    """A mention of one kind of entity (``person`` or ``organisation``)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        explicit, text, entity = split_explicit_title(self.text)
        entries = forum_domain(self.env).registry.entries(self.kind)
        if entity not in entries:
            close = difflib.get_close_matches(entity, list(entries), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            logger.warning("unknown %s id %r%s", self.kind, entity, hint, location=self.get_location())
            return [nodes.inline(self.rawtext, text if explicit else entity, classes=["unknown-mention"])], []
        label = text if explicit else entries[entity].name
        reference = pending_xref(
            self.rawtext, refdomain="forum", reftype=self.kind, reftarget=entity, refexplicit=True, refwarn=True
        )
        reference += nodes.Text(label)
        node = mention(self.rawtext, "", reference, kind=self.kind, entity=entity, first=True)
        self.set_source_info(node)
        return [node], []


def setup(app: Sphinx) -> None:
    """Register the roles under their short names, the way pages write them."""
    app.add_role("person", MentionRole("person"))
    app.add_role("org", MentionRole("organisation"))
    app.add_role("event", MentionRole("event"))
