"""Work done ahead in forked workers (``dialogue_edition.work_ahead``): the same results, or none.

A result taken is the function's own, as if called here; a call that failed there, a worker that
died, or a process forked from the build (Sphinx's readers and writers) gets nothing, and does the
work itself instead of waiting.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import dialogue_edition.work_ahead as work_ahead
import pytest
from dialogue_edition.work_ahead import WorkAhead

FORK = multiprocessing.get_context("fork")
GATE = FORK.Event()
"""Holds ``held`` calls until the test opens it (the workers inherit it when they are forked)."""
CALLED = FORK.Array("b", 8)
"""Which ``held`` calls ran (shared with the workers, which inherit it)."""


@contextlib.contextmanager
def working_ahead(function: Callable[[int], int], workers: int = 1) -> Iterator[WorkAhead[int]]:
    """A pool for one test, closed after it (and the gate opened, so that no held call blocks closing)."""
    ahead: WorkAhead[int] = WorkAhead(function, workers=workers)
    try:
        yield ahead
    finally:
        GATE.set()
        ahead.close()


def square(number: int) -> int:
    return number * number


def refuse(number: int) -> int:
    raise ValueError(f"no {number}")


def die(number: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return number


def held(number: int) -> int:
    GATE.wait()
    CALLED[number] = 1
    return number


def test_each_result_is_the_functions_own_and_is_taken_once(monkeypatch: pytest.MonkeyPatch) -> None:
    with working_ahead(square, workers=2) as ahead:
        # Alone, and in groups that one worker does together.
        assert ahead.submit([[(str(n), (n,))] for n in range(6)]) == 6
        assert ahead.submit([[("6", (6,)), ("7", (7,))], [("8", (8,)), ("9", (9,)), ("6", (6,))]]) == 4
        assert ahead.submit([[("3", (3,))]]) == 0  # under way already
        # Taking them all waits for every call, started or not: none is withdrawn.
        monkeypatch.setattr(Future, "cancel", lambda future: pytest.fail("take_all withdrew a call"))
        assert ahead.take_all() == {str(n): n * n for n in range(10)}
        assert ahead.take("3") is None  # taken: the caller keeps it now
        assert ahead.take("never asked") is None


def test_a_call_that_failed_there_is_left_to_the_caller() -> None:
    with working_ahead(refuse) as ahead:
        ahead.submit([[("1", (1,))]])
        assert ahead.take("1") is None


def test_a_worker_that_died_is_not_waited_for() -> None:
    with working_ahead(die) as ahead:
        ahead.submit([[("1", (1,))], [("2", (2,)), ("3", (3,))]])
        assert ahead.take_all() == {}


def test_a_process_forked_from_the_build_does_its_own_work() -> None:
    GATE.clear()
    with working_ahead(held) as ahead:
        ahead.submit([[("1", (1,))]])
        answers = FORK.Queue()
        child = FORK.Process(target=lambda: answers.put((ahead.take("1"), ahead.submit([[("2", (2,))]]))))
        child.start()
        # The child answers while the call it could have waited for is still held: the parent's
        # pool is not the child's, which neither waits for it nor adds to it.
        assert answers.get(timeout=60) == (None, 0)
        child.join(timeout=60)
        GATE.set()
        assert ahead.take("1") == 1  # the parent's own call was there all along


def test_a_pool_that_broke_is_given_no_more_work() -> None:
    with working_ahead(die) as ahead:
        ahead.submit([[("1", (1,))]])
        assert ahead.take("1") is None
        # The pool is broken now (its worker died): more work is refused, not raised.
        assert ahead.submit([[("2", (2,))]]) == 0
        assert ahead.take("2") is None


def test_a_call_not_started_is_left_to_the_caller_instead_of_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(work_ahead, "WAIT_AT_MOST", 1.0)
    GATE.clear()
    CALLED[:] = [0] * len(CALLED)
    with working_ahead(held) as ahead:
        # One worker: the first call holds it, the pool queues one more, the rest wait unsent.
        ahead.submit([[(str(n), (n,))] for n in range(6)])
        unsent, _index = ahead._pending["5"]
        assert ahead.take("5") is None
        assert unsent.cancelled()  # withdrawn at once, not waited for (for WAIT_AT_MOST)
        GATE.set()
        assert ahead.take("0") == 0
    # Call 5 was withdrawn (the caller does it), not waited for and run all the same.
    assert CALLED[0] == 1
    assert CALLED[5] == 0


def worker_pids_of_a_build_that_exits_at_once(answers: Any) -> None:
    """A build (forked) that starts a pool, then ends with os._exit, as edition-build does."""
    ahead: WorkAhead[int] = WorkAhead(square, workers=2)
    ahead.submit([[("1", (1,))], [("2", (2,))]])
    assert ahead.take("1") == 1
    answers.put(sorted(ahead._pool._processes))  # type: ignore[union-attr]
    answers.close()
    answers.join_thread()  # the answer is on its way before the process ends
    os._exit(0)


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state  # a zombie has ended; only its parent's wait is missing


def test_workers_end_with_the_build_however_it_ends() -> None:
    answers = FORK.Queue()
    build = FORK.Process(target=worker_pids_of_a_build_that_exits_at_once, args=(answers,))
    build.start()
    pids = answers.get(timeout=60)
    build.join(timeout=60)
    assert len(pids) == 2
    for _ in range(600):
        if not any(running(pid) for pid in pids):
            break
        time.sleep(0.05)
    assert not any(running(pid) for pid in pids)


@pytest.mark.parametrize("workers", [1, 2])
def test_closing_drops_what_was_not_taken(workers: int) -> None:
    ahead: WorkAhead[int] = WorkAhead(square, workers=workers)
    ahead.submit([[("5", (5,))]])
    ahead.close()
    assert ahead.take("5") is None
