"""Sphinx reads nothing before the data check passed (``dialogue_edition.check_ahead``).

``edition-build`` checks the data in a process of its own while Sphinx starts (its imports,
the configuration, the extensions): this extension waits for the check's verdict before
anything is read, so that bad data stop the build with the check's ``file:line: problem``
lines and nothing else. It waits when the configuration is read, before any extension reads a
data file (the redirects, the registry); the configuration itself stops on a bad report with a
message the build replaces by the check's. The build loads this extension itself, first,
whatever the configuration lists (:func:`waiting_for`); a Sphinx run started another way
(``sphinx-build``, the tests' Sphinx apps) has no check to wait for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from ..sphinx_start import builtin_extensions

_waiting: list[Callable[[], None]] = []


@contextlib.contextmanager
def waiting_for(ready: Callable[[], None]) -> Iterator[None]:
    """While Sphinx runs in this context, it calls ``ready`` before reading (which may stop the build).

    This extension is loaded with Sphinx's own for the duration, before the configuration's:
    whatever a project's ``conf.py`` lists (or leaves out), nothing is read before the verdict.
    """
    _waiting.append(ready)
    try:
        with builtin_extensions(adding=(__name__,)):
            yield
    finally:
        _waiting.remove(ready)


def wait_for_data_check(app: Sphinx, config: Config) -> None:
    """Before any extension reads data: the verdict of the check that runs beside this build."""
    for ready in list(_waiting):
        ready()


def setup(app: Sphinx) -> dict[str, Any]:
    # First of all "config-inited" handlers: from there on, extensions read data files (redirects, the registry).
    app.connect("config-inited", wait_for_data_check, priority=0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
