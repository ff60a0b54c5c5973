"""The edition's page template on top of Furo.

Downloads in the announcement bar, a link to report an error at the foot of every page, the
open data's page and the general index in the sidebar (``templates/sidebar/navigation.html``), and the
site's description (``edition_description``) as the landing page's description for search
engines and social previews, where sphinxext-opengraph would take its first paragraph.

The template (``templates/page.html``) reads what ``downloads`` and ``contributing`` put in each
page's context; one template, because Jinja lets a project override ``page.html`` only once.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from .editorial import DEFAULT_TITLE
from .tree import ancestors

TEMPLATES = Path(__file__).parent / "templates"


def use_template(app: Sphinx, config: Config) -> None:
    """Add the template folder and switch Furo's announcement bar on (its content is ours)."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_theme_options = {"announcement": "downloads", **config.html_theme_options}


DESCRIPTION_LENGTH = 200
"""Characters of a page's description at most (sphinxext-opengraph's default length)."""


def page_description(doctree: nodes.document) -> str | None:
    """What a page is about, for search engines and link previews, or None to leave it to sphinxext-opengraph.

    A page that opens with a titled editorial box ("About this glossary", "About this report")
    is described by the editors' text in it; any other page by its first paragraph outside the
    editors' boxes and the generated tables (a report's page: the report's own words).
    sphinxext-opengraph skips every admonition, so it took the glossaries' letter bar and
    fields ("A B C … Name, Aleksei Astafev: …") and the report's metadata table.
    """
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return None
    blocks = [child for child in section.children if isinstance(child, nodes.Body)]
    blocks = [block for block in blocks if not isinstance(block, nodes.Invisible)]
    if blocks and _described_by_editors(blocks[0]):
        paragraphs = list(blocks[0].findall(nodes.paragraph))
    else:
        paragraphs = [node for node in section.findall(nodes.paragraph) if not _aside(node)][:1]
    text = " ".join(" ".join(paragraph.astext() for paragraph in paragraphs).split())
    if len(text) > DESCRIPTION_LENGTH:
        text = text[: DESCRIPTION_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text or None


def _described_by_editors(block: nodes.Node) -> bool:
    """An editorial box with a title of its own (an untitled one is a note: "Page 1 of the 5 …")."""
    if not (isinstance(block, nodes.admonition) and "editorial" in block["classes"]):
        return False
    title = block.next_node(nodes.title)
    return title is not None and title.astext() != DEFAULT_TITLE


def _aside(node: nodes.Node) -> bool:
    """In an admonition, a field list or a container (a card, the letter bar): not the page's own text."""
    aside = (nodes.Admonition, nodes.field_list, nodes.container, nodes.title)
    return any(isinstance(ancestor, aside) for ancestor in ancestors(node))


def describe_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """A page's description: the site's for the landing page, else :func:`page_description`."""
    if pagename == app.config.root_doc:
        description = app.config.edition_description
    else:
        description = page_description(doctree) if doctree is not None else None
    if not description:
        return
    # sphinxext-opengraph (run after this) takes og: fields from the page's metadata, and writes no
    # description of its own where the page has one.
    # Escaped here: sphinxext-opengraph writes a description given so as it is (quotes aside).
    context["meta"] = {**(context.get("meta") or {}), "og:description": escape(description)}
    context["metatags"] = context.get("metatags", "") + f'<meta name="description" content="{escape(description)}" />\n'


OPEN_DATA_PAGE = "data"
"""The open data's page (``open_data``): in no toctree, for the books leave it out."""


def link_open_data(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Give the sidebar the open data's page (its name and title), where the site has one.

    No toctree holds it (a book's would then name a page the book leaves out), so the sidebar
    links it beside the general index (``templates/sidebar/navigation.html``).
    """
    title = app.env.titles.get(OPEN_DATA_PAGE)
    if title is not None:
        context["edition_open_data"] = (OPEN_DATA_PAGE, title.astext())


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_description", "", "html", types=[str])
    app.connect("config-inited", use_template)
    app.connect("html-page-context", describe_page, priority=400)
    app.connect("html-page-context", link_open_data)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
