"""Pages written as new files, so that the staged site can share its unchanged pages with the published one.

An incremental build starts from the published site, so that Sphinx writes only what changed.
``dialogue_edition.build`` links the published site's pages and reference files into the
staging folder (:func:`shared`) instead of copying them: at 50 reports that is about 630 of the
site's 680 files, which no longer have to be read and written again at every edit. A linked file
is one file in two folders, so writing into it would change the published site before the build
has succeeded. Every writer of those files therefore removes the staged link first and writes a
new file:

- Sphinx's pages, of any kind: the link goes on ``html-page-context``, which Sphinx emits for
  every page just before it writes it;
- this package's own writers of pages and reference files, through :func:`write_new`.

Everything else in the site (style sheets, scripts, images, downloads, Sphinx's search index)
is copied, as before: Sphinx and other extensions may write those in place.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

CITE_DATA_FOLDER = "cite"
"""The folder of the pages' reference files (``dialogue_edition.sphinxext.cite``)."""


def shared(relative: PurePosixPath) -> bool:
    """Whether a file of the site (its path in the site) is linked, not copied, into the staged site.

    Only files written through :func:`write_new` or as Sphinx pages: pages (``*.html``) and the
    reference files of the Cite panel. Sphinx's own folders (``_static``, ``_images``,
    ``_downloads``, ``_sources``) are never linked: Sphinx copies files into them in place, and a
    file there may be named ``.html`` (a static template, a download).
    """
    if relative.parts[0].startswith("_"):
        return False
    return relative.suffix == ".html" or (relative.suffix == ".json" and relative.parts[0] == CITE_DATA_FOLDER)


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as a new file: a link to the published site's file there goes first."""
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")


def unlink_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object) -> None:
    """Before Sphinx writes a page, remove the staged link to the published page (see the module)."""
    if isinstance(app.builder, StandaloneHTMLBuilder) and app.builder.name == "html":
        Path(app.builder.get_outfilename(pagename)).unlink(missing_ok=True)


def setup(app: Sphinx) -> dict[str, Any]:
    # First of the page's handlers: some of them (the Cite panel's reference file) write files too.
    app.connect("html-page-context", unlink_page, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
