"""After a page is read: anchor the paragraphs that mention someone, keep one link per entity.

Paragraphs (and captions) are numbered in reading order; one that holds a mention gets an
anchor ``p<N>`` so that a glossary's "Mentioned in" can link to the very paragraph. The first
mention of each person, organisation or event on the page keeps its link; later ones become
plain text. Citations of agreements are recorded too (``citations`` marks them as mentions).

Mentions inside an editorial addition (an ``{editorial}`` box) keep their link and card and are
recorded as editorial: they keep an entry from being an orphan, but "Mentioned in" and "Cited in"
list the reports' own paragraphs only, never the editors' words beside them.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .domain import Mention, forum_domain
from .nodes import mention

LINK_FIRST_ONLY = {"person", "organisation", "event"}
"""Kinds linked at their first mention on a page only; every citation of an agreement stays a link."""


GENERATED_TABLES = frozenset({"report-metadata"})
"""Classes of the field lists a page generates from data. Their values (a language code, a
checksum) are no passage of a report: they are not numbered among its paragraphs, so a report's
landing page runs ¶1, ¶2, … with no gap where its metadata stands."""


def _blocks(document: nodes.document) -> list[nodes.Element]:
    """Paragraphs and captions, in reading order, outside the tables generated from data."""
    found: list[nodes.Element] = []
    stack: list[nodes.Node] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, (nodes.paragraph, nodes.caption)):
            found.append(node)
        elif isinstance(node, nodes.field_list) and GENERATED_TABLES.intersection(node["classes"]):
            continue
        if isinstance(node, nodes.Element):
            stack.extend(reversed(node.children))
    return found


def is_editorial(block: nodes.Element) -> bool:
    """Whether the block stands inside an editorial addition (the editors' words, not a report's)."""
    node: nodes.Node | None = block
    while node is not None:
        if isinstance(node, nodes.Element) and "editorial" in node.get("classes", []):
            return True
        node = node.parent
    return False


def _anchor(block: nodes.Element, anchor: str) -> str:
    """Give the block an anchor to link to, and return it.

    A caption is anchored by its figure: LaTeX cannot take a label inside a caption.
    """
    if isinstance(block, nodes.caption):
        figure = block.parent
        if not figure["ids"]:
            figure["ids"].append(anchor)
        figure_anchor: str = figure["ids"][0]
        return figure_anchor
    block.insert(0, nodes.target("", "", ids=[anchor]))
    return anchor


def _unlink(node: mention) -> None:
    """Keep a later mention as plain (but still marked) text."""
    text = node.astext()
    node.clear()
    node += nodes.Text(text)
    node["first"] = False


class CollectMentions(SphinxTransform):
    """Record each page's mentions in the ``forum`` domain."""

    default_priority = 800

    def apply(self) -> None:
        docname = self.env.docname
        seen: set[tuple[str, str]] = set()
        recorded: list[Mention] = []
        for number, block in enumerate(_blocks(self.document), start=1):
            found = list(block.findall(mention))
            if not found:
                continue
            editorial = is_editorial(block)
            anchor = "" if editorial else _anchor(block, f"p{number}")
            for node in found:
                key = (node["kind"], node["entity"])
                if key in seen and node["kind"] in LINK_FIRST_ONLY:
                    _unlink(node)
                seen.add(key)
                record = Mention(node["kind"], node["entity"], docname, anchor, number, editorial)
                if record not in recorded:
                    recorded.append(record)
        domain = forum_domain(self.env)
        domain.note_mentions(docname, recorded)


def setup(app: Sphinx) -> None:
    """Run the collection on every page read."""
    app.add_transform(CollectMentions)
