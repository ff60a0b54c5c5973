"""Pages written in parallel only when there are enough of them to pay for it.

A large archive is built with ``-j auto`` (``dialogue_edition.build``), and Sphinx then writes
pages in forked processes whenever it may, however few there are. Forking a process that holds
the whole archive's environment, and taking the written pages back, costs about a third of a
second at 50 reports: more than writing the handful of pages an edit changes (the page, the
pages whose navigation or glossary lists it changed). So when a build has fewer pages to write
than ``SERIAL_BELOW``, this extension has Sphinx write them in its own process, as at ``-j 1``.
It decides on the final list of pages, the one Sphinx hands its builder's ``write_documents``
(the method Sphinx documents for builders to override). The pages are the same either way
(``tests/test_reproducible.py`` compares an edit written so with a clean parallel build).
"""

from __future__ import annotations

from collections.abc import Callable, Set
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder

SERIAL_BELOW = 30
"""Fewer pages to write than this are written in one process. A page takes 10 to 30 ms to write
at 50 to 200 reports; forking and merging, 0.3 to 0.5 s."""


def serial_when_few(builder: Builder, write_documents: Callable[[Set[str]], None]) -> Callable[[Set[str]], None]:
    """``write_documents`` that writes in this process when the pages are fewer than ``SERIAL_BELOW``."""

    def write(docnames: Set[str]) -> None:
        if len(docnames) < SERIAL_BELOW:
            builder.parallel_ok = False
        write_documents(docnames)

    return write


def decide_by_pages(app: Sphinx) -> None:
    """Wrap the builder's ``write_documents`` in :func:`serial_when_few`."""
    setattr(app.builder, "write_documents", serial_when_few(app.builder, app.builder.write_documents))  # noqa: B010


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", decide_by_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
