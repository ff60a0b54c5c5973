"""Walking a docutils tree upwards: the elements a node stands in."""

from __future__ import annotations

from docutils import nodes


def ancestors(node: nodes.Node) -> list[nodes.Element]:
    """The elements ``node`` stands in, nearest first, up to the document."""
    found = []
    while isinstance(node.parent, nodes.Element):
        node = node.parent
        found.append(node)
    return found
