"""The order a reader meets the pages in: a walk of the toctrees from a page down."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from .per_build import OncePerBuild


def pages_in_reading_order(env: BuildEnvironment, root: str) -> list[str]:
    """``root`` and every page its toctrees include, hidden ones too, depth first, each once."""
    order: list[str] = []
    seen: set[str] = set()
    pending = [root]
    while pending:
        docname = pending.pop()
        if docname in seen:
            continue
        seen.add(docname)
        order.append(docname)
        # Pushed in reverse, so that the first child is walked (all of it) before the second.
        pending.extend(reversed(env.toctree_includes.get(docname, [])))
    return order


def _positions(app: Sphinx) -> dict[str, int]:
    pages = pages_in_reading_order(app.env, app.config.root_doc)
    return {name: index for index, name in enumerate(pages)}


reading_positions = OncePerBuild(_positions)
"""Every page's place in the site's reading order, once per build: once every page has been read
the toctrees are final, so the pages written afterwards (each glossary's "Mentioned in", the
data files) share one walk instead of one walk each."""
