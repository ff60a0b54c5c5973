"""A "report an error" link on every page, opening a pre-filled issue that names the page.

The repository comes from ``edition_repository`` (set in ``conf.py`` from ``pyproject.toml``);
the issue's title and body name the page, so a reader only has to say what is wrong.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from docutils import nodes
from sphinx.application import Sphinx


def report_error_url(repository: str, page_url: str, title: str) -> str:
    """The address of a new issue about one page, with its title and body filled in."""
    body = (
        f"Page: {page_url}\n\nWhat is wrong (quote the passage if you can):\n\nWhat it should say, and your source:\n"
    )
    return f"{repository.rstrip('/')}/issues/new?" + urlencode({"title": f"Error on the page “{title}”", "body": body})


def add_report_link(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Give every page's template its "report an error" address."""
    repository = app.config.edition_repository
    # Only pages written from a source can be corrected: not the 404 page, the index or search.
    if not repository or pagename not in app.env.all_docs:
        return
    # The web page's address, also from an EPUB, whose pages are .xhtml files inside the book.
    page_url = app.config.html_baseurl.rstrip("/") + f"/{pagename}.html"
    title = app.env.titles[pagename].astext() if pagename in app.env.titles else pagename
    context["report_error_url"] = report_error_url(repository, page_url, title)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_repository", "", "html", types=[str])
    app.connect("html-page-context", add_report_link)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
