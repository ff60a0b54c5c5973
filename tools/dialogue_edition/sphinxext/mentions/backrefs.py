"""Back-references: links from an entry to every paragraph that mentions or cites it.

Mentions are grouped by report, then by page, in the site's reading order; each paragraph link
is followed, in the PDF only, by its page number. Filled in when a page is written, once every
page has been read, so they are right after any incremental build.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri

from ..per_build import OncePerBuild
from ..reading_order import reading_positions
from .domain import Mention, forum_domain
from .glossary import bullets
from .nodes import REPORT_PAGE, mention_backrefs, page_number


def _group_label(env: BuildEnvironment, docname: str) -> tuple[str, str | None]:
    match = REPORT_PAGE.match(docname)
    if not match:
        return "Other pages of this edition", None
    landing = f"reports/{match['slug']}/index"
    return env.titles[landing].astext(), landing


def _uri(builder: Builder, fromdoc: str, docname: str) -> str | None:
    """The link from one page to another, or None where the output does not hold that page.

    A PDF holds one report: mentions on other pages of the site are left out of it.
    """
    try:
        return builder.get_relative_uri(fromdoc, docname)
    except NoUri:
        return None


def render_backrefs(app: Sphinx, fromdoc: str, mentions: list[Mention]) -> nodes.Node:
    """Mentions grouped by report, then by page: links to each paragraph (and PDF pages)."""
    env, builder = app.env, app.builder
    groups: dict[tuple[str, str | None], dict[str, list[Mention]]] = {}
    for mention in mentions:
        groups.setdefault(_group_label(env, mention.docname), {}).setdefault(mention.docname, []).append(mention)
    outer = nodes.bullet_list(classes=["mentioned-in"])
    for (label, landing), pages in groups.items():
        heading: list[nodes.Node] = [nodes.Text(label)]
        if landing and _uri(builder, fromdoc, landing) is not None:
            heading = [nodes.reference(label, label, internal=True, refuri=_uri(builder, fromdoc, landing))]
        inner = []
        for docname, found in pages.items():
            uri = _uri(builder, fromdoc, docname)
            if uri is None:
                continue
            title = env.titles[docname].astext()
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
    for placeholder in placeholders:
        found = [
            m
            for target in placeholder["targets"]
            for m in mentioned.get(tuple(target.split(":", 1)), [])
            if not m.editorial  # the editors' words are not the report's: left out of "Mentioned in"
        ]
        unique = {(m.docname, m.anchor): m for m in found}.values()
        mentions = sorted(unique, key=lambda m: (order.get(m.docname, len(order)), m.paragraph))
        placeholder.replace_self(render_backrefs(app, docname, mentions))


def setup(app: Sphinx) -> None:
    """Fill the back-references of every page as it is written."""
    app.connect("doctree-resolved", fill_backrefs)
    reading_positions.setup(app)
    mentions_by_entity.setup(app)
