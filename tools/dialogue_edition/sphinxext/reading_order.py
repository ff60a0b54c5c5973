"""The order a reader meets the pages in: a walk of the toctrees from a page down."""

from __future__ import annotations

import weakref

from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment


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


_POSITIONS: weakref.WeakKeyDictionary[Builder, dict[str, int]] = weakref.WeakKeyDictionary()


def reading_positions(builder: Builder) -> dict[str, int]:
    """Every page's place in the site's reading order, computed once per build.

    Once every page has been read the toctrees are final, so the pages written afterwards (each
    glossary's "Mentioned in", the data files) share one walk instead of one walk each.
    """
    if builder not in _POSITIONS:
        pages = pages_in_reading_order(builder.env, builder.env.config.root_doc)
        _POSITIONS[builder] = {name: index for index, name in enumerate(pages)}
    return _POSITIONS[builder]
