"""The search index reads each page as Sphinx writes it, in a worker, instead of after the build.

See ``dialogue_edition.search_ahead``. Sphinx renders each page's template into the text it
writes: the builder's renderer is wrapped, after the content policy's wrapper
(``content_security``), so that what is handed over is the page as written. Reading ahead
starts only when the builder is about to write enough pages in this process to pay for a worker
(``search_ahead.AHEAD_FROM``); pages Sphinx writes in forked processes of its own are read by the
index afterwards, as before.

The index itself is written by a child forked from the build (``dialogue_edition.index_ahead``):
once the pages of the sources are written, and told to go then with what the worker read; for
an edit of a large site (:data:`EARLY_FROM_PAGES`), forked already as Sphinx starts writing.

Only a build that indexes its site afterwards reads ahead: ``edition-build`` sets
``edition_search_ahead``, expects the index (``index_ahead.expect``) and stops the worker once
the index is written. A plain ``sphinx-build`` of the project starts none.
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from .. import index_ahead, search_ahead
from ..citation import stop_formatting_ahead
from ..work_ahead import spare_cores
from .staged_site import page_in_site, site_builder


def hand_over_rendered_pages(app: Sphinx) -> None:
    """Wrap the site builder's renderer: each page rendered in this process is handed to the index's worker."""
    builder = site_builder(app)
    if builder is None:
        return
    render = builder.templates.render

    def render_and_hand_over(template: str, context: dict[str, Any]) -> str:
        page = str(render(template, context))
        if search_ahead.running() and template.endswith(".html"):
            url = page_in_site(builder, str(context.get("pagename", "")))
            search_ahead.read_ahead(url, page, str(context.get("encoding", "utf-8")))
        return page

    setattr(builder.templates, "render", render_and_hand_over)  # noqa: B010


def start_with_writing(app: Sphinx) -> None:
    """Wrap the site builder's writing: the worker starts once it is known how many pages this process writes.

    Wrapped first, so that Sphinx's choice of processes (``parallel_jobs``, which wraps it
    after) is made by the time the pages are counted: pages written by Sphinx's own forked
    writers are never handed over.
    """
    builder = site_builder(app)
    search_ahead.stop()
    if builder is None or not app.config.edition_search_ahead:
        return
    write_documents = builder.write_documents

    def start_and_write(docnames: Set[str]) -> None:
        # The index's child first, while no worker of this step runs (index_ahead forks only then).
        begin_index(app, early=True)
        # One worker: it keeps up with one writing process.
        search_ahead.start(0 if builder.parallel_ok else len(docnames), min(spare_cores(), 1))
        write_documents(docnames)

    setattr(builder, "write_documents", start_and_write)  # noqa: B010


EARLY_FROM_PAGES = 600
"""Pages from which an edit's index child is forked as Sphinx starts writing (about 100 reports).

Forked then, the child works out what the edit leaves as it is while Sphinx writes: at 200
reports (1,206 pages) that is 0.08 s, and the edit took 0.97 of the time it takes with the
child forked once the pages are written. At 10 and 50 reports (66 and 306 pages) there is little
to work out, and the copy of the build's memory the child holds while Sphinx writes cost more:
1.01 to 1.03 of the time (12 to 16 interleaved edits each, within the machine's noise)."""


def begin_index(app: Sphinx, *, early: bool = False) -> bool:
    """Fork the child that writes the site's search index (``index_ahead``), if the build expects one.

    ``early``: as Sphinx starts writing an edit (there is a published index) of a large site
    (:data:`EARLY_FROM_PAGES`); a cold build has nothing to work out ahead. If a worker runs then
    (the Cite panel's), or the site is smaller, the child is forked once the pages are written
    (:func:`index_when_written`).
    """
    ahead = index_ahead.expected(Path(app.outdir))
    if site_builder(app) is None or ahead is None or not app.config.edition_search_ahead:
        return False
    if early and (ahead.previous is None or len(app.env.found_docs) < EARLY_FROM_PAGES):
        return False
    return ahead.begin()


def index_when_written(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
    """Have the child write the index, now that every page of the sources is written.

    Sphinx asks for extensions' pages (``html-collect-pages``) after the pages of the sources and
    its index of terms; this asks last, and adds none. A child not forked yet is forked now, the
    workers still running stopped first (a fork must not copy a thread's half-held lock): the
    index's reader hands over what it read; the Cite panel's have nothing left to do for the pages
    Sphinx writes from here on (its search page), which format what they need themselves.
    """
    ahead = index_ahead.expected(Path(app.outdir))
    if ahead is None:
        return []
    search_ahead.finish_reading()
    stop_formatting_ahead()
    begin_index(app)  # if it was not forked as Sphinx started writing
    if ahead.begun():
        ahead.go()
    return []


def stop_reading_ahead(app: Sphinx, exception: Exception | None) -> None:
    """A failed build indexes nothing: its workers stop."""
    if exception is not None:
        search_ahead.stop()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_search_ahead", False, "", types=[bool])
    # After the content policy wraps the renderer (500): the page handed over is the one written.
    app.connect("builder-inited", hand_over_rendered_pages, priority=600)
    # Before parallel_jobs wraps the writing (500): see start_with_writing.
    app.connect("builder-inited", start_with_writing, priority=400)
    app.connect("html-collect-pages", index_when_written, priority=900)
    app.connect("build-finished", stop_reading_ahead)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
