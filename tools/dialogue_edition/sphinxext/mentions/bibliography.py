"""The bibliography of agreements: "Cited in" under every entry, and each entry as BibTeX.

sphinxcontrib-bibtex renders the entries (ids ``agreement-<key>``, set by ``bibtex_cite_id`` in
``conf.py``); this adds, below each, the citing paragraphs across the edition and, in the HTML,
the entry's BibTeX source to copy.

It also gives sphinxcontrib-bibtex (2.7) a new citation node for each entry every time it fills a
bibliography (:class:`FreshCitationNodes`). Its transform appends the entry's label and text to
the one node its directive made, which the environment keeps: a builder writing two documents
that hold the bibliography (every report's PDF, then the combined one) printed each entry once in
the first, twice in the second, and so on.
"""

from __future__ import annotations

from docutils import nodes
from pybtex.database import BibliographyData
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform

from ...agreements import parse
from ...pybtex_plugins import register_referencing_styles, register_writer
from ...registry import AGREEMENTS_FILE
from .domain import cite_domain, forum_domain
from .nodes import folded, latex_anchor, mention_backrefs

ID_PREFIX = "agreement-"


def bibtex_of(data: BibliographyData, key: str) -> str:
    """One entry as BibTeX, for readers to copy."""
    register_writer()
    return str(BibliographyData(entries={key: data.entries[key]}).to_string("bibtex")).strip()


def docname_of(app: Sphinx, key: str) -> str:
    """The page whose bibliography holds the agreement ``key``."""
    citation = next(c for c in cite_domain(app.env).citations if c.key == key)
    docname: str = citation.bibliography_key.docname
    return docname


def undecorated(citation: nodes.Element) -> nodes.Element:
    """A citation node as sphinxcontrib-bibtex's directive makes it: its attributes, no children.

    ``backrefs`` and ``docname`` are the transform's, set again for the document it fills.
    """
    fresh = citation.copy()  # attributes only
    fresh["backrefs"] = []
    fresh.attributes.pop("docname", None)
    return fresh


class FreshCitationNodes(SphinxPostTransform):
    """Before sphinxcontrib-bibtex fills a bibliography, give each entry it filled before an undecorated node.

    The environment's bibliographies are looked at, not the document: a walk of every document's
    tree for the one page that holds the bibliography cost more than the few copies made here.
    """

    default_priority = 4  # sphinxcontrib-bibtex's BibliographyTransform is 5

    def run(self, **kwargs: object) -> None:
        try:
            bibliographies = cite_domain(self.env).bibliographies
        except ExtensionError:  # a project without sphinxcontrib-bibtex (a test's)
            return
        for bibliography in bibliographies.values():
            citations = bibliography.citation_nodes
            if any(citation.children for citation in citations.values()):
                for name, citation in citations.items():
                    citations[name] = undecorated(citation)


def decorate_citations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Append "Cited in" (and, in HTML, the BibTeX source) to each agreement's entry."""
    data: BibliographyData | None = None
    for citation in list(doctree.findall(nodes.citation)):
        ids = [identifier for identifier in citation["ids"] if identifier.startswith(ID_PREFIX)]
        if not ids:
            continue
        key = ids[0].removeprefix(ID_PREFIX)
        # The node is this document's own (FreshCitationNodes): decorated in place.
        cited_in = nodes.paragraph("", "", nodes.strong("Cited in:", "Cited in:"), classes=["cited-in"])
        citation += [cited_in, mention_backrefs("", targets=[f"agreement:{key}"])]
        if app.builder.name == "latex":
            entry = citation[1]
            assert isinstance(entry, nodes.Element)  # the entry's text, after its label
            entry.insert(0, latex_anchor("", docname=docname_of(app, key), anchor=ids[0]))
        if app.builder.format == "html" and app.builder.name != "epub":
            if data is None:
                _, data = parse(forum_domain(app.env).registry.folder / AGREEMENTS_FILE)
            source = bibtex_of(data, key)
            # Secondary to the entry itself: folded away until asked for.
            bibtex = nodes.literal_block(source, source, language="bibtex", classes=["cite-this"])
            citation += folded("", bibtex, summary="BibTeX")


def setup(app: Sphinx) -> None:
    """Register the agreements' pybtex styles; decorate the bibliography before the back-references are filled in."""
    register_referencing_styles()
    app.add_post_transform(FreshCitationNodes)
    app.connect("doctree-resolved", decorate_citations, priority=400)
