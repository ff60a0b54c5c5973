"""The order a reader meets the pages in: a walk of the toctrees from a page down."""

from __future__ import annotations

from sphinx.environment import BuildEnvironment


def pages_in_reading_order(env: BuildEnvironment, root: str) -> list[str]:
    """``root`` and every page its toctrees include, hidden ones too, depth first, each once."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname not in order:
            order.append(docname)
            for child in env.toctree_includes.get(docname, []):
                visit(child)

    visit(root)
    return order
