"""Pages read and written in parallel only when there are enough of them to pay for it.

A large archive is built with a process per core (``dialogue_edition.build.sphinx_jobs``), and Sphinx then reads
and writes pages in forked processes whenever it may, however few there are. Forking a process
that holds the whole archive's environment, and taking the pages back (a pickled environment
for each reading process), costs about a third of a second at 50 reports and more at 200: more
than reading or writing the handful of pages an edit changes. So when a build has fewer pages
to read, or to write, than ``SERIAL_BELOW``, this extension has Sphinx do that step in its own
process, as at ``-j 1``. It decides on the final lists of pages: the one Sphinx hands the
``env-before-read-docs`` event, and the one it hands its builder's ``write_documents`` (the
method Sphinx documents for builders to override). The pages are the same either way
(``tests/test_reproducible.py`` compares an edit made so with a clean parallel build).

Where it does write in parallel, it forks a writer per job (:func:`a_writer_per_job`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Sequence, Set
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

SERIAL_BELOW = 30
"""Fewer pages to read or write than this are done in one process. A page takes 10 to 30 ms to
read or write at 50 to 200 reports; forking and merging, 0.3 to 0.5 s."""


def before_forking() -> None:
    """Leave what this process holds out of the collections of the processes Sphinx forks.

    A forked process shares this one's memory until either writes to a page of it; a collection
    writes to every object it walks. The build collects rarely (``build.GC_THRESHOLD``), so that
    up to a million of this process's objects (the environment, just loaded or merged) wait for
    their first walk, which each forked process would make, copying the pages: a cold build of
    200 reports took a quarter longer. Frozen, they are never walked; they are in use until the
    build ends.
    """
    gc.freeze()


@contextlib.contextmanager
def a_writer_per_job(app: Sphinx) -> Iterator[None]:
    """While Sphinx writes in parallel: as many forked writers as it has jobs, not one fewer.

    Sphinx forks one writer fewer than its job count, for its own process resolves each page's
    references (and feeds its search index) before a writer takes it. Here that is about a third
    of what writing the page takes, so the own process waits most of the time: on two cores, a
    cold build of 50 reports wrote with one core idle for seconds, and took 0.92 of the time
    with a writer per job. Sphinx takes the count from its application as it starts writing.
    """
    jobs = app.parallel
    app.parallel = jobs + 1
    try:
        yield
    finally:
        app.parallel = jobs


def tapered(chunks: list[list[str]]) -> list[list[str]]:
    """Sphinx's chunks of pages to write, with the first and the last cut into smaller ones: halves, quarters, eighths.

    Sphinx's own process resolves a whole chunk before a writer takes it, and a writer that
    finishes waits for the next chunk to be resolved; so on two cores, with chunks of 38 pages at
    50 reports, one core was idle for the first 0.6 s of writing, and the two writers ended
    unevenly. Small chunks first get the writers going at once; small ones last let them end
    together. A chunk is a forked process: three more at each end.
    """
    if len(chunks) < 2:
        return chunks
    first, middle, last = chunks[0], chunks[1:-1], chunks[-1]
    return [*_cut(first, _doubling(len(first))), *middle, *_cut(last, _doubling(len(last))[::-1])]


def _doubling(count: int, cuts: int = 3) -> list[int]:
    """``count`` as sizes that double: an eighth, an eighth, a quarter, a half (``cuts`` halvings, while two remain)."""
    sizes: list[int] = []
    for _ in range(cuts):
        if count < 2:
            break
        sizes.insert(0, count - count // 2)
        count //= 2
    return [count, *sizes] if count else sizes


def _cut(pages: list[str], sizes: list[int]) -> list[list[str]]:
    """``pages`` cut, in order, into pieces of ``sizes`` (which add up to their number)."""
    start, pieces = 0, []
    for size in sizes:
        pieces.append(pages[start : start + size])
        start += size
    return pieces


@contextlib.contextmanager
def tapered_chunks() -> Iterator[None]:
    """While Sphinx writes in parallel, its chunks of pages are :func:`tapered`.

    Sphinx's builders take ``make_chunks`` from their module, where it is replaced meanwhile.
    """
    import sphinx.builders
    from sphinx.util.parallel import make_chunks

    def chunks(arguments: Sequence[str], nproc: int, maxbatch: int = 10) -> list[list[str]]:
        return tapered([list(chunk) for chunk in make_chunks(arguments, nproc, maxbatch)])

    setattr(sphinx.builders, "make_chunks", chunks)  # noqa: B010  (the module does not export the name)
    try:
        yield
    finally:
        setattr(sphinx.builders, "make_chunks", make_chunks)  # noqa: B010


def serial_when_few(app: Sphinx, write_documents: Callable[[Set[str]], None]) -> Callable[[Set[str]], None]:
    """``write_documents`` that writes in this process when the pages are fewer than ``SERIAL_BELOW``."""
    builder = app.builder

    def write(docnames: Set[str]) -> None:
        if len(docnames) < SERIAL_BELOW:
            builder.parallel_ok = False
        if not builder.parallel_ok:
            write_documents(docnames)
            return
        before_forking()
        with a_writer_per_job(app), tapered_chunks():
            write_documents(docnames)

    return write


def decide_writing_by_pages(app: Sphinx) -> None:
    """Wrap the builder's ``write_documents`` in :func:`serial_when_few`."""
    setattr(app.builder, "write_documents", serial_when_few(app, app.builder.write_documents))  # noqa: B010


class ReadingJobs:
    """Sphinx's process count, lowered to one while it reads fewer pages than ``SERIAL_BELOW``.

    Sphinx reads in parallel when ``app.parallel`` is above one as the pages are handed out
    (right after ``env-before-read-docs``); the count goes back when reading ends
    (``env-updated``), before Sphinx decides how to write.
    """

    def __init__(self) -> None:
        self.jobs: int | None = None

    def before_reading(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        """Read in this process if the pages to read are few."""
        if app.parallel > 1 and len(docnames) < SERIAL_BELOW:
            self.jobs, app.parallel = app.parallel, 1
        elif app.parallel > 1:
            before_forking()

    def after_reading(self, app: Sphinx, env: BuildEnvironment) -> list[str]:
        """Give Sphinx back its process count for writing; no page needs writing for this."""
        if self.jobs is not None:
            app.parallel, self.jobs = self.jobs, None
        return []


def setup(app: Sphinx) -> dict[str, Any]:
    reading = ReadingJobs()
    app.connect("env-before-read-docs", reading.before_reading)
    # Before any other handler of env-updated: some read app.parallel there (the Cite panel's
    # formatting ahead, sphinxext.cite), and must see the count writing will use.
    app.connect("env-updated", reading.after_reading, priority=100)
    app.connect("builder-inited", decide_writing_by_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
