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

TEMPLATES = Path(__file__).parent / "templates"


def use_template(app: Sphinx, config: Config) -> None:
    """Add the template folder and switch Furo's announcement bar on (its content is ours)."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_theme_options = {"announcement": "downloads", **config.html_theme_options}


def describe_landing_page(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """The landing page's description: the site's, not its first paragraph (the downloads)."""
    description = app.config.edition_description
    if pagename != app.config.root_doc or not description:
        return
    # sphinxext-opengraph (run after this) takes og: fields from the page's metadata, and writes no
    # description of its own where the page has one.
    context["meta"] = {**(context.get("meta") or {}), "og:description": description}
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
    app.connect("html-page-context", describe_landing_page, priority=400)
    app.connect("html-page-context", link_open_data)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
