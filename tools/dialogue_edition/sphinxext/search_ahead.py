"""The search index reads each page as Sphinx writes it, in a worker, instead of after the build.

See ``dialogue_edition.search_ahead``. Sphinx renders each page's template into the text it
writes: the builder's renderer is wrapped, after the content policy's wrapper
(``content_security``), so that what is handed over is the page as written. Reading ahead
starts only when the builder is about to write enough pages in this process to pay for a worker
(``search_ahead.AHEAD_FROM``); pages Sphinx writes in forked processes of its own are read by the
index afterwards, as before.

Only a build that indexes its site afterwards reads ahead: ``edition-build`` sets
``edition_search_ahead`` and stops the worker once the index is written. A plain ``sphinx-build``
of the project starts none.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from sphinx.application import Sphinx

from .. import search_ahead
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
        # One worker: it keeps up with one writing process.
        search_ahead.start(0 if builder.parallel_ok else len(docnames), min(spare_cores(), 1))
        write_documents(docnames)

    setattr(builder, "write_documents", start_and_write)  # noqa: B010


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
    app.connect("build-finished", stop_reading_ahead)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
