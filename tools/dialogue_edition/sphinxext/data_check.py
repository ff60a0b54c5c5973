"""Sphinx reads nothing before the data check passed (``dialogue_edition.check_ahead``).

``edition-build`` checks the data in a process of its own while Sphinx starts (its imports,
the configuration, the extensions): this extension waits for the check's verdict before
anything is read, so that bad data stop the build with the check's ``file:line: problem``
lines and nothing else. It waits when the configuration is read, before any extension reads a
data file (the redirects, the registry); the configuration itself stops on a bad report with a
message the build replaces by the check's. A Sphinx run started another way (``sphinx-build``,
the tests' Sphinx apps) has no check to wait for.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

_waiting: list[Callable[[], None]] = []


@contextlib.contextmanager
def waiting_for(ready: Callable[[], None]) -> Iterator[None]:
    """While Sphinx runs in this context, it calls ``ready`` before reading (which may stop the build)."""
    _waiting.append(ready)
    try:
        yield
    finally:
        _waiting.remove(ready)


def wait_for_data_check(app: Sphinx, config: Config) -> None:
    """Before any extension reads data: the verdict of the check that runs beside this build."""
    for ready in list(_waiting):
        ready()


def waits_for_data_check(conf: Path) -> bool:
    """Whether a project's configuration file loads this extension (else the build waits before Sphinx starts)."""
    try:
        return __name__ in conf.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def setup(app: Sphinx) -> dict[str, Any]:
    # First of all "config-inited" handlers: from there on, extensions read data files (redirects, the registry).
    app.connect("config-inited", wait_for_data_check, priority=0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
