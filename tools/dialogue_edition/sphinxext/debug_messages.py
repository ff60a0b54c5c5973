"""Sphinx's debug messages about a node's XML are written out only when a debug log is.

Sphinx's ``ApplySourceWorkaround`` transform logs a debug message for every term of every
definition list (``sphinx.util.nodes.apply_source_workaround``), and the message's argument,
``repr_domxml(node)``, builds the node's DOM and prints it as XML before the logger is asked
whether anyone listens: nobody does below ``-vv``. The glossaries and the data dictionary are
definition lists: this took 44 ms of a one-report EPUB build and 9 ms of its web site.

So ``repr_domxml`` gives a stand-in whose text is the same XML, worked out when the message is
written (``%s`` formats it), not before. Sphinx's other uses of the function are debug messages
of the same module.
"""

from __future__ import annotations

from typing import Any

import sphinx.util.nodes
from docutils import nodes
from sphinx.application import Sphinx

_eager_repr_domxml = sphinx.util.nodes.repr_domxml


class NodeXml:
    """``repr_domxml(node, length)``, written out only when formatted."""

    __slots__ = ("length", "node")

    def __init__(self, node: nodes.Node, length: int = 80) -> None:
        self.node, self.length = node, length

    def __str__(self) -> str:
        return _eager_repr_domxml(self.node, self.length)

    __repr__ = __str__


def lazy_repr_domxml(node: nodes.Node, length: int = 80) -> str:
    """What ``sphinx.util.nodes.repr_domxml`` gives, as text worked out when a message is written."""
    return NodeXml(node, length)  # type: ignore[return-value]  # formatted by its callers' messages only


def setup(app: Sphinx) -> dict[str, Any]:
    if getattr(sphinx.util.nodes, "repr_domxml", None) is _eager_repr_domxml:
        sphinx.util.nodes.repr_domxml = lazy_repr_domxml
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
