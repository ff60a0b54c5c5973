"""Work done ahead, in processes forked for it, while the build goes on.

citeproc-py takes about ten milliseconds a reference, and a cold build of one report formats some
fifty: a fifth of the build, on one core while the other waits. What a page's references are is
known before the page is written (the reports from the configuration, the other pages once they
are read), so the formatting can start early in a process of its own, and the page takes the
result when it gets there.

A result is what the same function gives when it is called in the build's own process: the work
is only moved, never changed. If a worker fails (killed, out of memory), or the function raised
there, the caller does the work itself, as it would have without this module, and gets the same
result or the same error.

The workers are forked from the build process, so they start with what it has loaded (the
reports, and whatever the caller prepared for them). A process forked from the build (Sphinx's
parallel readers and writers) never waits on work it did not ask for: it does its own. Nothing
here can stop or hang a build: a pool that cannot start or has broken is given no more work, a
call not yet started when its result is wanted is done by the caller instead of waited for, a
started one is waited for a bounded time, and a worker ends as soon as the build's process does,
however that ends (Ctrl-C, a kill, ``os._exit``).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing.connection import wait
from typing import Generic, TypeVar

Result = TypeVar("Result")

WAIT_AT_MOST = 120.0
"""Seconds a started call is waited for before the caller does it itself (a reference takes ~10 ms)."""


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, where the system has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def spare_cores() -> int:
    """The cores this process may run on, besides the one it runs on."""
    return usable_cores() - 1


def _follow_the_build() -> None:
    """In a worker: leave Ctrl-C to the build, and end when the build's process ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)


Call = tuple[str, tuple[object, ...]]
"""One call to make ahead: the key its result is taken by, and the function's arguments."""


def call_each(function: Callable[..., Result], arguments: list[tuple[object, ...]]) -> list[Result]:
    """``function(*each)`` for each of ``arguments``, in a worker, in order."""
    return [function(*each) for each in arguments]


class WorkAhead(Generic[Result]):
    """Calls of one function, each under a key, started ahead in forked worker processes.

    ``submit`` starts the calls not known yet, in groups that one worker does together (calls
    that share work, such as a cache of the function's, belong in one group); ``take`` hands a
    call's result over once (or ``None``: do it yourself); ``close`` stops the workers and drops
    what they had not done.
    """

    def __init__(self, function: Callable[..., Result], workers: int) -> None:
        self._function = function
        self._workers = workers
        self._owner = os.getpid()
        self._pool: ProcessPoolExecutor | None = None
        self._pending: dict[str, tuple[Future[list[Result]], int]] = {}
        self._broken = False

    def submit(self, groups: Iterable[list[Call]]) -> int:
        """Start each group's calls not already under way, in one worker a group; return how many started."""
        started = 0
        for group in groups:
            calls = [(key, arguments) for key, arguments in dict(group).items() if key not in self._pending]
            if not calls or not self._mine() or self._broken:
                continue
            try:
                if self._pool is None:
                    context = multiprocessing.get_context("fork")
                    self._pool = ProcessPoolExecutor(self._workers, context, initializer=_follow_the_build)
                future = self._pool.submit(call_each, self._function, [arguments for _key, arguments in calls])
            except (RuntimeError, OSError):  # no process to fork, or a broken pool: no more work ahead
                self._broken = True
                break
            self._pending.update({key: (future, index) for index, (key, _arguments) in enumerate(calls)})
            started += len(calls)
        return started

    def take(self, key: str) -> Result | None:
        """The result of the call under ``key``, waiting for it; ``None`` if there is none to take.

        A call no worker has started yet is withdrawn: the caller, who needs it now, does it sooner.
        """
        return self._take(key, withdraw=True)

    def take_all(self, *, withdraw: bool = False) -> dict[str, Result]:
        """Every result still to take, waiting for all of them (failed calls are left out).

        ``withdraw``: calls no worker has started are withdrawn instead of waited for (left out too),
        all of them first, before the pool hands more to its workers.
        """
        if withdraw and self._mine():
            for future, _ in list(self._pending.values()):
                future.cancel()
        results = {key: self._take(key, withdraw=withdraw) for key in list(self._pending)}
        return {key: result for key, result in results.items() if result is not None}

    def _take(self, key: str, withdraw: bool) -> Result | None:
        pending = self._pending.pop(key, None) if self._mine() else None
        if pending is None:
            return None
        future, index = pending
        if withdraw and future.cancel():
            return None
        try:
            return future.result(timeout=WAIT_AT_MOST)[index]
        except Exception:  # failed there, or too slow (FutureTimeout): the caller does it, as without us
            return None

    def close(self) -> None:
        """Stop the workers; calls not started are dropped, and results not taken forgotten."""
        if self._pool is not None and self._mine():
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        self._pending.clear()

    def _mine(self) -> bool:
        # A forked copy of this object (in a Sphinx worker) shares no pool with its parent.
        return os.getpid() == self._owner
