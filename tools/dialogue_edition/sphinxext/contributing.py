"""What a contributor follows from a page: "report an error", and "view" and "edit" the page's source.

- A "report an error" link on every page opens a pre-filled issue that names the page. The
  repository comes from ``edition_repository`` (set in ``conf.py`` from ``pyproject.toml``); the
  issue's title and body name the page, so a reader only has to say what is wrong.
- A page made from a data file (a glossary from ``registry/people.yaml``, the agreements from
  ``registry/agreements.bib``) has its "view" and "edit" links (Furo's) open that file, where an
  entry is corrected: its Markdown file holds only the directive that writes the list. The page
  records the file (:func:`note_data_source`) as it is read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

DATA_SOURCE = "edition-data-source"
"""The page metadata naming the data file a page is made from, relative to the project."""
SAFE_PATH = re.compile(r"[\w.-]+(/[\w.-]+)*")
"""A data file's path as it goes into a link (and into Furo's ``str.format`` of it): no braces, no ``..``."""


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


def note_data_source(env: BuildEnvironment, path: str | Path) -> None:
    """Record that the page being read is made from the data file ``path`` (one inside the project)."""
    project = Path(env.srcdir).parent.resolve()
    try:
        relative = Path(path).resolve().relative_to(project).as_posix()
    except ValueError:  # outside the project: no repository link can open it
        return
    if SAFE_PATH.fullmatch(relative) and ".." not in relative.split("/"):
        env.metadata[env.docname][DATA_SOURCE] = relative


def note_bibliography_source(app: Sphinx, doctree: nodes.document) -> None:
    """A page that prints the bibliography (sphinxcontrib-bibtex) is made from its one BibTeX file."""
    files = app.config.bibtex_bibfiles if "bibtex_bibfiles" in app.config else []
    printed = any(type(node).__name__ == "bibliography" for node in doctree.findall(nodes.Element))
    if printed and len(files) == 1:
        note_data_source(app.env, Path(app.srcdir) / files[0])


def link_data_source(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Furo's "view" and "edit" links of a page made from a data file open that file."""
    source = app.env.metadata.get(pagename, {}).get(DATA_SOURCE)
    repository = str(context.get("theme_source_repository") or "").rstrip("/")
    branch = str(context.get("theme_source_branch") or "main")
    if not source or not repository.startswith("https://github.com/"):
        return
    context["theme_source_view_link"] = f"{repository}/blob/{branch}/{source}?plain=true"
    context["theme_source_edit_link"] = f"{repository}/edit/{branch}/{source}"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_repository", "", "html", types=[str])
    app.connect("html-page-context", add_report_link)
    app.connect("html-page-context", link_data_source)
    app.connect("doctree-read", note_bibliography_source)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
