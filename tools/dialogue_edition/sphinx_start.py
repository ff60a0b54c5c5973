"""What Sphinx loads as an edition's build starts: less than it would for any build.

Sphinx sets up every builder it ships and imports an HTTP client for images it may download.
An edition's build uses three builders and never downloads an image (``sphinxext.safety``
refuses a remote image before Sphinx would fetch it), so:

- the link checker is left out of Sphinx's built-in extensions: it alone imports ``requests``
  (with urllib3, ssl and http.client) at once. External links are checked by
  ``nox -s linkcheck``, a ``sphinx-build`` of its own.
- two modules Sphinx's own transforms import at start are imported on first use
  (:class:`importlib.util.LazyLoader`): ``sphinx.util.requests``, for the images Sphinx would
  download, and ``sphinx.ext.doctest`` (with the standard library's doctest and pdb), for the
  doctest flags it trims from Python console blocks, which no page of an edition has. A page
  that had one would load it then, as Sphinx would have at start.

Together about 60 ms of every build's start (``python -X importtime``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Iterator

UNUSED_BUILTINS = ("sphinx.builders.linkcheck",)
"""Sphinx's own extensions no edition's build uses."""

LAZY_MODULES = ("sphinx.util.requests", "sphinx.ext.doctest")
"""Modules Sphinx imports at start and an edition's build uses at most rarely: loaded when first used."""


def import_lazily(name: str) -> None:
    """Put ``name`` in :data:`sys.modules` as a module whose code runs when an attribute is first read.

    As with :class:`importlib.util.LazyLoader` anywhere, an error in that code surfaces at that
    first use, and the module stays as far as its code got (Python 3.11's lazy modules have no
    lock either: the build uses these two from its main thread only).
    """
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    # Bound in its package, as an import binds it: ``from package import name`` then takes it
    # as it is, where the import system would read its ``__spec__`` (and so load it) first.
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


@contextlib.contextmanager
def builtin_extensions(*, adding: tuple[str, ...] = (), leaving: tuple[str, ...] = ()) -> Iterator[None]:
    """While in this context, Sphinx sets up its built-in extensions less ``leaving``, then ``adding``.

    Sphinx reads its list as an application starts; the list is restored after, and contexts
    nest (``sphinxext.data_check.waiting_for`` adds the data check's extension this way).
    """
    import sphinx.application

    original = sphinx.application.builtin_extensions
    kept = tuple(name for name in original if name not in leaving)
    sphinx.application.builtin_extensions = (*kept, *adding)
    try:
        yield
    finally:
        sphinx.application.builtin_extensions = original


@contextlib.contextmanager
def lean_start() -> Iterator[None]:
    """While Sphinx runs, its built-in extensions less :data:`UNUSED_BUILTINS`; from now on, :data:`LAZY_MODULES` lazy.

    A lazy module stays in place after Sphinx is done: it is the module itself, loaded when it is
    first used, in this process as in any other.
    """
    for name in LAZY_MODULES:
        import_lazily(name)
    with builtin_extensions(leaving=UNUSED_BUILTINS):
        yield
