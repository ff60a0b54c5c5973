"""Sphinx reads nothing before the data check passed (``dialogue_edition.check_ahead``).

``edition-build`` checks the data in a process of its own while Sphinx starts (imports, the
configuration, the extensions, the last build's environment): this extension waits for the
check's verdict when the builder is ready, before anything is read, so that bad data stop the
build with the check's ``file:line: problem`` lines and nothing else. A Sphinx run started
another way (``sphinx-build``, the tests' Sphinx apps) has no check to wait for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from sphinx.application import Sphinx

_waiting: list[Callable[[], None]] = []


@contextlib.contextmanager
def waiting_for(ready: Callable[[], None]) -> Iterator[None]:
    """While Sphinx runs in this context, it calls ``ready`` before reading (which may stop the build)."""
    _waiting.append(ready)
    try:
        yield
    finally:
        _waiting.remove(ready)


def wait_for_data_check(app: Sphinx) -> None:
    """Before the builder reads anything: the verdict of the check that runs beside this build."""
    for ready in list(_waiting):
        ready()


def setup(app: Sphinx) -> dict[str, Any]:
    # First of all "builder-inited" handlers: some of them read the registry.
    app.connect("builder-inited", wait_for_data_check, priority=0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
