"""Doctree nodes of mentions and back-references, and how each builder writes them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator

from ...data_files import SPACES
from ...latex import with_break_points
from ..tree import ancestors
from .cards import card_html
from .domain import forum_domain

CITATION_EXPLAINED = "Editorial citation: the agreement the report refers to, in the list of historical agreements"
"""The explanation a citation label carries (its ``title``); each report's landing page says it too."""
REPORT_PAGE = re.compile(r"^reports/(?P<slug>[^/]+)/")
"""A page of a report: ``reports/<slug>/...``."""


class mention(nodes.Inline, nodes.TextElement):
    """A mention of a ``person``, ``organisation``, ``event``, or a citation of an ``agreement``.

    Attributes: ``kind``, ``entity`` (the registry id) and ``first`` (the first mention of that
    entity on its page, which links to the glossary entry; the others stay plain text).
    """


class mention_backrefs(nodes.General, nodes.Element):
    """Placeholder for an entry's "Mentioned in" list, filled in once every page is read."""


class page_number(nodes.Inline, nodes.Element):
    """The PDF page of an anchor (``docname``, ``anchor``); other builders leave it out."""


def visit_mention_html(self: HTML5Translator, node: mention) -> None:
    reference = next(iter(node.findall(nodes.reference)), None)
    is_epub = self.builder.name == "epub"
    data = {"data-kind": node["kind"], "data-entity": node["entity"]}
    if node["kind"] == "agreement":
        _visit_citation_html(self, node, reference, is_epub, data)
        return
    if not node.get("first") or reference is None:
        self.body.append(self.starttag(node, "span", "", CLASS="mention-text", **data))
        return
    href = reference.get("refuri") or "#" + reference.get("refid", "")
    card_id = f"card-{node['kind']}-{node['entity']}"
    described = "" if is_epub else f' aria-describedby="{card_id}"'
    self.body.append(self.starttag(node, "span", "", CLASS="mention", **data))
    self.body.append(f'<a class="reference internal mention-link" href="{self.attval(href)}"{described}>')
    self.body.append(self.encode(node.astext()) + "</a>")
    if not is_epub:
        registry = forum_domain(self.builder.env).registry
        entity = registry.entries(node["kind"])[node["entity"]]
        report = REPORT_PAGE.match(self.builder.current_docname)
        reports = self.builder.config.edition_reports
        slug = report["slug"] if report else None
        self.body.append(card_html(node["kind"], entity, registry, card_id, slug, reports))
    self.body.append("</span>")
    raise nodes.SkipNode


def _visit_citation_html(
    self: HTML5Translator, node: mention, reference: nodes.reference | None, is_epub: bool, data: dict[str, Any]
) -> None:
    """A citation ([1884]) keeps sphinxcontrib-bibtex's markup; on the site it gets a card like a mention.

    The card replaces the link's native tooltip, which touch screens never show.
    """
    nested = any(isinstance(child, mention) for child in node.findall(mention, include_self=False))
    if is_epub or reference is None or nested:
        # No card here: the label says what it is on hover.
        data["title"] = CITATION_EXPLAINED
        self.body.append(self.starttag(node, "span", "", CLASS="citation-ref editorial", **data))
        return
    # Card ids must be unique on the page, and a page may cite an agreement more than once.
    # (kept in the translator's own attributes: one translator writes one page)
    counts = vars(self)
    number = counts["edition_citation_cards"] = counts.get("edition_citation_cards", 0) + 1
    node["card_id"] = f"card-agreement-{node['entity']}-{number}"
    node["body_start"] = len(self.body)
    reference.attributes.pop("reftitle", None)
    self.body.append(self.starttag(node, "span", "", CLASS="mention citation-ref editorial", **data))


def depart_mention_html(self: HTML5Translator, node: mention) -> None:
    card_id = node.get("card_id")
    if card_id:
        # Describe the link by its card: the <a> sphinxcontrib-bibtex's reference wrote above.
        for index in range(node["body_start"], len(self.body)):
            if self.body[index].startswith("<a "):
                self.body[index] = f'<a aria-describedby="{card_id}" ' + self.body[index][3:]
                break
        registry = forum_domain(self.builder.env).registry
        self.body.append(card_html("agreement", registry.agreements[node["entity"]], registry, card_id))
    self.body.append("</span>")


class folded(nodes.General, nodes.Element):
    """Secondary matter folded away on the site (``<details>``), its ``summary`` the one line shown."""


def visit_folded_html(self: HTML5Translator, node: folded) -> None:
    self.body.append(self.starttag(node, "details", CLASS="folded"))
    self.body.append(f"<summary>{self.encode(node['summary'])}</summary>\n")


def depart_folded_html(self: HTML5Translator, node: folded) -> None:
    self.body.append("</details>\n")


class latex_anchor(nodes.Inline, nodes.Element):
    """A PDF link target named ``docname:anchor``, where LaTeX gives no label of its own.

    Sphinx moves bibliography entries to the end of the PDF, away from their page.
    """


def visit_latex_anchor(self: LaTeXTranslator, node: latex_anchor) -> None:
    self.body.append(r"\phantomsection\label{" + self.idescape(f"{node['docname']}:{node['anchor']}") + "}")
    raise nodes.SkipNode


def visit_mention_latex(self: LaTeXTranslator, node: mention) -> None:
    # A link inside \caption breaks LaTeX (a fragile command in a moving argument): a mention in
    # a caption is plain text in the PDF, its link kept everywhere else.
    if any(isinstance(ancestor, nodes.caption) for ancestor in ancestors(node)):
        self.body.append(with_break_points(node.astext(), self.encode))
        raise nodes.SkipNode
    # A mention that links to its glossary entry is underlined word by word (the macros are in
    # conf.py's LaTeX preamble), so that the line still breaks between its words and two
    # adjacent mentions show as two: italic and colour alone ran them together.
    reference = next(iter(node.findall(nodes.reference)), None)
    uri = reference.get("refuri", "") if reference is not None else ""
    if node["kind"] != "agreement" and uri.startswith("%") and "#" in uri:
        # Only ordinary spaces separate words: a no-break space keeps its words together.
        words = re.split(f"[{SPACES}]+", node.astext().strip())
        underlined = r"\editionmentionspace{}".join(_underlined_word(self, word) for word in words)
        self.body.append(self.hyperlink(uri[1:].replace("#", ":")) + underlined + "}}")
        raise nodes.SkipNode
    if node["kind"] == "agreement":
        # A citation label is the editors': set smaller than the report's words, as in HTML.
        self.body.append(r"{\small ")


def _underlined_word(self: LaTeXTranslator, word: str) -> str:
    """One word of a mention, underlined.

    The underline is a box, which no line can break: a word too long for a line is boxed in
    pieces, with break points between them (``long_words``).
    """
    return with_break_points(word, lambda piece: rf"\editionmentionword{{{self.encode(piece)}}}")


def depart_mention_latex(self: LaTeXTranslator, node: mention) -> None:
    if node["kind"] == "agreement":
        self.body.append("}")


def visit_page_number_latex(self: LaTeXTranslator, node: page_number) -> None:
    label = self.idescape(f"{node['docname']}:{node['anchor']}")
    self.body.append(rf" (p.~\pageref{{{label}}})")
    raise nodes.SkipNode


def skip(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    raise nodes.SkipNode


def do_nothing(self: nodes.NodeVisitor, node: nodes.Node) -> None:
    pass


WRITERS = ("html", "latex", "text", "man", "texinfo")


Visitors = tuple[Callable[[Any, Any], None], Callable[[Any, Any], None] | None]
"""A node's visit and depart functions for one writer (Sphinx's ``add_node`` takes them so)."""


def _register(app: Sphinx, node: type[nodes.Element], default: Visitors, **writers: Visitors) -> None:
    """Register a node for every writer: the given visitors, ``default`` for the others."""
    visitors = {writer: writers.get(writer, default) for writer in WRITERS}
    app.add_node(node, override=False, **visitors)


def setup(app: Sphinx) -> None:
    """Register the nodes with a writer for every builder the edition uses."""
    _register(
        app,
        mention,
        (do_nothing, do_nothing),
        html=(visit_mention_html, depart_mention_html),
        latex=(visit_mention_latex, depart_mention_latex),
    )
    _register(app, mention_backrefs, (skip, None))
    _register(app, folded, (do_nothing, do_nothing), html=(visit_folded_html, depart_folded_html))
    _register(app, latex_anchor, (skip, None), latex=(visit_latex_anchor, None))
    _register(app, page_number, (skip, None), latex=(visit_page_number_latex, None))
