"""Pages written in parallel only when there are enough of them to pay for it.

A large archive is built with ``-j auto`` (``dialogue_edition.build``), and Sphinx then writes
pages in forked processes whenever it may, however few there are. Forking a process that holds
the whole archive's environment, and taking the written pages back, costs about a third of a
second at 50 reports: more than writing the handful of pages an edit changes (the page, the
pages whose navigation or glossary lists it changed). So when a build has fewer pages to write
than ``SERIAL_BELOW``, this extension has Sphinx write them in its own process, as at ``-j 1``.
The pages are the same either way (``tests/test_many_reports.py`` compares a parallel build
with a serial one).
"""

from __future__ import annotations

import weakref
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

SERIAL_BELOW = 30
"""Fewer pages to write than this are written in one process. A page takes 10 to 30 ms to write
at 50 to 200 reports; forking and merging, 0.3 to 0.5 s."""

_READ: weakref.WeakKeyDictionary[Sphinx, set[str]] = weakref.WeakKeyDictionary()


def note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Remember the pages this build reads: each of them is written."""
    _READ[app] = set(docnames)


def write_serially_when_few(app: Sphinx, builder: Builder) -> None:
    """Turn parallel writing off for this build if it writes fewer than ``SERIAL_BELOW`` pages.

    The pages written are those read, and those whose output is older than their source or the
    templates (the builder's own measure, ``get_outdated_docs``); Sphinx adds the few pages whose
    table of contents includes a changed one.
    """
    if not builder.parallel_ok:
        return
    to_write, outdated = _READ.pop(app, set()), builder.get_outdated_docs()
    if isinstance(outdated, str):  # a builder that writes every page, such as LaTeX's
        return
    for docname in outdated:
        to_write.add(docname)
        if len(to_write) >= SERIAL_BELOW:
            return
    if len(to_write) < SERIAL_BELOW:
        builder.parallel_ok = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-before-read-docs", note_read)
    app.connect("write-started", write_serially_when_few)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
