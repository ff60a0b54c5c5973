"""Work done ahead in forked workers (``dialogue_edition.work_ahead``): the same results, or none.

A result taken is the function's own, as if called here; a call that failed there, a worker that
died, or a process forked from the build (Sphinx's readers and writers) gets nothing, and does the
work itself instead of waiting.
"""

from __future__ import annotations

import multiprocessing
import os
import signal

import pytest
from dialogue_edition.work_ahead import WorkAhead, spare_cores

FORK = multiprocessing.get_context("fork")
GATE = FORK.Event()
"""Holds ``held`` calls until the test opens it (the workers inherit it when they are forked)."""


def square(number: int) -> int:
    return number * number


def refuse(number: int) -> int:
    raise ValueError(f"no {number}")


def die(number: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return number


def held(number: int) -> int:
    GATE.wait()
    return number


def test_each_result_is_the_functions_own_and_is_taken_once() -> None:
    ahead: WorkAhead[int] = WorkAhead(square, workers=2)
    try:
        # Alone, and in groups that one worker does together.
        assert ahead.submit([[(str(n), (n,))] for n in range(6)]) == 6
        assert ahead.submit([[("6", (6,)), ("7", (7,))], [("8", (8,)), ("9", (9,)), ("6", (6,))]]) == 4
        assert ahead.submit([[("3", (3,))]]) == 0  # under way already
        assert [ahead.take(str(n)) for n in range(10)] == [n * n for n in range(10)]
        assert ahead.take("3") is None  # taken: the caller keeps it now
        assert ahead.take("never asked") is None
    finally:
        ahead.close()


def test_a_call_that_failed_there_is_left_to_the_caller() -> None:
    ahead: WorkAhead[int] = WorkAhead(refuse, workers=1)
    try:
        ahead.submit([[("1", (1,))]])
        assert ahead.take("1") is None
    finally:
        ahead.close()


def test_a_worker_that_died_is_not_waited_for() -> None:
    ahead: WorkAhead[int] = WorkAhead(die, workers=1)
    try:
        ahead.submit([[("1", (1,))], [("2", (2,)), ("3", (3,))]])
        assert ahead.take_all() == {}
    finally:
        ahead.close()


def test_a_process_forked_from_the_build_does_its_own_work() -> None:
    GATE.clear()
    ahead: WorkAhead[int] = WorkAhead(held, workers=1)
    try:
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
    finally:
        GATE.set()
        ahead.close()


def test_the_build_keeps_a_core_for_itself() -> None:
    assert spare_cores() == len(os.sched_getaffinity(0)) - 1


@pytest.mark.parametrize("workers", [1, 2])
def test_closing_drops_what_was_not_taken(workers: int) -> None:
    ahead: WorkAhead[int] = WorkAhead(square, workers=workers)
    ahead.submit([[("5", (5,))]])
    ahead.close()
    assert ahead.take("5") is None
