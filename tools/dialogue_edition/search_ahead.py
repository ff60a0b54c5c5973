"""The search index's reading of pages, done while Sphinx writes them, in a process of its own.

The index (``dialogue_edition.search``) reads every page the build wrote once Sphinx is done:
a tenth of a second for a one-report site, on one core while the other waits. A page's words
are known as soon as Sphinx renders it, so its reading can start then, in a forked worker
(``work_ahead``), and the index takes the result when it gets there.

What a worker gives is what :func:`search.page_parts` gives for the page's bytes, filed under
the same key the index computes from the file (:func:`search.page_key`): the page's URL and
its bytes. A page whose file is not what the worker read (a later step changed it) has
another key, and the index reads it itself, as without this module.
"""

from __future__ import annotations

from typing import Any

from .work_ahead import WorkAhead

AHEAD_FROM = 4
"""Pages to write from which they are read ahead: forking a worker costs about as much as
reading a page or two in the build's own process."""

Parts = tuple[str, dict[str, Any]]
"""A page's key and its parts as data (:func:`search.page_parts_data`)."""

_AHEAD: list[WorkAhead[Parts]] = []
READ: dict[str, Parts] = {}
"""What the worker read, taken before it was stopped (:func:`finish_reading`); handed to a child
that writes the index (``index_ahead``)."""


def start(pages: int, workers: int) -> bool:
    """Read ahead the pages about to be written, if there are ``AHEAD_FROM`` or more and a worker to read them."""
    stop()
    if workers < 1 or pages < AHEAD_FROM:
        return False
    _AHEAD.append(WorkAhead(_read, workers))
    return True


def read_ahead(url: str, text: str, encoding: str) -> None:
    """Start reading the page at ``url`` (its path in the site): ``text``, written in ``encoding``.

    Tool pages (search, index of terms, 404), which the index never holds, are not read.
    """
    from .search import SKIPPED_PAGES  # the index's module imports this one

    if _AHEAD and url not in SKIPPED_PAGES:
        _AHEAD[0].submit([[(url, (url, text, encoding))]])


def take(url: str) -> Parts | None:
    """The key and parts of the page at ``url`` as read ahead, or ``None`` (not read ahead: read it)."""
    if url in READ:
        return READ.pop(url)
    return _AHEAD[0].take(url) if _AHEAD else None


def finish_reading() -> None:
    """Wait for every page handed over, keep what was read (for :func:`take`), and stop the worker.

    For a child forked from the build afterwards (``index_ahead``): it takes what was read here.
    """
    if _AHEAD:
        READ.update(_AHEAD[0].take_all(withdraw=True))
    while _AHEAD:
        _AHEAD.pop().close()


def running() -> bool:
    """Whether pages are being read ahead (a worker was started for this build)."""
    return bool(_AHEAD)


def stop() -> None:
    """Stop the workers; pages not taken are dropped."""
    READ.clear()
    while _AHEAD:
        _AHEAD.pop().close()


def _read(url: str, text: str, encoding: str) -> Parts:
    from .search import page_key, page_parts_data

    content = text.encode(encoding, "xmlcharrefreplace")
    return page_key(url, content), page_parts_data((content, url))
