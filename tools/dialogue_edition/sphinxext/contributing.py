"""What a contributor follows from a page: "report an error", and "view" and "edit" the page's source.

- A "report an error" link on every page opens a pre-filled issue that names the page. The
  repository comes from ``edition_repository`` (set in ``conf.py`` from ``pyproject.toml``); the
  issue's title and body name the page, so a reader only has to say what is wrong.
- A page made from a data file (a glossary from ``registry/people.yaml``, the agreements from
  ``registry/agreements.bib``) has its "view" and "edit" links (Furo's) open that file, where an
  entry is corrected: its Markdown file holds only the directive that writes the list. A glossary
  records its file (:func:`note_data_source`) as it is read; the bibliography's page is known
  from sphinxcontrib-bibtex's domain.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import ExtensionError

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


def project_path(env: BuildEnvironment, path: str | Path) -> str | None:
    """``path`` relative to the project, as a link may name it; None outside the project or unsafe."""
    try:
        relative = Path(path).resolve().relative_to(Path(env.srcdir).parent.resolve()).as_posix()
    except ValueError:  # outside the project: no repository link can open it
        return None
    return relative if plain_path(relative) else None


def plain_path(value: object) -> bool:
    """Whether ``value`` is a path as a link may name it: :data:`SAFE_PATH`, and no ``..`` step."""
    return isinstance(value, str) and SAFE_PATH.fullmatch(value) is not None and ".." not in value.split("/")


def note_data_source(env: BuildEnvironment, path: str | Path) -> None:
    """Record that the page being read is made from the data file ``path`` (one inside the project)."""
    relative = project_path(env, path)
    if relative is not None:
        env.metadata[env.docname][DATA_SOURCE] = relative


def bibliography_source(app: Sphinx, pagename: str) -> str | None:
    """The one BibTeX file of a page that prints sphinxcontrib-bibtex's bibliography, as the domain records it."""
    files = app.config.bibtex_bibfiles if "bibtex_bibfiles" in app.config else []
    try:
        bibliographies = app.env.get_domain("cite").bibliographies  # type: ignore[attr-defined]  # BibtexDomain
    except ExtensionError:  # a project without sphinxcontrib-bibtex
        return None
    if len(files) != 1 or all(key.docname != pagename for key in bibliographies):
        return None
    return project_path(app.env, Path(app.srcdir) / files[0])


def link_data_source(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Furo's "view" and "edit" links of a page made from a data file open that file."""
    source = app.env.metadata.get(pagename, {}).get(DATA_SOURCE) or bibliography_source(app, pagename)
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
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
