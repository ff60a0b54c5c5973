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

A page whose source is gone would stay in a site that starts from the published one: once the
pages are written, every page (and reference file) that is neither a page of the sources nor
written by this build is removed (:func:`remove_pages_of_gone_sources`).
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

CITE_DATA_FOLDER = "cite"
"""The folder of the pages' reference files (``dialogue_edition.sphinxext.cite``)."""


def shared(relative: str) -> bool:
    """Whether a file of the site (its path in the site, ``/``-separated) is linked, not copied, into the staged site.

    Only files written through :func:`write_new` or as Sphinx pages: pages (``*.html``) and the
    reference files of the Cite panel. Sphinx's own folders (``_static``, ``_images``,
    ``_downloads``, ``_sources``) are never linked: Sphinx copies files into them in place, and a
    file there may be named ``.html`` (a static template, a download). A string, not a path
    object: the staged site asks for every file (2,484 at 200 reports).
    """
    return source_of(relative) is not None


def write_new(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as a new file: a link to the published site's file there goes first."""
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")
    _WRITTEN.add(path.resolve())


def site_builder(app: Sphinx) -> StandaloneHTMLBuilder | None:
    """The builder, if it writes the site (``edition-build html``); ``None`` for the books and any other."""
    builder = app.builder
    return builder if isinstance(builder, StandaloneHTMLBuilder) and builder.name == "html" else None


def page_in_site(builder: StandaloneHTMLBuilder, pagename: str) -> str:
    """The path in the site (``/``-separated) of the file Sphinx writes a page into."""
    return Path(os.path.relpath(builder.get_outfilename(pagename), builder.outdir)).as_posix()


def unlink_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object) -> None:
    """Before Sphinx writes a page, remove the staged link to the published page (see the module)."""
    builder = site_builder(app)
    if builder is not None:
        page = Path(builder.get_outfilename(pagename))
        page.unlink(missing_ok=True)
        _WRITTEN.add(page.resolve())


_WRITTEN: set[Path] = set()
"""The files this build wrote through :func:`write_new` or as Sphinx pages (emptied as it starts)."""


def note_start(app: Sphinx) -> None:
    """A new build: nothing written yet."""
    _WRITTEN.clear()


def remove_pages_of_gone_sources(app: Sphinx, exception: Exception | None) -> None:
    """Remove the published site's pages and reference files whose source is gone.

    Kept: the pages of the sources (written now or unchanged) and whatever this build wrote (the
    index, the search page, the redirect stubs). Sphinx's own folders and the search index are
    not pages of a source.
    """
    if exception is not None or site_builder(app) is None:
        return
    outdir = Path(app.outdir)
    for relative, entry in list(site_files(str(outdir))):  # listed first: pages and folders go below
        docname = source_of(relative)
        if docname is None or docname in app.env.found_docs:
            continue
        # Resolved only when not a page of the sources: most are, and resolving is slow.
        path = Path(entry.path)
        if path.resolve() not in _WRITTEN:
            path.unlink()
            _remove_emptied_folders(path.parent, outdir)


def site_files(folder: str, within: str = "") -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file below ``folder`` with its path in the site (``/``-separated); links to folders are not followed.

    Strings and directory entries, not path objects: every edit walks the site's thousands of
    files (2,415 pages and reference files at 200 reports).
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from site_files(entry.path, f"{within}{entry.name}/")
            else:
                yield within + entry.name, entry


def source_of(relative: str) -> str | None:
    """The page a file of the site (its path in the site) is of: a page, or a reference file; else ``None``.

    Sphinx's own folders (``_static``...) hold no page of a source.
    """
    if relative.startswith("_"):
        return None
    stem, suffix = posixpath.splitext(relative)  # no suffix for a name that is only ".html"
    top, _, below = relative.partition("/")
    if suffix == ".html":
        return stem
    if suffix == ".json" and top == CITE_DATA_FOLDER and below:
        return posixpath.splitext(below)[0]
    return None


def _remove_emptied_folders(folder: Path, outdir: Path) -> None:
    """Remove ``folder`` and its parents below ``outdir`` while they are empty (a report's folder, say)."""
    while folder != outdir and folder.is_relative_to(outdir) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def setup(app: Sphinx) -> dict[str, Any]:
    # First of the page's handlers: some of them (the Cite panel's reference file) write files too.
    app.connect("html-page-context", unlink_page, priority=100)
    app.connect("builder-inited", note_start)
    # After the redirect stubs (500), before the policy is set on the pages (900).
    app.connect("build-finished", remove_pages_of_gone_sources, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
