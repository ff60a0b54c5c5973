"""Every node of a page knows the file and line it came from, before Sphinx goes looking.

Directives that generate their content (the glossaries, the timeline, the data page, a report's
landing page) make many nodes at once, most without ``source`` and ``line``. Sphinx patches such
nodes in its first transform (``ApplySourceWorkaround``), and on the way logs each one at debug
level as XML, which it writes out whether or not anyone reads the debug log: at one report,
hundreds of nodes turned into a DOM and back, a few milliseconds a glossary; at 200 reports, the
same on every page that is read. Its i18n checks do the same for every paragraph without a
source.

This transform runs just before Sphinx's and gives each such node the position of the nearest
node above it that has one, as the workaround itself does for a title. MyST records the
directive's position on the nodes a directive returns, so a generated node takes its
directive's file and line, and a warning about it names them rather than no place at all.
Nothing a reader sees changes: positions are not written into any edition.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform


def inherit_positions(document: nodes.document) -> int:
    """Give every element without a source its parent's source and line; return how many it changed.

    ``findall`` visits a parent before its children, so a position passes down a whole generated
    tree in one walk. A node whose ancestors have no source either is left as it is.
    """
    changed = 0
    for node in document.findall(nodes.Element):
        if node.source is None and node.parent is not None and node.parent.source is not None:
            node.source, node.line = node.parent.source, node.parent.line
            changed += 1
    return changed


class InheritSourcePositions(SphinxTransform):
    """:func:`inherit_positions` over the page, before ``ApplySourceWorkaround`` (priority 10)."""

    default_priority = 9

    def apply(self) -> None:
        inherit_positions(self.document)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(InheritSourcePositions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
