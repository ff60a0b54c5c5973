"""Back-references: links from an entry to every paragraph that mentions or cites it.

Mentions are grouped by report, then by page, in the site's reading order; each paragraph link
is followed, in the PDF only, by its page number. Filled in when a page is written, once every
page has been read, so they are right after any incremental build.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.errors import NoUri

from ..per_build import OncePerBuild
from ..reading_order import reading_positions
from .domain import Mention, forum_domain
from .glossary import bullets
from .nodes import REPORT_PAGE, mention_backrefs, page_number


class PageLinks:
    """The links from one page to others, each worked out once for all the page's entries: address and title.

    A glossary page lists, under each entry, every page that mentions it: the same few hundred
    pages again and again (at 50 reports, 12,450 links to 306 pages on the people page). Titles
    are kept as text too: working one out from its nodes for every link took 5 % of a cold build
    at 50 reports.
    """

    def __init__(self, builder: Builder, fromdoc: str) -> None:
        self._builder, self._fromdoc = builder, fromdoc
        self._uris: dict[str, str | None] = {}
        self._titles: dict[str, str] = {}

    def title(self, docname: str) -> str:
        """The title of ``docname``, as text."""
        if docname not in self._titles:
            self._titles[docname] = self._builder.env.titles[docname].astext()
        return self._titles[docname]

    def uri(self, docname: str) -> str | None:
        """The link to ``docname``, or None where the output does not hold that page.

        A PDF holds one report: mentions on other pages of the site are left out of it.
        """
        if docname not in self._uris:
            try:
                self._uris[docname] = self._builder.get_relative_uri(self._fromdoc, docname)
            except NoUri:
                self._uris[docname] = None
        return self._uris[docname]


def _group_label(links: PageLinks, docname: str) -> tuple[str, str | None]:
    match = REPORT_PAGE.match(docname)
    if not match:
        return "Other pages of this edition", None
    landing = f"reports/{match['slug']}/index"
    return links.title(landing), landing


def render_backrefs(mentions: list[Mention], links: PageLinks) -> nodes.Node:
    """Mentions grouped by report, then by page: links (from the page of ``links``) to each paragraph, and PDF pages."""
    groups: dict[tuple[str, str | None], dict[str, list[Mention]]] = {}
    for mention in mentions:
        groups.setdefault(_group_label(links, mention.docname), {}).setdefault(mention.docname, []).append(mention)
    outer = nodes.bullet_list(classes=["mentioned-in"])
    for (label, landing), pages in groups.items():
        heading: list[nodes.Node] = [nodes.Text(label)]
        landing_uri = links.uri(landing) if landing else None
        if landing_uri is not None:
            heading = [nodes.reference(label, label, internal=True, refuri=landing_uri)]
        inner = []
        for docname, found in pages.items():
            uri = links.uri(docname)
            if uri is None:
                continue
            title = links.title(docname)
            inline: list[nodes.Node] = [nodes.reference(title, title, internal=True, refuri=uri), nodes.Text(": ")]
            for index, item in enumerate(found):
                text = f"¶{item.paragraph}"
                if index:
                    inline.append(nodes.Text(", "))
                inline.append(
                    nodes.reference(text, text, internal=True, refuri=f"{uri}#{item.anchor}", classes=["paragraph-ref"])
                )
                inline.append(page_number("", docname=docname, anchor=item.anchor))
            inner.append(inline)
        if inner:
            outer += nodes.list_item("", nodes.paragraph("", "", *heading), bullets(inner))
    # A report's PDF holds only its own pages: an entry mentioned elsewhere only says so.
    return outer if outer.children else nodes.paragraph("", "Only in other reports of this edition.")


mentions_by_entity = OncePerBuild(lambda app: forum_domain(app.env).mentions_by_entity())
"""Every page's mentions grouped by entity, once per build: pages are written after all are read."""


def fill_backrefs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each "Mentioned in" placeholder, now that every page's mentions are known."""
    placeholders = list(doctree.findall(mention_backrefs))
    if not placeholders:
        return
    order, mentioned = reading_positions(app), mentions_by_entity(app)
    links = PageLinks(app.builder, docname)
    for placeholder in placeholders:
        found = [
            m
            for target in placeholder["targets"]
            for m in mentioned.get(tuple(target.split(":", 1)), [])
            if not m.editorial  # the editors' words are not the report's: left out of "Mentioned in"
        ]
        unique = {(m.docname, m.anchor): m for m in found}.values()
        mentions = sorted(unique, key=lambda m: (order.get(m.docname, len(order)), m.paragraph))
        placeholder.replace_self(render_backrefs(mentions, links))


def setup(app: Sphinx) -> None:
    """Fill the back-references of every page as it is written."""
    app.connect("doctree-resolved", fill_backrefs)
    reading_positions.setup(app)
    mentions_by_entity.setup(app)
