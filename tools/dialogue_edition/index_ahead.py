"""The search index written in a child while Sphinx finishes the site; taken if the pages are still those it read.

The index (``search.index_site``) reads the finished site's pages, after Sphinx. But Sphinx has
written every page of the sources a while before it is done: it still writes its search page
and its own search index, and the build's last steps run (``build-finished``: the redirect
stubs, the content policy, the open data, the sitemap). That is about 0.2 s of a one-page edit
at 200 reports, on one core, while the other is idle. So a child forked from the build writes
the index, and the build takes it once Sphinx is done. The child is forked once the pages are
written (``html-collect-pages``, ``sphinxext.search_ahead``), or, for an edit of a large site,
as Sphinx starts writing: it then works out what the edit leaves as it is
(``search.prepare_index``) and waits for the word to go (:meth:`IndexAhead.go`).

A thread would not do: the index waits on Pagefind's replies hundreds of times, and a thread
waiting for the interpreter's lock behind Sphinx's rendering lost all the time it saved
(measured: no gain at 200 reports). A fork copies the calling thread alone, and a lock another
thread held would stay held in the child: the child is forked only when no other thread runs.
So the workers that may still run then are stopped first: the index's readers (what they read
is kept, ``search_ahead.finish_reading``) and the Cite panel's (a page that still needs a reference
formats it itself). Otherwise, and without a core to spare, the index is written after Sphinx,
as before.

What the index holds depends on the site's pages alone (their URLs and bytes: each page's key,
``search.page_key``) and on the published index, which nothing writes during a build. So when
Sphinx is done, the pages' keys are taken again (``search.RecordCache.keys``: the cache the
child saved knows each page it read by its file's identity; a file written since, or too close
to the cache's saving to tell, is digested afresh). If every page is one the index was written
from, the child's index is the one the build would write after Sphinx, byte for byte. If a page
was written, added or removed meanwhile, or the child failed, the index is written again.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from . import search_ahead
from .check_ahead import close_inherited_descriptors, fork_with_the_build, said_by_child
from .work_ahead import spare_cores

if TYPE_CHECKING:  # the index's module is imported when the index is begun: a book never needs it
    from .search import WrittenIndex


@dataclass
class IndexAhead:
    """The index of the staged ``site``, begun in a child (:meth:`begin`) and written once told (:meth:`go`).

    ``cache`` and ``previous``: as for :func:`search.index_site`, which the child runs (its parts
    to be carried over when the site is placed).
    """

    site: Path
    cache: Path
    previous: Path | None
    _pid: int | None = field(default=None, init=False)
    _said: BinaryIO | None = field(default=None, init=False)
    """The child's result, read here."""
    _told: int | None = field(default=None, init=False)
    """The word to go, written here (``None`` once written)."""

    def begin(self) -> bool:
        """Fork the child, if none was and it may be; whether it was.

        The child works out what it can before the pages are final (``search.prepare_index``),
        then waits for :meth:`go`.
        """
        if self._pid is not None or threading.active_count() > 1 or spare_cores() < 1:
            return False
        try:
            said_read, said_write = os.pipe()
            told_read, told_write = os.pipe()
        except OSError:
            return False
        pid = fork_with_the_build()
        if pid == 0:
            _write_in_child(self, told_read, said_write)
        for descriptor in (said_write, told_read):
            os.close(descriptor)
        if pid is None:
            for descriptor in (said_read, told_write):
                os.close(descriptor)
            return False
        self._pid, self._said, self._told = pid, os.fdopen(said_read, "rb"), told_write
        return True

    def begun(self) -> bool:
        """Whether the child was forked (and not stopped)."""
        return self._pid is not None

    def go(self) -> None:
        """Tell the child that the pages are written, with what was read of them ahead (``search_ahead.READ``)."""
        if self._told is None:
            return
        message = pickle.dumps(dict(search_ahead.READ), protocol=pickle.HIGHEST_PROTOCOL)
        descriptor, self._told = self._told, None  # closed below, whatever happens
        with contextlib.suppress(OSError), os.fdopen(descriptor, "wb") as told:  # a child that stopped: taken() says
            told.write(len(message).to_bytes(8, "big") + message)

    def taken(self) -> WrittenIndex | None:
        """The index the child wrote, if it did and every page is still one it was written from; else ``None``."""
        from .search import WrittenIndex, current_keys, page_files

        if self._said is None or self._told is not None:  # not begun, or never told to go
            self.stop()
            return None
        # Listed while the child still works: the build writes no page once it asks (Sphinx is done).
        pages = page_files(self.site)
        said = self._said.read()
        self.stop()
        written = said_by_child(said)
        if not isinstance(written, WrittenIndex):
            return None
        return written if current_keys(pages, written) == written.pages else None

    def stop(self) -> None:
        """Stop the child and what it started, if they still run, and reap it (a failed build waits for that).

        The child leads a process group of its own: its page readers and Pagefind go with it.
        """
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):  # reaped already
                os.waitpid(self._pid, 0)
            self._pid = None
        if self._told is not None:
            os.close(self._told)
            self._told = None
        if self._said is not None:
            self._said.close()
            self._said = None


def _write_in_child(ahead: IndexAhead, told: int, said: int) -> None:
    """In the child: prepare, wait for the word to go (``told``), write the index, say what was written (``said``).

    Nothing is said if the index failed, or the build never said to go; then the child exits.
    """
    try:
        from .search import index_site, prepare_index

        os.setpgid(0, 0)  # a group of its own, stopped whole (IndexAhead.stop)
        close_inherited_descriptors(keep={told, said})
        prepared = prepare_index(ahead.site, ahead.cache, ahead.previous)
        read = _message(told)
        if read is None:
            return
        began = time.time_ns()
        search_ahead.READ.update(read)
        written = index_site(ahead.site, ahead.cache, ahead.previous, carry=True, prepared=prepared)
        # A page's file is known by its identity only if it is older than the reading by the
        # record cache's margin (RACY_NS), not merely older than the cache's saving.
        written.saved_ns = min(written.saved_ns, began)
        result = pickle.dumps(written, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(said, "wb") as out:
            out.write(result)
    finally:
        os._exit(0)  # nothing of the build's runs on in the child: no cleanup, no buffers flushed


def _message(told: int) -> dict[str, search_ahead.Parts] | None:
    """The build's word to go: what it read ahead, by URL (``None`` if the build closed the pipe first)."""
    with os.fdopen(told, "rb") as pipe:
        size = pipe.read(8)
        data = pipe.read(int.from_bytes(size, "big")) if len(size) == 8 else b""
    if len(size) != 8:
        return None
    message = pickle.loads(data)
    return message if isinstance(message, dict) else None


_EXPECTED: list[IndexAhead] = []


def expect(site: Path, cache: Path, previous: Path | None) -> IndexAhead:
    """The index of ``site`` that the next Sphinx build may begin early (:func:`begin`)."""
    forget()
    ahead = IndexAhead(site, cache, previous)
    _EXPECTED.append(ahead)
    return ahead


def expected(site: Path) -> IndexAhead | None:
    """The index expected for ``site``, if one is."""
    if _EXPECTED and _EXPECTED[0].site.resolve() == site.resolve():
        return _EXPECTED[0]
    return None


def forget() -> None:
    """No index is expected any more: a child still writing one is stopped."""
    while _EXPECTED:
        _EXPECTED.pop().stop()
