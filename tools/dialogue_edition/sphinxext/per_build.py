"""Values worked out once per build, from what reading every page left in the environment.

Several steps of writing need the same whole-site value on every page (the reading order, the
mentions grouped by entity, the navigation). Each is worked out on first use, once every page is
read, and kept for the rest of the build; when the next build starts writing (``write-started``,
the same application can build twice: tests, previews) it is forgotten, so no build sees the
last one's.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from sphinx.application import Sphinx
from sphinx.builders import Builder

Value = TypeVar("Value")


class OncePerBuild(Generic[Value]):
    """``compute(app)``, kept for the build being written; :meth:`setup` forgets it at the next."""

    def __init__(self, compute: Callable[[Sphinx], Value]) -> None:
        self.compute = compute
        self.values: weakref.WeakKeyDictionary[Builder, Value] = weakref.WeakKeyDictionary()

    def __call__(self, app: Sphinx) -> Value:
        """The value for the build ``app`` is writing, worked out the first time it is asked for."""
        if app.builder not in self.values:
            self.values[app.builder] = self.compute(app)
        return self.values[app.builder]

    def forget(self, app: Sphinx, builder: Builder) -> None:
        """A new build is being written: the last build's value no longer holds."""
        self.values.pop(builder, None)

    def setup(self, app: Sphinx) -> None:
        """Forget the value whenever a build starts writing (connected by each extension that uses it)."""
        app.connect("write-started", self.forget)
