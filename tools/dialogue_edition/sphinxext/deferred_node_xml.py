"""Sphinx's debug messages about nodes, written out as XML only when a message is written.

Sphinx patches the nodes that lack a source or a line in its first transform
(``ApplySourceWorkaround``: the glossaries' generated titles and fields, every definition term)
and logs each patch at debug level, with the node written out as XML
(``sphinx.util.nodes.repr_domxml``: a DOM of the node and its text, serialised). Python makes
that argument before the logger decides whether to write the message, and a build writes debug
messages only with ``-vv``: hundreds of nodes a glossary page turned into XML for nothing (about
10 ms of a one-report build, on every glossary page read).

This extension has ``repr_domxml`` give an object that makes the same text when the message is
formatted, which the logging handlers do only for a message they write. Where a handler takes
debug messages (``-vv``, or the buffer of Sphinx's parallel readers, which keeps every message and
formats it later, after the node has changed) the text is made at once, as before. Nothing else
changes: Sphinx patches the same nodes in the same way, and ``-vv`` shows the same messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sphinx.util.nodes
from docutils import nodes
from sphinx.application import Sphinx


class DeferredXML:
    """A node as ``repr_domxml`` writes it, made when the object is turned into text."""

    def __init__(self, write: Callable[[nodes.Node, int], str], node: nodes.Node, length: int) -> None:
        self._write, self._node, self._length = write, node, length

    def __str__(self) -> str:
        return self._write(self._node, self._length)

    __repr__ = __str__


def debug_messages_kept() -> bool:
    """Whether a handler of Sphinx's logger takes debug messages (``-vv``, a parallel reader's buffer)."""
    return any(handler.level <= logging.DEBUG for handler in logging.getLogger("sphinx").handlers)


def deferred(write: Callable[[nodes.Node, int], str]) -> Callable[[nodes.Node, int], Any]:
    """``write`` (Sphinx's ``repr_domxml``), its XML made only when used as text, unless debug messages are kept."""

    def repr_domxml(node: nodes.Node, length: int = 80) -> str | DeferredXML:
        return write(node, length) if debug_messages_kept() else DeferredXML(write, node, length)

    repr_domxml.deferring = write  # type: ignore[attr-defined]
    return repr_domxml


def defer_node_xml() -> None:
    """Replace ``sphinx.util.nodes.repr_domxml`` (once a process) with :func:`deferred`'s."""
    current = sphinx.util.nodes.repr_domxml
    if not hasattr(current, "deferring"):
        sphinx.util.nodes.repr_domxml = deferred(current)  # type: ignore[assignment]


def setup(app: Sphinx) -> dict[str, Any]:
    defer_node_xml()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
